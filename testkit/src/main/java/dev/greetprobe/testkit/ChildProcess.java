package dev.greetprobe.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A process a test starts and owns: its standard output and error in one log file, waited on for a line or for
 * readiness, stopped with SIGTERM as Kubernetes stops a pod. {@link #close()} always leaves it gone (SIGTERM, then
 * SIGKILL), and one the test forgot is killed when the test's JVM exits.
 */
public final class ChildProcess implements AutoCloseable {

  /** How long {@link #close()} lets a process drain after SIGTERM before it kills it. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private static final Duration POLL = Duration.ofMillis(20);

  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
        "child-process-reaper"));
  }

  /** A command run to its end: its exit code, standard output and standard error. */
  public record Exit(int code, String out, String err) {

    /** Standard output, then standard error: everything it wrote. */
    public String text() {
      return out + err;
    }

    @Override
    public String toString() {
      return "exit code " + code + ", output:\n" + text();
    }
  }

  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command}, its output replacing what {@code log} held. */
  public static ChildProcess start(String name, Command command, Path log) {
    return start(name, command, log, ProcessBuilder.Redirect.to(log.toFile()));
  }

  /** As {@link #start}, adding to {@code log}: for a process started again after a stop. */
  public static ChildProcess startAppending(String name, Command command, Path log) {
    return start(name, command, log, ProcessBuilder.Redirect.appendTo(log.toFile()));
  }

  private static ChildProcess start(String name, Command command, Path log, ProcessBuilder.Redirect output) {
    try {
      Process process = command.processBuilder().redirectErrorStream(true).redirectOutput(output).start();
      RUNNING.add(process);
      return new ChildProcess(name, process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  /** Runs {@code command} to its end with no input; fails if it is still running after {@code within}. */
  public static Exit run(Command command, Duration within) {
    return run(command, "", within);
  }

  /**
   * Runs {@code command} to its end with {@code input} as its standard input. Every stream goes through a file, so
   * no pipe can fill up and stall it.
   */
  public static Exit run(Command command, String input, Duration within) {
    Path in = null;
    Path out = null;
    Path err = null;
    try {
      in = Files.writeString(Files.createTempFile("child-in", ".txt"), input);
      out = Files.createTempFile("child-out", ".txt");
      err = Files.createTempFile("child-err", ".txt");
      Process process = command.processBuilder().redirectInput(in.toFile()).redirectOutput(out.toFile())
          .redirectError(err.toFile()).start();
      RUNNING.add(process);
      try {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new AssertionError(command + " did not finish within " + within + "; its output:\n"
              + Files.readString(out) + Files.readString(err));
        }
        return new Exit(process.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        process.destroyForcibly();
        RUNNING.remove(process);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    } finally {
      for (Path file : new Path[] {in, out, err}) {
        deleteQuietly(file);
      }
    }
  }

  /** The first line of its output containing {@code text}, once it is written; fails if the process ends first. */
  public String awaitLine(String text, Duration within) {
    await(name + " printing '" + text + "'").atMost(within).pollInterval(POLL)
        .failFast(() -> {
          // Alive first, then the log: once it has exited, everything it printed is in the file.
          if (!process.isAlive() && line(text).isEmpty()) {
            throw new AssertionError(name + " exited without printing '" + text + "'; its output:\n" + output());
          }
        })
        .until(() -> line(text).isPresent());
    return line(text).orElseThrow();
  }

  /** Waits until {@code url} answers 200; fails at once, quoting the log, if the process exits meanwhile. */
  public void awaitReady(String url, Duration within) {
    await(name + " ready at " + url).atMost(within).pollInterval(POLL).ignoreExceptions()
        .failFast(this::assertRunning)
        .until(() -> Http.get(url).statusCode() == 200);
  }

  /** Waits until a TCP connect to {@code port} on 127.0.0.1 is accepted, failing at once if the process exits. */
  public void awaitListening(int port, Duration within) {
    await(name + " listening on " + port).atMost(within).pollInterval(POLL).ignoreExceptions()
        .failFast(this::assertRunning)
        .until(() -> {
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
          }
        });
  }

  /** Fails, quoting the log, if the process has exited: a wait for it can stop at once instead of timing out. */
  public void assertRunning() {
    if (!process.isAlive()) {
      throw new AssertionError(name + " exited with code " + process.exitValue() + "; its output:\n" + output());
    }
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** SIGTERM, as Kubernetes stops a pod. */
  public void signalTerm() {
    process.destroy();
  }

  /**
   * A signal the JDK cannot send, such as {@code HUP}, through bash's builtin kill: on machines without procps' kill
   * program too (minimal Debian, slim container images).
   */
  public void signal(String signal) {
    Exit sent = run(Command.of("bash", "-c", "kill -" + signal + " \"$1\"", "bash", pid()), Duration.ofSeconds(10));
    if (sent.code() != 0) {
      throw new AssertionError("kill -" + signal + " " + this + ": " + sent);
    }
  }

  /** SIGKILL: the process dies at once, with no chance to clean up, as in a crash or an OOM kill. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    RUNNING.remove(process);
  }

  /** The exit code once the process has exited; fails, quoting the log, if it is still running after {@code within}. */
  public int awaitExit(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still running after " + within + "; its output:\n" + output());
    }
    RUNNING.remove(process);
    return process.exitValue();
  }

  public long pid() {
    return process.pid();
  }

  public String name() {
    return name;
  }

  /**
   * User plus system CPU seconds of the process and its descendants (nginx's workers), from Linux's /proc; a
   * descendant that exits meanwhile no longer counts.
   */
  public double cpuSeconds() throws IOException {
    double total = cpuSeconds(process.pid());
    for (ProcessHandle descendant : process.descendants().toList()) {
      try {
        total += cpuSeconds(descendant.pid());
      } catch (IOException exited) {
        // Its time left with it.
      }
    }
    return total;
  }

  /** Resident set size in MiB, from Linux's /proc. */
  public double rssMiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
      }
    }
    throw new IOException("/proc/" + process.pid() + "/status has no VmRSS");
  }

  /** The process as the JDK sees it: its children, its CPU time. */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** Everything it has written so far. */
  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  public Path log() {
    return log;
  }

  /** SIGTERM, then SIGKILL if it has not exited within a few seconds. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      RUNNING.remove(process);
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }

  /** User plus system CPU seconds of process {@code pid}, in USER_HZ ticks of a hundredth; throws when it has exited. */
  private static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
  }

  private Optional<String> line(String text) {
    return output().lines().filter(line -> line.contains(text)).findFirst();
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // A temporary file left behind is harmless; the command's own outcome is what the test reads.
    }
  }
}
