package dev.greetprobe.bench;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Command;
import dev.greetprobe.testkit.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The same probes made by Debian's blackbox_exporter: its tcp module with the same expect, driven through
 * {@code /probe} at the rate the probe service runs on its own (one probe per target per second). Only the
 * exporter's CPU is counted, as only the probe service's is on our side; its HTTP handling is part of its cost.
 */
final class BlackboxBench {

  private BlackboxBench() {
  }

  record Figures(int round, int targets, double seconds, double probesPerSecond, long failures, double cpuPer1000) {

    /** A failed probe costs the exporter next to nothing: its CPU per probe means something only when it kept up. */
    boolean keptUp() {
      return failures <= probesPerSecond * seconds / 100;
    }
  }

  static Figures run(int round, Path work, int targets, int seconds, int warmupSeconds) throws Exception {
    Path binary = Path.of("/usr/bin/prometheus-blackbox-exporter");
    if (!Files.exists(binary)) {
      throw new IllegalStateException("blackbox_exporter is missing: apt-get install -y prometheus-blackbox-exporter");
    }
    int greeterPort = Ports.free();
    int greeterHttp = Ports.free();
    Path greeterConfig = Files.writeString(work.resolve("greeter-bb.yaml"),
        "host: 127.0.0.1\nport: " + greeterPort + "\nhttp: {host: 127.0.0.1, port: " + greeterHttp + "}\n");
    Path modules = Files.writeString(work.resolve("blackbox.yml"), """
        modules:
          greeting:
            prober: tcp
            timeout: 900ms
            tcp:
              preferred_ip_protocol: ip4
              query_response:
                - expect: "^Thank You for Connecting$"
        """);
    int exporterPort = Ports.free();
    try (ChildProcess greeter = Services.jar(Path.of("greeter-service/target/greeter-service.jar").toAbsolutePath(), greeterConfig,
            greeterHttp, work.resolve("greeter-bb.log"));
         ChildProcess exporter = Services.listening("blackbox_exporter", Command.of(binary.toString(),
            "--config.file=" + modules, "--web.listen-address=127.0.0.1:" + exporterPort), exporterPort, work)) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI uri = URI.create("http://127.0.0.1:" + exporterPort + "/probe?module=greeting&target=127.0.0.1:" + greeterPort);
      drive(http, uri, targets, warmupSeconds, new AtomicLong(), new AtomicLong());
      AtomicLong done = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      double cpuBefore = exporter.cpuSeconds();
      long start = System.nanoTime();
      drive(http, uri, targets, seconds, done, failed);
      double elapsed = (System.nanoTime() - start) / 1e9;
      double cpu = exporter.cpuSeconds() - cpuBefore;
      return new Figures(round, targets, elapsed, done.get() / elapsed, failed.get(), cpu / done.get() * 1000);
    }
  }

  /** Sends {@code perSecond} probe requests a second, spread evenly, for {@code seconds}, and waits for the answers. */
  private static void drive(HttpClient http, URI uri, int perSecond, int seconds, AtomicLong done, AtomicLong failed)
      throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    long gapNanos = 1_000_000_000L / perSecond;
    long next = System.nanoTime();
    long total = (long) perSecond * seconds;
    for (long i = 0; i < total; i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      next += gapNanos;
      pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
        done.incrementAndGet();
        if (error != null || !response.body().contains("probe_success 1")) {
          failed.incrementAndGet();
        }
      }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally(e -> null).get(60, TimeUnit.SECONDS);
  }

  static void print(List<Figures> rows) {
    System.out.println();
    System.out.println("the same probes by blackbox_exporter (tcp module through /probe, its CPU only)");
    System.out.printf(Locale.ROOT, "%6s %8s %10s %9s %14s%n", "round", "targets", "probes/s", "failures", "CPU s/1000");
    for (Figures f : rows) {
      System.out.printf(Locale.ROOT, "%6d %8d %10.1f %9d %14.4f%s%n", f.round(), f.targets(), f.probesPerSecond(),
          f.failures(), f.cpuPer1000(), f.keptUp() ? "" : "  (did not keep up: no ratio)");
    }
  }
}
