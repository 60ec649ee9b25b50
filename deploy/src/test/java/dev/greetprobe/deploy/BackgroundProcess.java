package dev.greetprobe.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process a test runs for its duration: output in a log file, stopped on close with SIGTERM, then SIGKILL if it
 * has not exited after a few seconds.
 */
final class BackgroundProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private BackgroundProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static BackgroundProcess start(String name, Path log, Object... command) {
    return start(name, log, ProcessBuilder.Redirect.to(log.toFile()), command);
  }

  /** As {@link #start}, adding to the log instead of replacing it: for a process started again. */
  static BackgroundProcess startAppending(String name, Path log, Object... command) {
    return start(name, log, ProcessBuilder.Redirect.appendTo(log.toFile()), command);
  }

  private static BackgroundProcess start(String name, Path log, ProcessBuilder.Redirect output, Object... command) {
    List<String> args = new ArrayList<>();
    for (Object arg : command) {
      args.add(arg.toString());
    }
    try {
      Process process = new ProcessBuilder(args)
          .redirectErrorStream(true)
          .redirectOutput(output)
          .start();
      return new BackgroundProcess(name, process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", args), e);
    }
  }

  /** SIGKILL: the process dies at once, with no chance to clean up, as in a crash or an OOM kill. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, as Kubernetes stops a pod. */
  void signalTerm() {
    process.destroy();
  }

  /** The exit code once the process has exited; fails if it is still running after {@code within}. */
  int awaitExit(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still running after " + within + "; its output:\n" + output());
    }
    return process.exitValue();
  }

  long pid() {
    return process.pid();
  }

  /** Throws, quoting the log, if the process has exited: a readiness wait can stop at once instead of timing out. */
  void assertRunning() {
    if (!process.isAlive()) {
      throw new AssertionError(name + " exited with code " + process.exitValue() + "; its output:\n" + output());
    }
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
