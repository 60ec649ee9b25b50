package dev.greetprobe.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A service started as a process of its own, so its CPU and memory are measured apart from the load. */
final class Proc implements AutoCloseable {

  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private static final long CLOCK_TICKS = 100; // USER_HZ on Linux

  final Process process;
  final int httpPort;
  /** From launching the JVM to the first 200 from {@code /health/ready}, to the nearest 10 ms. */
  final Duration readyAfter;

  private Proc(Process process, int httpPort, Duration readyAfter) {
    this.process = process;
    this.httpPort = httpPort;
    this.readyAfter = readyAfter;
  }

  static Proc start(Path jar, Path config, int httpPort, Path log, String... jvmArgs) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(List.of(jvmArgs));
    command.addAll(List.of("-jar", jar.toString(), "--config", config.toString()));
    long launched = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(jar.getFileName() + " exited: " + Files.readString(log));
      }
      try {
        if (get(httpPort, "/health/ready").statusCode() == 200) {
          return new Proc(p, httpPort, Duration.ofNanos(System.nanoTime() - launched));
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(10);
    }
    p.destroyForcibly();
    throw new IllegalStateException(jar.getFileName() + " not ready within 30 s");
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return get(httpPort, path);
  }

  private static HttpResponse<String> get(int httpPort, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  String metrics() throws IOException, InterruptedException {
    return get("/metrics").body();
  }

  /** One scrape of {@code /metrics} with {@code accept} as the scraper's Accept header. */
  byte[] metrics(String accept) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
        .header("accept", accept).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray())
        .body();
  }

  /** User plus system CPU seconds, from /proc. */
  double cpuSeconds() throws IOException {
    return ticks(Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"))) / (double) CLOCK_TICKS;
  }

  /**
   * Seconds the JIT's compilers have worked since the JVM started (its {@code java.ci.totalTime} counter, through
   * jcmd). While it still grows, the process is warming up, not running as it will for the rest of its life. Read
   * from the JVM because compiler threads come and go, taking their CPU time in /proc with them.
   */
  double compilerSeconds() throws Exception {
    String counters = run(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(process.pid()), "PerfCounter.print");
    return counter(counters, "java.ci.totalTime") / counter(counters, "sun.os.hrt.frequency");
  }

  private static double counter(String counters, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "=(\\d+)$").matcher(counters);
    if (!m.find()) {
      throw new IllegalStateException("jcmd PerfCounter.print has no " + name);
    }
    return Double.parseDouble(m.group(1));
  }

  private static long ticks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
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
  double heapAfterGcMiB() throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    run(jcmd, Long.toString(process.pid()), "GC.run");
    String info = run(jcmd, Long.toString(process.pid()), "GC.heap_info");
    Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
    return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : Double.NaN;
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
