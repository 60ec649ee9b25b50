package dev.greetprobe.bench;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Command;
import dev.greetprobe.testkit.JavaCommand;
import dev.greetprobe.testkit.Ports;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Connection rate of our greeter, over each transport, and of nginx serving the same bytes, side by side: for each
 * concurrency, runs take turns A B C A B C, and the table gives medians, the spread, and ratios to nginx. CPU per 1,000 connections is
 * the figure that separates servers here: the generator itself needs a good share of the machine, so its own CPU
 * is printed too, to show when it, not the server, is the ceiling.
 */
final class GreeterBench {

  static final byte[] GREETING = "Thank You for Connecting".getBytes(StandardCharsets.US_ASCII);

  /** The name nginx runs under, which the greeter's figures are compared with. */
  private static final String NGINX = "nginx";

  private GreeterBench() {
  }

  /** A greeting server under load, and the port it greets on. */
  private record Server(ChildProcess process, int port) {
  }

  record Row(String server, int concurrency, List<LoadGenerator.Run> runs, List<Double> serverCpuPer1000) {

    double median(ToDoubleFunction<LoadGenerator.Run> f) {
      return Spread.of(runs.stream().map(run -> f.applyAsDouble(run)).toList()).median();
    }

    Spread cpu() {
      return Spread.of(serverCpuPer1000);
    }

