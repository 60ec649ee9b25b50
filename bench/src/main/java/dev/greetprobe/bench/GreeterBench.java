package dev.greetprobe.bench;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Connection rate of our greeter and of nginx serving the same bytes, side by side: for each concurrency, runs
 * alternate A B A B, and the table gives medians, the spread, and our/nginx ratios. CPU per 1,000 connections is
 * the figure that separates servers here: on 2 cores the generator itself needs about one, so its own CPU is
 * printed too, to show when it, not the server, is the ceiling.
 */
final class GreeterBench {

  static final byte[] GREETING = "Thank You for Connecting".getBytes(StandardCharsets.US_ASCII);

  private GreeterBench() {
  }

  record Row(String server, int concurrency, List<LoadGenerator.Run> runs, List<Double> serverCpuPer1000) {

    double median(java.util.function.ToDoubleFunction<LoadGenerator.Run> f) {
      return medianOf(runs.stream().mapToDouble(f).sorted().toArray());
    }

    double cpuMedian() {
      return medianOf(serverCpuPer1000.stream().mapToDouble(Double::doubleValue).sorted().toArray());
    }

    String cpuSpread() {
      double[] v = serverCpuPer1000.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return String.format(Locale.ROOT, "%.0f-%.0f", v[0] * 1000, v[v.length - 1] * 1000);
    }
  }

  /** Seconds of load at each concurrency before any is measured. */
  private static final int WARMUP_SECONDS = 5;

  static List<Row> run(Path root, Path work, List<Integer> concurrencies, double seconds, int repeats) throws Exception {
    List<Row> rows = new ArrayList<>();
    try (ServerProcess greeter = ServerProcess.greeter(root, work);
         ServerProcess nginx = ServerProcess.nginx(work, GREETING)) {
      // Warm-up at every concurrency to be measured: a greeter warmed at one concurrency alone still compiled into
      // the first runs at another (C=1 measured 54 and 62 ms per 1,000 connections, then 33).
      for (ServerProcess s : List.of(greeter, nginx)) {
        for (int c : concurrencies) {
          new LoadGenerator(new InetSocketAddress("127.0.0.1", s.port), GREETING).run(c, WARMUP_SECONDS);
        }
      }
      for (int c : concurrencies) {
        Row ours = new Row(greeter.name, c, new ArrayList<>(), new ArrayList<>());
        Row theirs = new Row(nginx.name, c, new ArrayList<>(), new ArrayList<>());
        for (int r = 0; r < repeats; r++) {
          measure(greeter, c, seconds, ours);
          measure(nginx, c, seconds, theirs);
        }
        rows.add(ours);
        rows.add(theirs);
      }
    }
    return rows;
  }

  private static void measure(ServerProcess server, int concurrency, double seconds, Row row) throws Exception {
    double before = server.cpuSeconds();
    LoadGenerator.Run run = new LoadGenerator(new InetSocketAddress("127.0.0.1", server.port), GREETING)
        .run(concurrency, seconds);
    double cpu = server.cpuSeconds() - before;
    row.runs().add(run);
    row.serverCpuPer1000().add(cpu / run.connections() * 1000);
    System.out.printf(Locale.ROOT, "  %-10s C=%-4d %8.0f conn/s  errors %d  stuck %d  server CPU %.1f ms/1000%n",
        server.name, concurrency, run.perSecond(), run.errors(), run.stuck(), cpu / run.connections() * 1e6);
  }

  static void print(List<Row> rows) {
    System.out.println();
    System.out.println("greeter connection rate: medians of the runs; CPU in ms per 1,000 connections (min-max)");
    System.out.printf(Locale.ROOT, "%-10s %5s %10s %7s %6s %9s %9s %9s %12s %10s %14s%n", "server", "C", "conn/s",
        "errors", "stuck", "p50 ms", "p99 ms", "p999 ms", "server CPU", "spread", "generator CPU");
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, "%-10s %5d %10.0f %7.0f %6.0f %9.3f %9.3f %9.3f %12.1f %10s %13.0f%%%n",
          r.server(), r.concurrency(), r.median(LoadGenerator.Run::perSecond),
          r.median(LoadGenerator.Run::errors), r.median(LoadGenerator.Run::stuck),
          r.median(LoadGenerator.Run::p50) / 1e6, r.median(LoadGenerator.Run::p99) / 1e6,
          r.median(LoadGenerator.Run::p999) / 1e6, r.cpuMedian() * 1e3, r.cpuSpread(),
          r.median(run -> run.generatorCpuSeconds() / run.seconds()) * 100);
    }
    System.out.println();
    System.out.println("ratios greetprobe/nginx (lower CPU is better, higher conn/s is better):");
    for (int i = 0; i + 1 < rows.size(); i += 2) {
      Row ours = rows.get(i);
      Row theirs = rows.get(i + 1);
      System.out.printf(Locale.ROOT, "  C=%-4d conn/s %.2fx   CPU per connection %.2fx%n", ours.concurrency(),
          ours.median(LoadGenerator.Run::perSecond) / theirs.median(LoadGenerator.Run::perSecond),
          ours.cpuMedian() / theirs.cpuMedian());
    }
    System.out.println("(a generator near 100% of one core is the ceiling: conn/s then says more about it than the server)");
  }

  private static double medianOf(double[] sorted) {
    return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  }
}
