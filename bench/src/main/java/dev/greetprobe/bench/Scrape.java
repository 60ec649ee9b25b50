package dev.greetprobe.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sums and histograms read out of a Prometheus text scrape. */
final class Scrape {

  private final String text;

  Scrape(String text) {
    this.text = text;
  }

  /** The sum of every sample of {@code name} whose labels contain {@code labelFilter}. */
  double sum(String name, String labelFilter) {
    double total = 0;
    for (String line : text.split("\n")) {
      if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && line.contains(labelFilter)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** Cumulative bucket counts of a histogram without other labels, by upper bound. */
  TreeMap<Double, Double> buckets(String name) {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + "_bucket\\{le=\"([^\"]+)\"} (\\S+)$", Pattern.MULTILINE)
        .matcher(text);
    while (m.find()) {
      double le = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
      buckets.put(le, Double.parseDouble(m.group(2)));
    }
    return buckets;
  }

  /** The upper bound of the bucket holding quantile {@code q} of the observations between two scrapes. */
  static double quantileBound(TreeMap<Double, Double> before, TreeMap<Double, Double> after, double q) {
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
