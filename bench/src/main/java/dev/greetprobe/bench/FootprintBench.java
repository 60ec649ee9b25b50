package dev.greetprobe.bench;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Ports;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * What each service costs to have around: the time from launching its JVM to its first "ready", and its resident
 * memory idle and under load; with the JVM's defaults, as {@code java -jar} runs it (the largest heap is a quarter
 * of the machine's memory, which G1 grows into under load), and with the heap the Kubernetes manifests give it (75%
 * of a 512 MiB limit).
 */
final class FootprintBench {

  private static final Duration IDLE = Duration.ofSeconds(5);
  private static final Duration LOAD = Duration.ofSeconds(15);
  private static final int PROBE_TARGETS_UNDER_LOAD = 5_000;
  /** What {@code -XX:MaxRAMPercentage=75} makes of the manifests' 512 MiB memory limit. */
  private static final List<String> AS_DEPLOYED = List.of("-Xmx384m");

  private FootprintBench() {
  }

  record Figures(String service, String setup, Duration readyAfter, double idleRssMiB, double loadRssMiB,
      String load) {
  }

  static List<Figures> run(Path root, Path work) throws Exception {
    List<Figures> rows = new ArrayList<>(run(root, work, List.of()));
    rows.addAll(run(root, work, AS_DEPLOYED));
    return rows;
  }

  private static List<Figures> run(Path root, Path work, List<String> jvmArgs) throws Exception {
    String heap = jvmArgs.isEmpty() ? "JVM defaults" : String.join(" ", jvmArgs);
    int greeterPort = Ports.free();
    int greeterHttp = Ports.free();
    Path greeterConfig = Files.writeString(work.resolve("greeter-footprint.yaml"),
        "host: 127.0.0.1\nport: " + greeterPort + "\nhttp: {host: 127.0.0.1, port: " + greeterHttp + "}\n");
    Path greeterJar = root.resolve("greeter-service/target/greeter-service.jar");
    Path probeJar = root.resolve("probe-service/target/probe-service.jar");

    long launched = System.nanoTime();
    try (ChildProcess greeter = Services.jar(greeterJar, greeterConfig, greeterHttp,
        work.resolve("greeter-footprint.log"), jvmArgs.toArray(String[]::new))) {
      Duration readyAfter = Duration.ofNanos(System.nanoTime() - launched);
      double greeterIdle = idleRss(greeter);
      LoadGenerator load = new LoadGenerator(new InetSocketAddress("127.0.0.1", greeterPort), GreeterBench.GREETING);
      double greeterLoaded = peakRssDuring(greeter, () -> load.run(256, LOAD.toSeconds()));
      Figures greeterFigures = new Figures("greeter", heap, readyAfter, greeterIdle, greeterLoaded,
          "256 clients in flight, " + LOAD.toSeconds() + " s");

      return List.of(greeterFigures,
          probe(probeJar, work, greeterPort, 2, false, jvmArgs),
          probe(probeJar, work, greeterPort, PROBE_TARGETS_UNDER_LOAD, true, jvmArgs));
    }
  }

  /**
   * The probe with {@code targets} greeter targets at a 1 s interval, and its ready time; then, for a few targets,
   * its RSS after {@link #IDLE} (it is all but idle), or, {@code loaded}, its peak RSS over {@link #LOAD}.
   */
  private static Figures probe(Path jar, Path work, int greeterPort, int targets, boolean loaded, List<String> jvmArgs)
      throws Exception {
    int http = Ports.free();
    StringBuilder config = new StringBuilder("http: {host: 127.0.0.1, port: " + http + "}\n"
        + "defaults: {interval: 1s, timeout: 900ms}\ntargets:\n");
    for (int i = 0; i < targets; i++) {
      config.append("  - {name: t").append(i).append(", address: \"127.0.0.1:").append(greeterPort)
          .append("\", expect: \"^Thank You for Connecting$\"}\n");
    }
    Path file = Files.writeString(work.resolve("probe-footprint-" + targets + ".yaml"), config);
    long launched = System.nanoTime();
    try (ChildProcess probe = Services.jar(jar, file, http, work.resolve("probe-footprint-" + targets + ".log"),
        jvmArgs.toArray(String[]::new))) {
      Duration readyAfter = Duration.ofNanos(System.nanoTime() - launched);
      String setup = (jvmArgs.isEmpty() ? "JVM defaults" : String.join(" ", jvmArgs)) + ", " + targets + " targets";
      if (!loaded) {
        return new Figures("probe", setup, readyAfter, idleRss(probe), Double.NaN, "-");
      }
      double peak = peakRssDuring(probe, () -> Thread.sleep(LOAD.toMillis()));
      return new Figures("probe", setup, readyAfter, Double.NaN, peak,
          targets + " probes/s, " + LOAD.toSeconds() + " s");
    }
  }

  private static double idleRss(ChildProcess process) throws Exception {
    Thread.sleep(IDLE.toMillis());
    return process.rssMiB();
  }

  /** Runs {@code work} and returns the largest RSS seen meanwhile, sampled every 100 ms. */
  private static double peakRssDuring(ChildProcess process, Work work) throws Exception {
    CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
      try {
        work.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    double peak = process.rssMiB();
    while (!done.isDone()) {
      Thread.sleep(100);
      peak = Math.max(peak, process.rssMiB());
    }
    done.join();
    return peak;
  }

  @FunctionalInterface
  private interface Work {
    void run() throws Exception;
  }

  static void print(List<Figures> rows) {
    System.out.println();
    System.out.println("footprint: java -jar, with the JVM's default heap and with the manifests' one");
    System.out.printf(Locale.ROOT, "%-8s %-26s %16s %14s %18s  %s%n", "service", "heap, config", "start to ready",
        "RSS idle MiB", "RSS loaded MiB", "load");
    for (Figures f : rows) {
      System.out.printf(Locale.ROOT, "%-8s %-26s %14d ms %14s %18s  %s%n", f.service(), f.setup(),
          f.readyAfter().toMillis(), mib(f.idleRssMiB()), mib(f.loadRssMiB()), f.load());
    }
  }

  private static String mib(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.0f", value);
  }
}
