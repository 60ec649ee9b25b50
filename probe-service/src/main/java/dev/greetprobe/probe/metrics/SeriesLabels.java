package dev.greetprobe.probe.metrics;

import dev.greetprobe.probe.config.Target;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The labels every series of a target carries: {@code target} and the target's own labels, in the order of their
 * names, as the expositions write a point's labels. A family's own label ({@code result}, {@code phase}) takes its
 * place among them by its name ({@link #before}). Each format's bytes of them are encoded once, when the target is
 * registered, not in every scrape.
 */
final class SeriesLabels implements Comparable<SeriesLabels> {

  private final String[] names;
  private final String[] values;
  private final Encoded text;
  private final Encoded protobuf;

  /**
   * The labels as one format writes them.
   *
   * @param all every label, for a family without a label of its own
   * @param result those before and after {@code result}, for {@code probe_results_total}
   * @param phase those before and after {@code phase}, for {@code probe_phase_duration_seconds}
   */
  record Encoded(byte[] all, Split result, Split phase) {
  }

  /** The labels before a family's own label and those after it. */
  record Split(byte[] before, byte[] after) {
  }

  /**
   * Each target's labels in one format, gathered for a scrape into arrays by target: the families walk them over and
   * over, and the targets' own objects lie scattered over the heap, where each read would miss the cache.
   */
  static final class Gathered {

    final byte[][] all;
    final byte[][] beforeResult;
    final byte[][] afterResult;
    final byte[][] beforePhase;
    final byte[][] afterPhase;

    Gathered(List<TargetMeters.Values> targets, Function<SeriesLabels, Encoded> format) {
      int n = targets.size();
      all = new byte[n][];
      beforeResult = new byte[n][];
      afterResult = new byte[n][];
      beforePhase = new byte[n][];
      afterPhase = new byte[n][];
      for (int i = 0; i < n; i++) {
        Encoded encoded = format.apply(targets.get(i).labels());
        all[i] = encoded.all();
        beforeResult[i] = encoded.result().before();
        afterResult[i] = encoded.result().after();
        beforePhase[i] = encoded.phase().before();
        afterPhase[i] = encoded.phase().after();
      }
    }
  }

  private SeriesLabels(String[] names, String[] values) {
    this.names = names;
    this.values = values;
    this.text = TargetFamiliesText.encode(this);
    this.protobuf = TargetFamiliesProtobuf.encode(this);
  }

  Encoded text() {
    return text;
  }

  Encoded protobuf() {
    return protobuf;
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
