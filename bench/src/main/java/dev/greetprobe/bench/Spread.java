package dev.greetprobe.bench;

import java.util.List;
import java.util.Locale;

/** The median of a few runs' figures, and their lowest and highest, which say how far one run can be trusted. */
record Spread(double median, double min, double max) {

  static Spread of(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no runs");
    }
    int middle = sorted.length / 2;
    double median = sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    return new Spread(median, sorted[0], sorted[sorted.length - 1]);
  }

  /** {@code 1.23x (1.10-1.31)}: the median ratio and its range. */
  String ratio() {
    return String.format(Locale.ROOT, "%.2fx (%.2f-%.2f)", median, min, max);
  }
}
