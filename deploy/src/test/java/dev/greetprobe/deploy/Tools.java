package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The tools the deploy tests drive: from Debian, {@code promtool} and {@code prometheus} (package {@code prometheus})
 * and {@code dnsmasq} (package {@code dnsmasq-base}); and {@code kubectl}, whose {@code kubectl kustomize} renders the
 * manifests. A missing tool fails the test with how to install it, unless {@code -Dgreetprobe.skipToolTests=true} asks
 * to skip such tests instead.
 */
final class Tools {

  static final String SKIP_PROPERTY = "greetprobe.skipToolTests";
  static final String INSTALL = "apt-get install -y prometheus dnsmasq-base";
  /** Debian's own kubernetes-client is too old for kustomize components; kubectl's own packages are current. */
  static final String INSTALL_KUBECTL = "the package kubectl, version 1.27 or later, from the Kubernetes project's"
      + " package repository (its kustomize must be v5)";

  /** Debian installs dnsmasq in /usr/sbin, which is not on every user's PATH. */
  private static final List<Path> SBIN = List.of(Path.of("/usr/sbin"), Path.of("/sbin"));

  private Tools() {
  }

  /** The executable {@code name}, or a failed (or, with the skip property, aborted) test. */
  static Path require(String name) {
    return require(name, "`" + INSTALL + "`");
  }

  /** The executable {@code name}, or a failed (or aborted) test that says to install it with {@code install}. */
  static Path require(String name, String install) {
    Optional<Path> found = find(name);
    if (found.isPresent()) {
      return found.get();
    }
    String message = name + " is not installed. Install it with " + install + ", or skip the tests that need it"
        + " with -D" + SKIP_PROPERTY + "=true";
    if (Boolean.getBoolean(SKIP_PROPERTY)) {
      Assumptions.abort(message);
    }
    return fail(message);
  }

  static Optional<Path> find(String name) {
    Stream<Path> path = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(Path::of);
    return Stream.concat(path, SBIN.stream()).map(dir -> dir.resolve(name)).filter(Files::isExecutable).findFirst();
  }

  /** A finished command: its exit code, and its standard output and error as one text. */
  record Output(int exitCode, String text) {

    @Override
    public String toString() {
      return "exit code " + exitCode + ", output:\n" + text;
    }
  }

  /** Runs {@code command} in {@code dir} with {@code stdin} as its input, and waits at most {@code timeout}. */
  static Output run(Path dir, String stdin, Duration timeout, Object... command) {
    List<String> args = new ArrayList<>();
    for (Object arg : command) {
      args.add(arg.toString());
    }
    try {
      Process process = new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true).start();
      CompletableFuture<Void> input = CompletableFuture.runAsync(() -> {
        try (OutputStream out = process.getOutputStream()) {
          out.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
        try {
          return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        return fail(String.join(" ", args) + " did not finish within " + timeout);
      }
      input.join();
      return new Output(process.exitValue(), output.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
