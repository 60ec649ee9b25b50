package dev.greetprobe.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar bench/target/greetprobe-bench.jar greeter|probe|footprint|scale|status [options]}: runs from the
 * repository's root, against the jars {@code mvn package} built (the status page's in this process), and prints a
 * table.
 */
public final class BenchMain {

  static final String USAGE = """
      Usage: java -jar bench/target/greetprobe-bench.jar greeter [--concurrency 1,16,256] [--seconds 10] [--repeats 3]
                 [--transports vertx,epoll] [--baseline ROOT]
             java -jar bench/target/greetprobe-bench.jar probe [--targets 100,1000,5000] [--seconds 60] [--warmup 60]
                 [--repeats 3] [--transports vertx,epoll] [--reference DIR] [--baseline ROOT]
             java -jar bench/target/greetprobe-bench.jar footprint
             java -jar bench/target/greetprobe-bench.jar scale [--targets 20000] [--interval 10] [--seconds 60]
                 [--warmup 60] [--modes classic,native,both]
             java -jar bench/target/greetprobe-bench.jar status [--targets 100,1000,5000]
             java -jar bench/target/greetprobe-bench.jar fleet [--targets 3000] [--interval 1] [--refresh 5]
                 [--replicas 1] [--warmup 60]
      """;

  private BenchMain() {
  }

  private static List<Integer> numbers(String list) {
    return java.util.Arrays.stream(list.split(",")).map(Integer::parseInt).toList();
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !List.of("greeter", "probe", "footprint", "scale", "status", "fleet").contains(args[0])) {
      System.err.print(USAGE);
      System.exit(2);
    }
    List<Integer> targets = List.of(100, 1000, 5000);
    List<Integer> concurrency = List.of(1, 16, 256);
    int seconds = args[0].equals("probe") || args[0].equals("scale") ? 60 : 10;
    int repeats = 3;
    // The JIT's C2 keeps compiling the probe's path for a good while after start, longer at low rates: the probe
    // bench waits at least this long, then until the JIT settles.
    int warmup = 60;
    List<String> transports = List.of("vertx", "epoll");
    int scaleTargets = 20_000;
    int interval = args[0].equals("fleet") ? 1 : 10;
    int refresh = 5;
    int replicas = 1;
    List<String> modes = List.of("classic", "native", "both");
    // Where the reference's build.sh put prober_epoll; without it, the reference prober does not run.
    Path reference = null;
    // The root of another checkout with its jars built (the code before a change): its services run beside this
    // checkout's, in turns, so a change is measured before and after in one run.
    Path baseline = null;
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--targets" -> {
          targets = numbers(args[i + 1]);
          scaleTargets = targets.get(0);
        }
        case "--interval" -> interval = Integer.parseInt(args[i + 1]);
        case "--refresh" -> refresh = Integer.parseInt(args[i + 1]);
        case "--replicas" -> replicas = Integer.parseInt(args[i + 1]);
        case "--modes" -> modes = List.of(args[i + 1].split(","));
        case "--concurrency" -> concurrency = numbers(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--transports" -> transports = List.of(args[i + 1].split(","));
        case "--reference" -> reference = Path.of(args[i + 1]);
        case "--baseline" -> baseline = Path.of(args[i + 1]).toAbsolutePath();
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    MachineLoad.report();
    if (args[0].equals("status")) {
      StatusBench.print(StatusBench.run(targets));
      return;
    }
    Path root = Path.of("").toAbsolutePath();
    Path work = Files.createTempDirectory("greetprobe-bench");
    if (args[0].equals("greeter")) {
      GreeterBench.print(GreeterBench.run(root, baseline, work, transports, concurrency, seconds, repeats));
      return;
    }
    if (args[0].equals("fleet")) {
      int fleetTargets = List.of(args).contains("--targets") ? scaleTargets : 3000;
      System.out.printf("3 probes sharing %d targets at %d s, refresh %d s, replicas %d; one killed mid-run...%n",
          fleetTargets, interval, refresh, replicas);
      FleetBench.print(FleetBench.run(root, work, fleetTargets, replicas, interval, refresh, warmup));
      return;
    }
    if (args[0].equals("footprint")) {
      FootprintBench.print(FootprintBench.run(root, work));
      return;
    }
    if (args[0].equals("scale")) {
      List<ScaleBench.Figures> scale = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      for (String mode : modes) {
        System.out.printf("probing %d targets every %d s with histograms %s for %d s (after %d s of warm-up)...%n",
            scaleTargets, interval, mode, seconds, warmup);
        try {
          scale.add(ScaleBench.run(root, work, mode, scaleTargets, interval, seconds, warmup));
        } catch (java.io.IOException e) {
          // The probe stopped answering, most often out of the pod's heap: a figure too, so the other modes still run.
          failed.add(mode + ": the probe stopped answering (" + e + "); its log: "
              + work.resolve("scale-probe-" + mode + ".log"));
        }
      }
      ScaleBench.print(scale, interval);
      failed.forEach(System.out::println);
      return;
    }
    List<ProbeBench.Figures> rows = new ArrayList<>();
    List<BlackboxBench.Figures> blackbox = new ArrayList<>();
    List<ReferenceBench.Figures> floor = new ArrayList<>();
    for (int n : targets) {
      for (int round = 1; round <= repeats; round++) {
        for (String transport : transports) {
          System.out.printf("round %d: probing %d targets over transport %s for %d s (after at least %d s of"
              + " warm-up)...%n", round, n, transport, seconds, warmup);
          rows.add(ProbeBench.run(root, "", round, work, transport, n, seconds, warmup));
          if (baseline != null) {
            System.out.printf("round %d: the same by the baseline's probe...%n", round);
            rows.add(ProbeBench.run(baseline, GreeterBench.BASELINE, round, work, transport, n, seconds, warmup));
          }
        }
        System.out.printf("round %d: the same by blackbox_exporter%s...%n", round,
            reference == null ? "" : ", then by the reference prober");
        blackbox.add(BlackboxBench.run(round, work, n, seconds, 10));
        if (reference != null) {
          floor.add(ReferenceBench.run(round, root, reference, work, n, seconds));
        }
      }
    }
    ProbeBench.print(rows);
    BlackboxBench.print(blackbox);
    if (!floor.isEmpty()) {
      ReferenceBench.print(floor);
    }
    ProbeRatios.print(rows, blackbox, floor);
  }
}
