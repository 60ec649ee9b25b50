package dev.greetprobe.bench;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.JvmFigures;
import dev.greetprobe.testkit.Ports;
import dev.greetprobe.testkit.PrometheusText;
import dev.greetprobe.testkit.ProtobufScrape;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One probe pod's scale: N loopback greeting checks at a 10 s interval, with the heap the manifests give a pod, in one
 * histogram mode. Reports the load figures (probes/s, failures, CPU per 1,000 probes, heap after GC, RSS, p99
 * lateness), then what the Prometheus that scrapes the pod pays: series per target, bytes per scrape in text and in
 * protobuf, and the time and CPU to render one scrape.
 */
final class ScaleBench {

  private ScaleBench() {
  }

  static final String PROTOBUF = ProtobufScrape.ACCEPT;
  static final String TEXT = "text/plain; version=0.0.4";
  /** The heap of a pod of deploy/base/probe-statefulset.yaml: MaxRAMPercentage=75 of its 1Gi limit. */
  static final String POD_HEAP = "-Xmx768m";
  static final double POD_MEMORY_MIB = 1024;
  private static final int SCRAPE_INTERVAL_SECONDS = 15;
  private static final int RENDERS = 3;

  record Figures(String mode, int targets, double seconds, double probesPerSecond, double failures,
      double cpuPer1000, double heapMiB, double rssMiB, double lateP99Ms, int seriesNative, int seriesText,
      long textBytes, long protobufBytes, double textWallSeconds, double textCpuSeconds, double protobufWallSeconds,
      double protobufCpuSeconds) {
  }

