package dev.greetprobe.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar bench/target/greetprobe-bench.jar probe [--targets 2000[,5000]] [--seconds 60]}: runs from the
 * repository's root, against the jars {@code mvn package} built, and prints a table.
 */
public final class BenchMain {

  private BenchMain() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !args[0].equals("probe")) {
      System.err.println("Usage: java -jar bench/target/greetprobe-bench.jar probe [--targets 100,1000,2000] [--seconds 60]");
      System.exit(2);
    }
    List<Integer> targets = List.of(2000);
    int seconds = 60;
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--targets" -> targets = java.util.Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path root = Path.of("").toAbsolutePath();
    Path work = Files.createTempDirectory("greetprobe-bench");
    List<ProbeBench.Figures> rows = new ArrayList<>();
    for (int n : targets) {
      System.out.printf("probing %d targets for %d s (after 10 s of warm-up)...%n", n, seconds);
      rows.add(ProbeBench.run(root, work, n, seconds, 10));
    }
    ProbeBench.print(rows);
  }
}
