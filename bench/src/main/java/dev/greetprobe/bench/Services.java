package dev.greetprobe.bench;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Command;
import dev.greetprobe.testkit.Http;
import dev.greetprobe.testkit.JavaCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The servers a benchmark measures, each started as a process of its own so its CPU and memory are measured apart
 * from the load, and read over HTTP as Prometheus and a person read them.
 */
final class Services {

  /** A JVM starting on two cores that other processes keep busy can take most of a minute. */
  private static final Duration JVM_STARTUP = Duration.ofSeconds(90);
  private static final Duration STARTUP = Duration.ofSeconds(30);
  private static final Duration SCRAPE = Duration.ofSeconds(30);

  private Services() {
  }

  /** One of our jars with {@code --config config}, once its {@code /health/ready} on {@code httpPort} answers 200. */
  static ChildProcess jar(Path jar, Path config, int httpPort, Path log, String... jvmArgs) {
    ChildProcess process = ChildProcess.start(jar.getFileName().toString(),
        JavaCommand.jar(jar).options(jvmArgs).arguments("--config", config), log);
    try {
      process.awaitReady(Http.loopback(httpPort, "/health/ready"), JVM_STARTUP);
    } catch (RuntimeException | AssertionError notReady) {
      process.close();
      throw notReady;
    }
    return process;
  }

  /** Any server started by {@code command}, once it accepts on {@code port}. */
  static ChildProcess listening(String name, Command command, int port, Path work) {
    ChildProcess process = ChildProcess.start(name, command, work.resolve(name + ".log"));
    try {
      process.awaitListening(port, STARTUP);
    } catch (RuntimeException | AssertionError notListening) {
      process.close();
      throw notListening;
    }
    return process;
  }

  /** The body of {@code path} on {@code httpPort}. */
  static String get(int httpPort, String path) throws IOException, InterruptedException {
    return Http.get(Http.loopback(httpPort, path)).body();
  }

  /** One scrape of {@code /metrics} with {@code accept} as the scraper's Accept header. */
  static byte[] scrape(int httpPort, String accept) throws IOException, InterruptedException {
    return Http.get(Http.loopback(httpPort, "/metrics"), accept, SCRAPE).body();
  }
}
