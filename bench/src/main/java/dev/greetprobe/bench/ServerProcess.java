package dev.greetprobe.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A greeting server under load, in processes of its own, whose CPU time is read from /proc (children included). */
final class ServerProcess implements AutoCloseable {

  private static final double CLOCK_TICKS = 100; // USER_HZ on Linux

  /** The name nginx runs under, which the greeter's figures are compared with. */
  static final String NGINX = "nginx";

  final String name;
  final Process process;
  final int port;

  private ServerProcess(String name, Process process, int port) {
    this.name = name;
    this.process = process;
    this.port = port;
  }

  /** Our greeter with its production defaults (metrics on, one verticle per event loop). */
  static ServerProcess greeter(Path root, Path work, String transport) throws Exception {
    int port = Proc.freePort();
    Path config = Files.writeString(work.resolve("greeter-bench-" + transport + ".yaml"), "transport: " + transport
        + "\nhost: 127.0.0.1\nport: " + port + "\nhttp: {host: 127.0.0.1, port: " + Proc.freePort() + "}\n");
    return start("greetprobe[" + transport + "]", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        root.resolve("greeter-service/target/greeter-service.jar").toString(), "--config", config.toString()), port, work);
  }

  /** Debian's nginx with the stream module answering every connection with the greeting, 2 workers. */
  static ServerProcess nginx(Path work, byte[] greeting) throws Exception {
    Path module = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");
    if (!Files.exists(Path.of("/usr/sbin/nginx")) || !Files.exists(module)) {
      throw new IllegalStateException("nginx with the stream module is missing: apt-get install -y nginx-light libnginx-mod-stream");
    }
    int port = Proc.freePort();
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
        """.formatted(module, dir.resolve("nginx.pid"), port, new String(greeting)));
    return start(NGINX, List.of("/usr/sbin/nginx", "-p", dir.toString(), "-c", conf.toString(), "-e", "stderr"),
        port, work);
  }

  /** Any server started by {@code command}, ready once it accepts on {@code port}. */
  static ServerProcess command(String name, List<String> command, int port, Path work) throws Exception {
    return start(name, command, port, work);
  }

  private static ServerProcess start(String name, List<String> command, int port, Path work) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(work.resolve(name + ".log").toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(name + " exited: " + Files.readString(work.resolve(name + ".log")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new ServerProcess(name, p, port);
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException(name + " did not listen within 30 s");
  }

  /** User plus system CPU seconds of the process and its children (nginx's workers). */
  double cpuSeconds() throws IOException {
    List<Long> pids = new ArrayList<>();
    pids.add(process.pid());
    process.descendants().forEach(h -> pids.add(h.pid()));
    double total = 0;
    for (long pid : pids) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLOCK_TICKS;
      } catch (IOException gone) {
        // a child that exited
      }
    }
    return total;
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
