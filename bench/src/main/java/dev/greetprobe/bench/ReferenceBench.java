package dev.greetprobe.bench;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The same probes made by the reference prober, a minimal C epoll program ({@code prober_epoll}, built by the
 * reference's {@code build.sh} into the folder given with {@code --reference}): the floor a probe's cost is held
 * against. It runs its warm-up and its measured window as one process, against a greeter of its own, and reports
 * its own CPU (getrusage).
 */
final class ReferenceBench {

  private static final Pattern CPU_PER_1000 = Pattern.compile("cpu_s_per_1000=([0-9.]+)");
  private static final Pattern FAILED = Pattern.compile("failed=(\\d+)");
  private static final Pattern PROBES = Pattern.compile("probes=(\\d+)");

  private ReferenceBench() {
  }

  record Figures(int round, int targets, long probes, long failures, double cpuPer1000) {
  }

  static Figures run(int round, Path root, Path reference, Path work, int targets, int seconds) throws Exception {
    Path binary = reference.resolve("prober_epoll");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(binary + " is missing: build it with the reference's build.sh " + reference);
    }
    int greeterPort = Ports.free();
    int greeterHttp = Ports.free();
    Path greeterConfig = Files.writeString(work.resolve("greeter-reference.yaml"),
        "host: 127.0.0.1\nport: " + greeterPort + "\nhttp: {host: 127.0.0.1, port: " + greeterHttp + "}\n");
    try (ChildProcess greeter = Services.jar(root.resolve("greeter-service/target/greeter-service.jar"), greeterConfig,
        greeterHttp, work.resolve("greeter-reference.log"))) {
      Process prober = new ProcessBuilder(binary.toString(), "127.0.0.1", Integer.toString(greeterPort),
          Integer.toString(targets), Integer.toString(seconds)).redirectErrorStream(true).start();
      String output = new String(prober.getInputStream().readAllBytes());
      if (!prober.waitFor(seconds + 30L, TimeUnit.SECONDS) || prober.exitValue() != 0) {
        throw new IllegalStateException("prober_epoll failed: " + output);
      }
      return new Figures(round, targets, number(PROBES, output), number(FAILED, output),
          Double.parseDouble(find(CPU_PER_1000, output)));
    }
  }

  private static long number(Pattern pattern, String output) {
    return Long.parseLong(find(pattern, output));
  }

  private static String find(Pattern pattern, String output) {
    Matcher m = pattern.matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("prober_epoll printed no " + pattern + ": " + output);
    }
    return m.group(1);
  }

  static void print(List<Figures> rows) {
    System.out.println();
    System.out.println("the same probes by the reference C prober (prober_epoll, its CPU only)");
    System.out.printf(Locale.ROOT, "%6s %8s %10s %9s %14s%n", "round", "targets", "probes", "failures", "CPU s/1000");
    for (Figures f : rows) {
      System.out.printf(Locale.ROOT, "%6d %8d %10d %9d %14.4f%n", f.round(), f.targets(), f.probes(), f.failures(),
          f.cpuPer1000());
    }
  }
}
