package dev.greetprobe.deploy.local;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The podman command, run to completion: its output, or an error with what it printed. */
final class Podman {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private final String executable;

  Podman(String executable) {
    this.executable = executable;
  }

  /** Runs {@code podman ARGS}; its standard output, trimmed, or an error with its exit code and messages. */
  String run(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(executable);
    command.addAll(args);
    try {
      Path errors = Files.createTempFile("podman", ".err");
      try {
        Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(String.join(" ", command) + ": no answer within " + TIMEOUT);
        }
        if (process.exitValue() != 0) {
          throw new IllegalStateException(String.join(" ", command) + ": exit code " + process.exitValue() + ": "
              + Files.readString(errors).strip());
        }
        return new String(output, StandardCharsets.UTF_8).strip();
      } finally {
        Files.deleteIfExists(errors);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException(String.join(" ", command) + ": interrupted"));
    } catch (IOException e) {
      throw new UncheckedIOException(String.join(" ", command) + ": " + e.getMessage(), e);
    }
  }

  String run(String... args) {
    return run(List.of(args));
  }
}