    /** This server's CPU per connection over nginx's, run by run: the turns of one repeat saw the same minutes. */
    Spread cpuOver(Row nginx) {
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < serverCpuPer1000.size(); i++) {
        ratios.add(serverCpuPer1000.get(i) / nginx.serverCpuPer1000().get(i));
      }
      return Spread.of(ratios);
    }
  }

  /** What a server of the build given with {@code --baseline} is called after. */
  static final String BASELINE = "@baseline";

  /** Seconds of load at each concurrency before any is measured. */
  private static final int WARMUP_SECONDS = 5;

  /**
   * One greeter per transport and nginx, all started before any is measured; at each concurrency the runs take turns
   * over them, so every row of one concurrency saw the same minutes of the machine.
   */
  static List<Row> run(Path root, Path baseline, Path work, List<String> transports, List<Integer> concurrencies,
      double seconds, int repeats) throws Exception {
    List<Row> rows = new ArrayList<>();
    List<Server> servers = new ArrayList<>();
    try {
      for (String transport : transports) {
        servers.add(greeter(root, work, transport, ""));
        if (baseline != null) {
          servers.add(greeter(baseline, work, transport, BASELINE));
        }
      }
      servers.add(nginx(work));
      // Warm-up at every concurrency to be measured: a greeter warmed at one concurrency alone still compiled into
      // the first runs at another.
      for (Server s : servers) {
        for (int c : concurrencies) {
          new LoadGenerator(new InetSocketAddress("127.0.0.1", s.port()), GREETING).run(c, WARMUP_SECONDS);
        }
      }
      for (int c : concurrencies) {
        List<Row> atC = new ArrayList<>();
        for (Server s : servers) {
          atC.add(new Row(s.process().name(), c, new ArrayList<>(), new ArrayList<>()));
        }
        for (int r = 0; r < repeats; r++) {
          for (int i = 0; i < servers.size(); i++) {
            measure(servers.get(i), c, seconds, atC.get(i));
          }
        }
        rows.addAll(atC);
      }
    } finally {
      for (Server s : servers) {
        s.process().close();
      }
    }
    return rows;
  }

  /**
   * Our greeter with its production defaults (metrics on, one verticle per event loop), from the build under
   * {@code root}, named for its transport and {@code build} (empty for this checkout's).
   */
  private static Server greeter(Path root, Path work, String transport, String build) throws Exception {
    int port = Ports.free();
    Path config = Files.writeString(work.resolve("greeter-bench-" + transport + build + ".yaml"), "transport: "
        + transport + "\nhost: 127.0.0.1\nport: " + port + "\nhttp: {host: 127.0.0.1, port: " + Ports.free() + "}\n");
    return new Server(Services.listening("greetprobe[" + transport + "]" + build,
        JavaCommand.jar(root.resolve("greeter-service/target/greeter-service.jar")).arguments("--config", config),
        port, work), port);
  }

  /** Debian's nginx with the stream module answering every connection with the greeting, 2 workers. */
  private static Server nginx(Path work) throws Exception {
    Path module = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");
    if (!Files.exists(Path.of("/usr/sbin/nginx")) || !Files.exists(module)) {
      throw new IllegalStateException("nginx with the stream module is missing: apt-get install -y nginx-light libnginx-mod-stream");
    }
    int port = Ports.free();
    Path dir = Files.createDirectories(work.resolve("nginx"));
    Path conf = Files.writeString(dir.resolve("nginx.conf"), """
        load_module %s;
        worker_processes 2;
        daemon off;
        pid %s;
        error_log stderr warn;
        events { worker_connections 8192; }
        stream {
          server {
            listen 127.0.0.1:%d backlog=4096;
            return "%s";
          }
        }
        """.formatted(module, dir.resolve("nginx.pid"), port, new String(GREETING, StandardCharsets.US_ASCII)));
    return new Server(Services.listening(NGINX, Command.of("/usr/sbin/nginx", "-p", dir, "-c", conf, "-e", "stderr"),
        port, work), port);
  }

  private static void measure(Server server, int concurrency, double seconds, Row row) throws Exception {
    double before = server.process().cpuSeconds();
    LoadGenerator.Run run = new LoadGenerator(new InetSocketAddress("127.0.0.1", server.port()), GREETING)
        .run(concurrency, seconds);
    double cpu = server.process().cpuSeconds() - before;
    row.runs().add(run);
    row.serverCpuPer1000().add(cpu / run.connections() * 1000);
    System.out.printf(Locale.ROOT, "  %-18s C=%-4d %8.0f conn/s  errors %d  stuck %d  server CPU %.1f ms/1000%n",
        server.process().name(), concurrency, run.perSecond(), run.errors(), run.stuck(), cpu / run.connections() * 1e6);
  }

  static void print(List<Row> rows) {
    System.out.println();
    System.out.println("greeter connection rate: medians of the runs; CPU in ms per 1,000 connections (min-max)");
    System.out.printf(Locale.ROOT, "%-27s %5s %10s %7s %6s %9s %9s %9s %12s %10s %14s%n", "server", "C", "conn/s",
        "errors", "stuck", "p50 ms", "p99 ms", "p999 ms", "server CPU", "spread", "generator CPU");
    for (Row r : rows) {
      Spread cpu = r.cpu();
      System.out.printf(Locale.ROOT, "%-27s %5d %10.0f %7.0f %6.0f %9.3f %9.3f %9.3f %12.1f %10s %13.0f%%%n",
          r.server(), r.concurrency(), r.median(LoadGenerator.Run::perSecond),
          r.median(LoadGenerator.Run::errors), r.median(LoadGenerator.Run::stuck),
          r.median(LoadGenerator.Run::p50) / 1e6, r.median(LoadGenerator.Run::p99) / 1e6,
          r.median(LoadGenerator.Run::p999) / 1e6, cpu.median() * 1e3,
          String.format(Locale.ROOT, "%.0f-%.0f", cpu.min() * 1e3, cpu.max() * 1e3),
          r.median(run -> run.generatorCpuSeconds() / run.seconds()) * 100);
    }
    System.out.println();
    System.out.println("CPU per connection over nginx's at the same concurrency, the median of each repeat's ratio"
        + " (min-max); conn/s likewise (lower CPU is better, higher conn/s is better):");
    for (Row ours : rows) {
      if (ours.server().equals(NGINX)) {
        continue;
      }
      Row nginx = rows.stream()
          .filter(r -> r.server().equals(NGINX) && r.concurrency() == ours.concurrency())
          .findFirst().orElseThrow();
      System.out.printf(Locale.ROOT, "  %-27s C=%-4d CPU per connection %-20s conn/s %.2fx%n", ours.server(),
          ours.concurrency(), ours.cpuOver(nginx).ratio(),
          ours.median(LoadGenerator.Run::perSecond) / nginx.median(LoadGenerator.Run::perSecond));
    }
    System.out.println("(a generator near 100% of one core is the ceiling: conn/s then says more about it than the server)");
  }
}
