package dev.greetprobe.bench;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.JvmFigures;
import dev.greetprobe.testkit.Ports;
import dev.greetprobe.testkit.PrometheusText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The probe's cost: N loopback targets (a greeter, checked for its greeting) at a 1 s interval for a fixed time,
 * with the probe, on the transport given, and the greeter in processes of their own. Reports probes/s, CPU seconds per 1,000 probes (the
 * probe process only, from /proc), heap after a full GC, RSS, and the p99 of scheduling lateness.
 */
final class ProbeBench {

  private ProbeBench() {
  }

  /**
   * The JIT counts as settled once its compilers take less than this share of the process's own CPU: a share of wall
   * time would call a probe settled whose compiling is a tenth of what it spends.
   */
  private static final double SETTLED_COMPILER_SHARE = 0.05;
  /** Prometheus' default scrape interval: being scraped is part of a probe's running cost. */
  private static final int SCRAPE_INTERVAL_SECONDS = 15;
  /** Two scrapes long: a scrape can set the JIT to work after a quiet spell. */
  private static final int SETTLE_WINDOW_SECONDS = 30;
  private static final int MAX_EXTRA_WARMUP_SECONDS = 300;

  record Figures(String prober, int round, int targets, double seconds, double warmupSeconds, double probesPerSecond, double failures,
      double cpuPer1000, double compilerShare, double heapMiB, double rssMiB, double lateP99Ms) {
  }

  /**
   * One run of the probe of the build under {@code root} ({@code build} names it: empty for this checkout's), the
   * {@code round}-th of its kind.
   */
  static Figures run(Path root, String build, int round, Path work, String transport, int targets, int seconds,
      int warmupSeconds) throws Exception {
    int greeterPort = Ports.free();
    Path greeterConfig = Files.writeString(work.resolve("greeter.yaml"),
        "host: 127.0.0.1\nport: " + greeterPort + "\nhttp: {host: 127.0.0.1, port: " + Ports.free() + "}\n");
    int probeHttp = Ports.free();
    StringBuilder probeConfig = new StringBuilder()
        .append("transport: ").append(transport).append("\n")
        .append("http: {host: 127.0.0.1, port: ").append(probeHttp).append("}\n")
        .append("defaults: {interval: 1s, timeout: 900ms}\ntargets:\n");
    for (int i = 0; i < targets; i++) {
      probeConfig.append("  - {name: t").append(i).append(", address: \"127.0.0.1:").append(greeterPort)
          .append("\", expect: \"^Thank You for Connecting$\"}\n");
    }
    String prober = "greetprobe[" + transport + "]" + build;
    Path probeFile = Files.writeString(work.resolve("probe-" + transport + build + ".yaml"), probeConfig);
    int greeterHttp = Integer.parseInt(Files.readString(greeterConfig).replaceAll("(?s).*port: (\\d+)}.*", "$1"));

    try (ChildProcess greeter = Services.jar(root.resolve("greeter-service/target/greeter-service.jar"), greeterConfig,
            greeterHttp, work.resolve("greeter.log"));
         ChildProcess probe = Services.jar(root.resolve("probe-service/target/probe-service.jar"), probeFile, probeHttp,
            work.resolve("probe-" + transport + build + ".log"))) {
      ScheduledExecutorService prometheus = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "prometheus");
        thread.setDaemon(true);
        return thread;
      });
      prometheus.scheduleAtFixedRate(() -> scrape(probeHttp), SCRAPE_INTERVAL_SECONDS, SCRAPE_INTERVAL_SECONDS,
          TimeUnit.SECONDS);
      double warmedUp = warmUp(probe, warmupSeconds);
      PrometheusText before = PrometheusText.parse(Services.get(probeHttp, "/metrics"));
      double cpuBefore = probe.cpuSeconds();
      double compilerBefore = JvmFigures.compilerSeconds(probe);
      long start = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      PrometheusText after = PrometheusText.parse(Services.get(probeHttp, "/metrics"));
      double cpuAfter = probe.cpuSeconds();
      double compilerAfter = JvmFigures.compilerSeconds(probe);
      prometheus.shutdownNow();
      double elapsed = (System.nanoTime() - start) / 1e9;

      double probes = after.sum("probe_results_total") - before.sum("probe_results_total");
      Map<String, String> success = Map.of("result", "success");
      double ok = after.sum("probe_results_total", success) - before.sum("probe_results_total", success);
      NavigableMap<Double, Double> lateBefore = before.buckets("probe_schedule_lateness_seconds", Map.of());
      NavigableMap<Double, Double> lateAfter = after.buckets("probe_schedule_lateness_seconds", Map.of());
      double rss = probe.rssMiB();
      return new Figures(prober, round, targets, elapsed, warmedUp, probes / elapsed, probes - ok,
          (cpuAfter - cpuBefore) / probes * 1000, (compilerAfter - compilerBefore) / (cpuAfter - cpuBefore),
          JvmFigures.heapAfterGcMiB(probe), rss, BucketQuantile.upperBound(lateBefore, lateAfter, 0.99) * 1000);
    }
  }

  private static void scrape(int probeHttp) {
    try {
      Services.get(probeHttp, "/metrics");
    } catch (Exception e) {
      System.err.println("scrape failed: " + e);
    }
  }

  /**
   * Waits at least {@code minimumSeconds}, then until the JIT has settled. The first scrapes of a thousand targets'
   * series alone make C2 work for seconds: a window that includes it measures the process's first minutes, not the
   * cost of a probe. Returns the seconds waited.
   */
  private static double warmUp(ChildProcess probe, int minimumSeconds) throws Exception {
    long start = System.nanoTime();
    Thread.sleep(minimumSeconds * 1000L);
    for (int waited = 0; waited < MAX_EXTRA_WARMUP_SECONDS; waited += SETTLE_WINDOW_SECONDS) {
      double compiler = JvmFigures.compilerSeconds(probe);
      double cpu = probe.cpuSeconds();
      Thread.sleep(SETTLE_WINDOW_SECONDS * 1000L);
      if (JvmFigures.compilerSeconds(probe) - compiler < SETTLED_COMPILER_SHARE * (probe.cpuSeconds() - cpu)) {
        break;
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  static void print(List<Figures> rows) {
    System.out.println();
    System.out.println("probe cost: loopback greeter targets, 1 s interval, greeting checked");
    System.out.printf(Locale.ROOT, "%-27s %8s %8s %9s %10s %9s %14s %6s %12s %9s %16s%n", "prober", "targets",
        "seconds",
        "warm-up", "probes/s", "failures", "CPU s/1000", "JIT", "heap MiB", "RSS MiB", "p99 late (ms) <=");
    for (Figures f : rows) {
      System.out.printf(Locale.ROOT, "%-27s %8d %8.1f %9.0f %10.1f %9.0f %14.4f %5.1f%% %12.1f %9.1f %16.0f%n",
          f.prober(), f.targets(), f.seconds(), f.warmupSeconds(), f.probesPerSecond(), f.failures(), f.cpuPer1000(),
          100 * f.compilerShare(), f.heapMiB(), f.rssMiB(), f.lateP99Ms());
    }
    System.out.println("scraped every " + SCRAPE_INTERVAL_SECONDS + " s throughout, as Prometheus would; warm-up: at"
        + " least --warmup seconds, then until the JIT takes under " + (int) (SETTLED_COMPILER_SHARE * 100)
        + "% of the probe's CPU over " + SETTLE_WINDOW_SECONDS + " s; JIT: compile time as a share of the CPU measured");
  }
}
