package dev.greetprobe.bench;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Command;
import dev.greetprobe.testkit.JavaCommand;
import dev.greetprobe.testkit.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A greeting server under load, in processes of its own, whose CPU time is read from /proc (children included). */
final class ServerProcess implements AutoCloseable {

  /** The name nginx runs under, which the greeter's figures are compared with. */
  static final String NGINX = "nginx";

  private static final Duration STARTUP = Duration.ofSeconds(30);

  final String name;
  private final ChildProcess process;
  final int port;

  private ServerProcess(String name, ChildProcess process, int port) {
    this.name = name;
    this.process = process;
    this.port = port;
  }

  /**
   * Our greeter with its production defaults (metrics on, one verticle per event loop), from the build under
   * {@code root}, named for its transport and {@code build} (empty for this checkout's).
   */
  static ServerProcess greeter(Path root, Path work, String transport, String build) throws Exception {
    int port = Ports.free();
    Path config = Files.writeString(work.resolve("greeter-bench-" + transport + build + ".yaml"), "transport: "
        + transport + "\nhost: 127.0.0.1\nport: " + port + "\nhttp: {host: 127.0.0.1, port: " + Ports.free() + "}\n");
    return start("greetprobe[" + transport + "]" + build,
        JavaCommand.jar(root.resolve("greeter-service/target/greeter-service.jar")).arguments("--config", config),
        port, work);
  }

  /** Debian's nginx with the stream module answering every connection with the greeting, 2 workers. */
  static ServerProcess nginx(Path work, byte[] greeting) throws Exception {
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
        """.formatted(module, dir.resolve("nginx.pid"), port, new String(greeting)));
    return start(NGINX, Command.of("/usr/sbin/nginx", "-p", dir, "-c", conf, "-e", "stderr"), port, work);
  }

  /** Any server started by {@code command}, ready once it accepts on {@code port}. */
  static ServerProcess command(String name, List<String> command, int port, Path work) {
    return start(name, Command.of(command), port, work);
  }

  private static ServerProcess start(String name, Command command, int port, Path work) {
    ChildProcess process = ChildProcess.start(name, command, work.resolve(name + ".log"));
    try {
      process.awaitListening(port, STARTUP);
    } catch (RuntimeException | AssertionError notListening) {
      process.close();
      throw notListening;
    }
    return new ServerProcess(name, process, port);
  }

  /** User plus system CPU seconds of the process and its children (nginx's workers). */
  double cpuSeconds() throws IOException {
    List<Long> pids = new ArrayList<>();
    pids.add(process.pid());
    process.handle().descendants().forEach(h -> pids.add(h.pid()));
    double total = 0;
    for (long pid : pids) {
      try {
        total += ProcStat.cpuSeconds(pid);
      } catch (IOException gone) {
        // a child that exited
      }
    }
    return total;
  }

  @Override
  public void close() {
    process.close();
  }
}
