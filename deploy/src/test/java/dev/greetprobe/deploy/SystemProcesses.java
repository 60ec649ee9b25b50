package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.JavaCommand;
import java.io.IOException;
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

  /** Starts {@code jar} with {@code --config config}, logging to {@code log}. */
  static ChildProcess startJar(String name, Path jar, Path config, Path log) {
    return ChildProcess.start(name, JavaCommand.jar(jar).arguments("--config", config), log);
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
