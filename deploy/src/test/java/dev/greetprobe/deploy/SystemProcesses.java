package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/** What the system tests share to run the services' jars as processes on loopback. */
final class SystemProcesses {

  static final Duration STARTUP = Duration.ofSeconds(20);

  private SystemProcesses() {
  }

  /** A jar the build packaged, named by the system property {@code property} that the pom sets. */
  static Path jar(String property) {
    Path jar = Path.of(System.getProperty(property, "(" + property + " not set)"));
    assertThat(jar).as("%s: build it first with `./mvnw -B package -DskipTests`", property).isRegularFile();
    return jar;
  }

  /** The java that runs the tests runs the services too. */
  static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** Starts {@code jar} with {@code --config config}, logging to {@code log}. */
  static BackgroundProcess startJar(String name, Path jar, Path config, Path log) {
    return BackgroundProcess.start(name, log, java(), "-jar", jar, "--config", config);
  }

  /** Waits until {@code url} answers 200, failing at once if the process exits meanwhile. */
  static void awaitReady(BackgroundProcess process, String url) {
    await(process + " ready").atMost(STARTUP).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .failFast(process::assertRunning)
        .untilAsserted(() -> assertThat(Http.get(url).statusCode()).isEqualTo(200));
  }

  /** A port free on loopback for both TCP and UDP: dnsmasq takes both, the others TCP only. */
  static int freePort() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    for (int attempt = 0; ; attempt++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, loopback)) {
        try (DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), loopback)) {
          return udp.getLocalPort();
        } catch (IOException e) {
          if (attempt == 20) {
            throw e;
          }
        }
      }
    }
  }

  /** {@code deploy/target/name}, empty: each run's logs and configs, kept after it for reading. */
  static Path workDirectory(String name) throws IOException {
    Path dir = Project.ROOT.resolve("deploy/target").resolve(name);
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
          Files.delete(path);
        }
      }
    }
    return Files.createDirectories(dir);
  }
}
