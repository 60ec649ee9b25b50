package dev.greetprobe.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Our CPU per probe over blackbox_exporter's and the reference's, round by round: the runs of one round saw the same
 * minutes of the machine, so a ratio is taken within a round, and the table gives the median of the rounds' ratios
 * with their range.
 */
final class ProbeRatios {

  private ProbeRatios() {
  }

  /** One line of the table: a prober at a number of targets, over all its rounds. */
  private record Row(String prober, int targets) {
  }

  static void print(List<ProbeBench.Figures> ours, List<BlackboxBench.Figures> blackbox,
      List<ReferenceBench.Figures> reference) {
    System.out.println();
    System.out.println("CPU per probe over blackbox_exporter's and the reference's: median of the rounds (min-max)");
    System.out.printf(Locale.ROOT, "%-27s %8s %7s %14s %22s %22s%n", "prober", "targets", "rounds", "CPU s/1000",
        "/blackbox", "/reference");
    Set<Row> table = new LinkedHashSet<>();
    ours.forEach(f -> table.add(new Row(f.prober(), f.targets())));
    for (Row row : table) {
      String prober = row.prober();
      int targets = row.targets();
      List<ProbeBench.Figures> runs = ours.stream()
          .filter(f -> f.prober().equals(prober) && f.targets() == targets).toList();
      List<Double> toBlackbox = new ArrayList<>();
      List<Double> toReference = new ArrayList<>();
      for (ProbeBench.Figures run : runs) {
        blackbox.stream().filter(b -> b.round() == run.round() && b.targets() == targets && b.keptUp()).findFirst()
            .ifPresent(b -> toBlackbox.add(run.cpuPer1000() / b.cpuPer1000()));
        reference.stream().filter(r -> r.round() == run.round() && r.targets() == targets).findFirst()
            .ifPresent(r -> toReference.add(run.cpuPer1000() / r.cpuPer1000()));
      }
      System.out.printf(Locale.ROOT, "%-27s %8d %7d %14.4f %22s %22s%n", prober, targets, runs.size(),
          Spread.of(runs.stream().map(ProbeBench.Figures::cpuPer1000).toList()).median(),
          ratio(toBlackbox).orElse("-"), ratio(toReference).orElse("-"));
    }
  }

  private static Optional<String> ratio(List<Double> ratios) {
    return ratios.isEmpty() ? Optional.empty() : Optional.of(Spread.of(ratios).ratio());
  }
}
