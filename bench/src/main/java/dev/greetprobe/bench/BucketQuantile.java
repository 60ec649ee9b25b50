package dev.greetprobe.bench;

import java.util.Map;
import java.util.NavigableMap;

/** A quantile of the observations between two scrapes of a histogram, to the upper bound of the bucket it falls in. */
final class BucketQuantile {

  private BucketQuantile() {
  }

  /**
   * The upper bound of the bucket holding quantile {@code q} of what was observed between {@code before} and
   * {@code after}, each the histogram's cumulative counts by upper bound.
   */
  static double upperBound(NavigableMap<Double, Double> before, NavigableMap<Double, Double> after, double q) {
    double total = after.lastEntry().getValue() - before.getOrDefault(after.lastKey(), 0.0);
    for (Map.Entry<Double, Double> e : after.entrySet()) {
      double count = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
      if (count >= q * total) {
        return e.getKey();
      }
    }
    return Double.POSITIVE_INFINITY;
  }
}
