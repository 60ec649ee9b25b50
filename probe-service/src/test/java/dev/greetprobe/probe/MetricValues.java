package dev.greetprobe.probe;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The values of the registry's series as a scrape would show them. */
public final class MetricValues {

  private MetricValues() {
  }

  /** One series: its labels and its value. */
  public record Series(Map<String, String> labels, double value) {

    public String label(String name) {
      return labels.get(name);
    }
  }

  /** Every series of the counter or gauge {@code name}, as in the exposition but without {@code _total}. */
  public static List<Series> series(PrometheusMeterRegistry registry, String name) {
    MetricSnapshot snapshot = registry.getPrometheusRegistry().scrape(name::equals).stream().findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
    return snapshot.getDataPoints().stream().map(p -> {
      Map<String, String> labels = new TreeMap<>();
      p.getLabels().forEach(l -> labels.put(l.getName(), l.getValue()));
      return new Series(labels, value(p));
    }).toList();
  }

  /** The value of each series of {@code name} whose labels include {@code labels}. */
  public static List<Double> of(PrometheusMeterRegistry registry, String name, Map<String, String> labels) {
    return series(registry, name).stream().filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
        .map(Series::value).toList();
  }

  /** The one series of {@code name} whose labels include {@code labels}. */
  public static double value(PrometheusMeterRegistry registry, String name, Map<String, String> labels) {
    List<Double> values = of(registry, name, labels);
    if (values.size() != 1) {
      throw new AssertionError(values.size() + " series of " + name + " with " + labels);
    }
    return values.get(0);
  }

  private static double value(DataPointSnapshot point) {
    if (point instanceof CounterSnapshot.CounterDataPointSnapshot counter) {
      return counter.getValue();
    }
    return ((GaugeSnapshot.GaugeDataPointSnapshot) point).getValue();
  }
}
