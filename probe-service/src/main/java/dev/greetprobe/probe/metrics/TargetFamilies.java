package dev.greetprobe.probe.metrics;

import dev.greetprobe.common.Histograms;
import dev.greetprobe.probe.config.Phase;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.net.Result;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The families with a series for each target, collected from every target's {@link TargetMeters} into the registry
 * Micrometer scrapes. Their points are built in the order the exposition sorts them into: by target name, and by the
 * result's or phase's label before it, since labels sort by name and {@code phase} and {@code result} come before
 * {@code target}. The Prometheus client's own labelled metrics keep their points in hash order, and sorting hundreds
 * of thousands of them was most of what a scrape of many targets cost.
 */
final class TargetFamilies implements MultiCollector {

  static final List<Result> RESULTS_BY_LABEL = sortedBy(Result.values(), Result::label);
  static final List<Phase> PHASES_BY_LABEL = sortedBy(Phase.values(), Phase::label);

  private final Histograms mode;
  private final ConcurrentSkipListMap<String, TargetMeters> targets = new ConcurrentSkipListMap<>();

  TargetFamilies(Histograms mode) {
    this.mode = mode;
  }

  /** The series of {@code target}, exported from now on. */
  TargetMeters add(Target target) {
    TargetMeters meters = new TargetMeters(target, mode, this);
    targets.put(meters.name(), meters);
    return meters;
  }

  /** Stops exporting {@code meters}, unless a target of the same name has taken its place since. */
  void remove(TargetMeters meters) {
    targets.remove(meters.name(), meters);
  }

  /**
   * Every target's values in the order the client writes their points: by their labels' values, which is by target
   * name unless targets carry labels of their own.
   */
  List<TargetMeters.Values> values() {
    List<TargetMeters.Values> all = new ArrayList<>(targets.size());
    boolean labelled = false;
    for (TargetMeters meters : targets.values()) {
      TargetMeters.Values values = meters.values();
      labelled |= values.labels().size() > 1;
      all.add(values);
    }
    if (labelled) {
      all.sort(Comparator.comparing(TargetMeters.Values::labels));
    }
    return all;
  }

  /**
   * Where the run of targets from {@code start} ends whose points the client writes together in a family with its own
   * label {@code own}: it sorts by the labels before {@code own} first, then by {@code own}'s value, then by the rest.
   * Without labels of the targets' own, all of them.
   */
  static int groupEnd(List<TargetMeters.Values> all, int start, String own) {
    SeriesLabels first = all.get(start).labels();
    int before = first.before(own);
    int end = start + 1;
    while (end < all.size() && first.sameGroup(all.get(end).labels(), before)) {
      end++;
    }
    return end;
  }

  @Override
  public MetricSnapshots collect() {
    List<TargetMeters.Values> all = values();
    List<Labels> byTarget = new ArrayList<>(all.size());
    all.forEach(values -> byTarget.add(values.labels().snapshot()));
    return new MetricSnapshots(
        gauge(ProbeFamily.SUCCESS, all, byTarget, TargetMeters.Values::success),
        gauge(ProbeFamily.DURATION, all, byTarget, TargetMeters.Values::duration),
        gauge(ProbeFamily.DNS_LOOKUP, all, byTarget, TargetMeters.Values::dnsLookup),
        gauge(ProbeFamily.IP_PROTOCOL, all, byTarget, TargetMeters.Values::ipProtocol),
        certExpiry(all, byTarget),
        results(all),
        skipped(all, byTarget),
        phases(all));
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(ProbeFamily.SUCCESS, ProbeFamily.DURATION, ProbeFamily.DNS_LOOKUP, ProbeFamily.IP_PROTOCOL,
        ProbeFamily.CERT_EXPIRY, ProbeFamily.RESULTS, ProbeFamily.SKIPPED, ProbeFamily.PHASE_DURATION).stream()
        .map(family -> family.metadata().getPrometheusName()).toList();
  }

  private static GaugeSnapshot gauge(ProbeFamily family, List<TargetMeters.Values> all, List<Labels> byTarget,
      ToDoubleFunction<TargetMeters.Values> value) {
    List<GaugeDataPointSnapshot> points = new ArrayList<>(all.size());
    for (int i = 0; i < all.size(); i++) {
      points.add(new GaugeDataPointSnapshot(value.applyAsDouble(all.get(i)), byTarget.get(i), null));
    }
    return new GaugeSnapshot(family.metadata(), points);
  }

  private static GaugeSnapshot certExpiry(List<TargetMeters.Values> all, List<Labels> byTarget) {
    List<GaugeDataPointSnapshot> points = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      Double expiry = all.get(i).certExpiry();
      if (expiry != null) {
        points.add(new GaugeDataPointSnapshot(expiry, byTarget.get(i), null));
      }
    }
    return new GaugeSnapshot(ProbeFamily.CERT_EXPIRY.metadata(), points);
  }

  private static CounterSnapshot results(List<TargetMeters.Values> all) {
    List<CounterDataPointSnapshot> points = new ArrayList<>(all.size() * RESULTS_BY_LABEL.size());
    for (int start = 0, end; start < all.size(); start = end) {
      end = groupEnd(all, start, "result");
      for (Result result : RESULTS_BY_LABEL) {
        for (TargetMeters.Values values : all.subList(start, end)) {
          points.add(new CounterDataPointSnapshot(values.byResult()[result.ordinal()],
              values.labels().snapshot("result", result.label()), null, values.createdMillis()));
        }
      }
    }
    return new CounterSnapshot(ProbeFamily.RESULTS.metadata(), points);
  }

  private static CounterSnapshot skipped(List<TargetMeters.Values> all, List<Labels> byTarget) {
    List<CounterDataPointSnapshot> points = new ArrayList<>(all.size());
    for (int i = 0; i < all.size(); i++) {
      points.add(new CounterDataPointSnapshot(all.get(i).skipped(), byTarget.get(i), null,
          all.get(i).createdMillis()));
    }
    return new CounterSnapshot(ProbeFamily.SKIPPED.metadata(), points);
  }

  private static HistogramSnapshot phases(List<TargetMeters.Values> all) {
    List<HistogramDataPointSnapshot> points = new ArrayList<>();
    for (int start = 0, end; start < all.size(); start = end) {
      end = groupEnd(all, start, "phase");
      for (Phase phase : PHASES_BY_LABEL) {
        for (TargetMeters.Values values : all.subList(start, end)) {
          PhaseHistogram histogram = values.phases()[phase.ordinal()];
          if (histogram != null) {
            points.add(histogram.snapshot(values.labels().snapshot("phase", phase.label()),
                values.createdMillis()));
          }
        }
      }
    }
    return new HistogramSnapshot(ProbeFamily.PHASE_DURATION.metadata(), points);
  }

  private static <T> List<T> sortedBy(T[] values, Function<T, String> label) {
    return Arrays.stream(values).sorted(Comparator.comparing(label)).toList();
  }
}
