package dev.greetprobe.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The probe's cost: N loopback targets (a greeter, checked for its greeting) at a 1 s interval for a fixed time,
 * with the probe and the greeter in processes of their own. Reports probes/s, CPU seconds per 1,000 probes (the
 * probe process only, from /proc), heap after a full GC, RSS, and the p99 of scheduling lateness.
 */
final class ProbeBench {

  private ProbeBench() {
  }

  record Figures(int targets, double seconds, double probesPerSecond, double failures, double cpuPer1000,
      double heapMiB, double rssMiB, double lateP99Ms) {
  }

  static Figures run(Path root, Path work, int targets, int seconds, int warmupSeconds) throws Exception {
    int greeterPort = Proc.freePort();
    Path greeterConfig = Files.writeString(work.resolve("greeter.yaml"),
        "host: 127.0.0.1\nport: " + greeterPort + "\nhttp: {host: 127.0.0.1, port: " + Proc.freePort() + "}\n");
    StringBuilder probeConfig = new StringBuilder()
        .append("http: {host: 127.0.0.1, port: ").append(Proc.freePort()).append("}\n")
        .append("defaults: {interval: 1s, timeout: 900ms}\ntargets:\n");
    for (int i = 0; i < targets; i++) {
      probeConfig.append("  - {name: t").append(i).append(", address: \"127.0.0.1:").append(greeterPort)
          .append("\", expect: \"^Thank You for Connecting$\"}\n");
    }
    Path probeFile = Files.writeString(work.resolve("probe.yaml"), probeConfig);
    int probeHttp = Integer.parseInt(probeConfig.substring(probeConfig.indexOf("port: ") + 6, probeConfig.indexOf("}")));
    int greeterHttp = Integer.parseInt(Files.readString(greeterConfig).replaceAll("(?s).*port: (\\d+)}.*", "$1"));

    try (Proc greeter = Proc.start(root.resolve("greeter-service/target/greeter-service.jar"), greeterConfig,
            greeterHttp, work.resolve("greeter.log"));
         Proc probe = Proc.start(root.resolve("probe-service/target/probe-service.jar"), probeFile, probeHttp,
            work.resolve("probe.log"))) {
      Thread.sleep(warmupSeconds * 1000L);
      Scrape before = new Scrape(probe.metrics());
      double cpuBefore = probe.cpuSeconds();
      long start = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      Scrape after = new Scrape(probe.metrics());
      double cpuAfter = probe.cpuSeconds();
      double elapsed = (System.nanoTime() - start) / 1e9;

      double probes = after.sum("probe_results_total", "") - before.sum("probe_results_total", "");
      double ok = after.sum("probe_results_total", "result=\"success\"")
          - before.sum("probe_results_total", "result=\"success\"");
      TreeMap<Double, Double> lateBefore = before.buckets("probe_schedule_lateness_seconds");
      TreeMap<Double, Double> lateAfter = after.buckets("probe_schedule_lateness_seconds");
      double rss = probe.rssMiB();
      return new Figures(targets, elapsed, probes / elapsed, probes - ok, (cpuAfter - cpuBefore) / probes * 1000,
          probe.heapAfterGcMiB(), rss, Scrape.quantileBound(lateBefore, lateAfter, 0.99) * 1000);
    }
  }

  static void print(List<Figures> rows) {
    System.out.println();
    System.out.println("probe cost: loopback greeter targets, 1 s interval, greeting checked");
    System.out.printf(Locale.ROOT, "%8s %8s %10s %9s %14s %12s %9s %16s%n",
        "targets", "seconds", "probes/s", "failures", "CPU s/1000", "heap MiB", "RSS MiB", "p99 late (ms) <=");
    for (Figures f : rows) {
      System.out.printf(Locale.ROOT, "%8d %8.1f %10.1f %9.0f %14.4f %12.1f %9.1f %16.0f%n",
          f.targets(), f.seconds(), f.probesPerSecond(), f.failures(), f.cpuPer1000(), f.heapMiB(), f.rssMiB(),
          f.lateP99Ms());
    }
  }
}
