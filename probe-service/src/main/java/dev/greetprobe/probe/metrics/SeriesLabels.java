package dev.greetprobe.probe.metrics;

import dev.greetprobe.probe.config.Target;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.Arrays;
import java.util.Map;

/**
 * The labels every series of a target carries: {@code target} and the target's own labels, in the order of their
 * names, as the expositions write a point's labels. A family's own label ({@code result}, {@code phase}) takes its
 * place among them by its name, so each writer asks where that place is ({@link #before}).
 */
final class SeriesLabels implements Comparable<SeriesLabels> {

  private final String[] names;
  private final String[] values;

  private SeriesLabels(String[] names, String[] values) {
    this.names = names;
    this.values = values;
  }

  static SeriesLabels of(Target target) {
    int size = target.labels().values().size() + 1;
    String[] names = new String[size];
    String[] values = new String[size];
    int i = 0;
    boolean placed = false;
    for (Map.Entry<String, String> label : target.labels().values().entrySet()) {
      if (!placed && label.getKey().compareTo("target") > 0) {
        names[i] = "target";
        values[i++] = target.name();
        placed = true;
      }
      names[i] = label.getKey();
      values[i++] = label.getValue();
    }
    if (!placed) {
      names[i] = "target";
      values[i] = target.name();
    }
    return new SeriesLabels(names, values);
  }

  int size() {
    return names.length;
  }

  String name(int i) {
    return names[i];
  }

  String value(int i) {
    return values[i];
  }

  /** How many of the labels sort before a family's own label {@code name}. */
  int before(String name) {
    int i = 0;
    while (i < names.length && names[i].compareTo(name) < 0) {
      i++;
    }
    return i;
  }

  /**
   * Whether {@code other}'s points sort among this one's, as the client sorts them, for a family's own label that
   * sorts after the first {@code before} labels: the same names, and the same values before that label.
   */
  boolean sameGroup(SeriesLabels other, int before) {
    return Arrays.equals(names, other.names) && Arrays.equals(values, 0, before, other.values, 0, before);
  }

  /** As the client orders points: by their label names, then by their values, each in the order of the names. */
  @Override
  public int compareTo(SeriesLabels other) {
    int byNames = Arrays.compare(names, other.names);
    return byNames != 0 ? byNames : Arrays.compare(values, other.values);
  }

  /** As the client's snapshots carry them, with a family's own label and its value when it has one. */
  Labels snapshot(String... own) {
    return Labels.of(names, values).merge(Labels.of(own));
  }
}
