package dev.greetprobe.bench;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Command;
import dev.greetprobe.testkit.Http;
import dev.greetprobe.testkit.JavaCommand;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A service started as a process of its own, so its CPU and memory are measured apart from the load. */
final class Proc implements AutoCloseable {

  /** A JVM starting on two cores that other processes keep busy can take most of a minute. */
  private static final Duration STARTUP = Duration.ofSeconds(90);
  private static final Duration JCMD = Duration.ofSeconds(60);

  private final ChildProcess process;
  final int httpPort;
  /** From launching the JVM to the first 200 from {@code /health/ready}. */
  final Duration readyAfter;

  private Proc(ChildProcess process, int httpPort, Duration readyAfter) {
    this.process = process;
    this.httpPort = httpPort;
    this.readyAfter = readyAfter;
  }

  static Proc start(Path jar, Path config, int httpPort, Path log, String... jvmArgs) {
    long launched = System.nanoTime();
    ChildProcess process = ChildProcess.start(jar.getFileName().toString(),
        JavaCommand.jar(jar).options(jvmArgs).arguments("--config", config), log);
    try {
      process.awaitReady(Http.loopback(httpPort, "/health/ready"), STARTUP);
    } catch (RuntimeException | AssertionError notReady) {
      process.close();
      throw notReady;
    }
    return new Proc(process, httpPort, Duration.ofNanos(System.nanoTime() - launched));
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return Http.get(Http.loopback(httpPort, path));
  }

  String metrics() throws IOException, InterruptedException {
    return get("/metrics").body();
  }

  /** One scrape of {@code /metrics} with {@code accept} as the scraper's Accept header. */
  byte[] metrics(String accept) throws IOException, InterruptedException {
    return Http.get(Http.loopback(httpPort, "/metrics"), accept, Duration.ofSeconds(30)).body();
  }

  /** User plus system CPU seconds, from /proc. */
  double cpuSeconds() throws IOException {
    return ProcStat.cpuSeconds(process.pid());
  }

  /**
   * Seconds the JIT's compilers have worked since the JVM started (its {@code java.ci.totalTime} counter, through
   * jcmd). While it still grows, the process is warming up, not running as it will for the rest of its life. Read
   * from the JVM because compiler threads come and go, taking their CPU time in /proc with them.
   */
  double compilerSeconds() {
    String counters = jcmd("PerfCounter.print");
    return counter(counters, "java.ci.totalTime") / counter(counters, "sun.os.hrt.frequency");
  }

  private static double counter(String counters, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "=(\\d+)$").matcher(counters);
    if (!m.find()) {
      throw new IllegalStateException("jcmd PerfCounter.print has no " + name);
    }
    return Double.parseDouble(m.group(1));
  }

  /** Resident set size in MiB, from /proc. */
  double rssMiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }

  /** Heap in use right after a full GC, in MiB (asks the JVM through jcmd). */
  double heapAfterGcMiB() {
    jcmd("GC.run");
    Matcher m = Pattern.compile("used (\\d+)K").matcher(jcmd("GC.heap_info"));
    return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : Double.NaN;
  }

  private String jcmd(String command) {
    return ChildProcess.run(Command.of(JavaCommand.jdkTool("jcmd"), process.pid(), command), JCMD).text();
  }

  /** SIGKILL, as a crash or an OOM kill ends a pod: no drain, no goodbye. */
  void kill() throws InterruptedException {
    process.kill();
  }

  @Override
  public void close() {
    process.close();
  }
}