  static Figures run(Path root, Path work, String mode, int targets, int intervalSeconds, int seconds,
      int warmupSeconds) throws Exception {
    int greeterPort = Ports.free();
    int greeterHttp = Ports.free();
    Path greeterConfig = Files.writeString(work.resolve("scale-greeter.yaml"),
        "host: 127.0.0.1\nport: " + greeterPort + "\nhttp: {host: 127.0.0.1, port: " + greeterHttp + "}\n");
    int probeHttp = Ports.free();
    StringBuilder probeConfig = new StringBuilder()
        .append("http: {host: 127.0.0.1, port: ").append(probeHttp).append("}\n")
        .append("metrics: {histograms: ").append(mode).append("}\n")
        .append("defaults: {interval: ").append(intervalSeconds).append("s, timeout: ")
        .append(Math.min(5, intervalSeconds)).append("s}\ntargets:\n");
    for (int i = 0; i < targets; i++) {
      probeConfig.append("  - {name: t").append(i).append(", address: \"127.0.0.1:").append(greeterPort)
          .append("\", expect: \"^Thank You for Connecting$\"}\n");
    }
    Path probeFile = Files.writeString(work.resolve("scale-probe-" + mode + ".yaml"), probeConfig);
    // What a Prometheus asks for: protobuf once it takes native histograms, text before.
    String scraperAccept = mode.equals("classic") ? TEXT : PROTOBUF;

    try (ChildProcess greeter = Services.jar(root.resolve("greeter-service/target/greeter-service.jar"), greeterConfig,
            greeterHttp, work.resolve("scale-greeter.log"));
         ChildProcess probe = Services.jar(root.resolve("probe-service/target/probe-service.jar"), probeFile, probeHttp,
            work.resolve("scale-probe-" + mode + ".log"), POD_HEAP, "-XX:+ExitOnOutOfMemoryError")) {
      ScheduledExecutorService prometheus = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "prometheus");
        thread.setDaemon(true);
        return thread;
      });
      prometheus.scheduleAtFixedRate(() -> scrapeInBackground(probeHttp, scraperAccept), SCRAPE_INTERVAL_SECONDS,
          SCRAPE_INTERVAL_SECONDS, TimeUnit.SECONDS);
      Thread.sleep(warmupSeconds * 1000L);
      PrometheusText before = PrometheusText.parse(new String(scrape(probeHttp, TEXT), StandardCharsets.UTF_8));
      ProtobufScrape protobufBefore = ProtobufScrape.parse(scrape(probeHttp, PROTOBUF));
      double cpuBefore = probe.cpuSeconds();
      long start = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      PrometheusText after = PrometheusText.parse(new String(scrape(probeHttp, TEXT), StandardCharsets.UTF_8));
      ProtobufScrape protobufAfter = ProtobufScrape.parse(scrape(probeHttp, PROTOBUF));
      double cpuAfter = probe.cpuSeconds();
      double elapsed = (System.nanoTime() - start) / 1e9;
      prometheus.shutdownNow();
      double probingCpuRate = (cpuAfter - cpuBefore) / elapsed;

      double probes = after.sum("probe_results_total") - before.sum("probe_results_total");
      Map<String, String> success = Map.of("result", "success");
      double ok = after.sum("probe_results_total", success) - before.sum("probe_results_total", success);
      double lateP99 = BucketQuantile.upperBound(protobufBefore.buckets("probe_schedule_lateness_seconds"),
          protobufAfter.buckets("probe_schedule_lateness_seconds"), 0.99);

      Render text = render(probe, probeHttp, TEXT, probingCpuRate);
      Render protobuf = render(probe, probeHttp, PROTOBUF, probingCpuRate);
      int seriesText = (int) PrometheusText.parse(new String(text.bytes(), StandardCharsets.UTF_8)).samples().stream()
          .filter(sample -> "t0".equals(sample.label("target"))).count();
      int seriesNative = ProtobufScrape.parse(protobuf.bytes()).series(labels -> "t0".equals(labels.get("target")));
      return new Figures(mode, targets, elapsed, probes / elapsed, probes - ok, (cpuAfter - cpuBefore) / probes * 1000,
          JvmFigures.heapAfterGcMiB(probe), probe.rssMiB(), lateP99 * 1000, seriesNative,
          seriesText, text.bytes().length, protobuf.bytes().length, text.wallSeconds(), text.cpuSeconds(),
          protobuf.wallSeconds(), protobuf.cpuSeconds());
    }
  }

  private record Render(byte[] bytes, double wallSeconds, double cpuSeconds) {
  }

  /**
   * The mean wall time of {@value #RENDERS} scrapes in one format, and the CPU the probe spent on each beyond what
   * probing takes in that time.
   */
  private static Render render(ChildProcess probe, int probeHttp, String accept, double probingCpuRate) throws Exception {
    byte[] bytes = null;
    double wall = 0;
    double cpu = 0;
    for (int i = 0; i < RENDERS; i++) {
      double cpuBefore = probe.cpuSeconds();
      long start = System.nanoTime();
      bytes = scrape(probeHttp, accept);
      double seconds = (System.nanoTime() - start) / 1e9;
      wall += seconds;
      cpu += probe.cpuSeconds() - cpuBefore - probingCpuRate * seconds;
    }
    return new Render(bytes, wall / RENDERS, Math.max(0, cpu / RENDERS));
  }

  /** One scrape at a time, as one Prometheus scrapes: the bench's own never overlap the periodic ones. */
  private static synchronized byte[] scrape(int probeHttp, String accept) throws Exception {
    return Services.scrape(probeHttp, accept);
  }

  private static void scrapeInBackground(int probeHttp, String accept) {
    try {
      scrape(probeHttp, accept);
    } catch (Exception e) {
      System.err.println("scrape failed: " + e);
    }
  }

  static void print(List<Figures> rows, int intervalSeconds) {
    System.out.println();
    System.out.printf(Locale.ROOT, "probe scale: loopback greeting checks at a %d s interval, heap %s (a pod of the"
        + " manifests: %.0f MiB limit), scraped every %d s%n", intervalSeconds, POD_HEAP.substring(4), POD_MEMORY_MIB,
        SCRAPE_INTERVAL_SECONDS);
    System.out.printf(Locale.ROOT, "%-8s %8s %8s %10s %9s %11s %9s %8s %14s %10s%n", "mode", "targets", "seconds",
        "probes/s", "failures", "CPU s/1000", "heap MiB", "RSS MiB", "RSS headroom", "p99 late <=");
    for (Figures f : rows) {
      System.out.printf(Locale.ROOT, "%-8s %8d %8.1f %10.1f %9.0f %11.4f %9.1f %8.1f %13.0f%% %8.0f ms%n", f.mode(),
          f.targets(), f.seconds(), f.probesPerSecond(), f.failures(), f.cpuPer1000(), f.heapMiB(), f.rssMiB(),
          100 * (1 - f.rssMiB() / POD_MEMORY_MIB), f.lateP99Ms());
    }
    System.out.println();
    System.out.println("what the scraping Prometheus pays, per mode (series: of one target, t0)");
    System.out.printf(Locale.ROOT, "%-8s %16s %14s %11s %13s %11s %11s %13s %13s%n", "mode", "series (native)",
        "series (text)", "text MB", "protobuf MB", "text wall", "text CPU", "protobuf wall", "protobuf CPU");
    for (Figures f : rows) {
      System.out.printf(Locale.ROOT, "%-8s %16d %14d %11.2f %13.2f %9.3f s %9.3f s %11.3f s %11.3f s%n", f.mode(),
          f.seriesNative(), f.seriesText(), f.textBytes() / 1e6, f.protobufBytes() / 1e6, f.textWallSeconds(),
          f.textCpuSeconds(), f.protobufWallSeconds(), f.protobufCpuSeconds());
    }
    System.out.println("series (native): what a Prometheus with native histograms stores from the protobuf scrape;"
        + " series (text): the samples of the text scrape, what a Prometheus without them stores. CPU: the probe's,"
        + " beyond what probing took meanwhile, mean of " + RENDERS + " scrapes, rendered on a worker thread.");
  }
}
