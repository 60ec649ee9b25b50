package dev.greetprobe.probe.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.common.Histograms;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.NativeHistogramBucket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A phase's histogram exports what the Prometheus client's own histogram would, at the same schema, in each mode. */
class PhaseHistogramTest {

  @ParameterizedTest
  @EnumSource(Histograms.class)
  void countsTheSameBucketsAsThePrometheusClient(Histograms mode) {
    Histogram client = mode.builder(ProbeMetrics.PHASE_BUCKETS).name("reference_seconds")
        .nativeInitialSchema(PhaseHistogram.SCHEMA).nativeMaxNumberOfBuckets(0).build();
    PhaseHistogram ours = new PhaseHistogram(mode);
    for (double seconds : durations()) {
      client.observe(seconds);
      ours.observe(seconds);
    }

    HistogramDataPointSnapshot expected = client.collect().getDataPoints().get(0);
    HistogramDataPointSnapshot actual = ours.snapshot(Labels.EMPTY, 0);

    assertThat(actual.getCount()).isEqualTo(expected.getCount()).isEqualTo(durations().size());
    assertThat(actual.getSum()).isEqualTo(expected.getSum());
    assertThat(actual.getClassicBuckets().stream().map(b -> b.getUpperBound() + "=" + b.getCount()).toList())
        .isEqualTo(expected.getClassicBuckets().stream().map(b -> b.getUpperBound() + "=" + b.getCount()).toList());
    assertThat(actual.hasNativeHistogramData()).isEqualTo(mode != Histograms.CLASSIC);
    if (mode != Histograms.CLASSIC) {
      assertThat(actual.getNativeSchema()).isEqualTo(expected.getNativeSchema());
      assertThat(actual.getNativeZeroCount()).isEqualTo(expected.getNativeZeroCount());
      assertThat(actual.getNativeZeroThreshold()).isEqualTo(expected.getNativeZeroThreshold());
      assertThat(buckets(actual)).isEqualTo(buckets(expected));
    }
  }

  @ParameterizedTest
  @EnumSource(Histograms.class)
  void aCopyKeepsItsCountsWhileTheOriginalGoesOn(Histograms mode) {
    PhaseHistogram histogram = new PhaseHistogram(mode);
    histogram.observe(0.001);
    PhaseHistogram copy = histogram.copy();
    histogram.observe(0.000001);
    histogram.observe(4);

    assertThat(copy.snapshot(Labels.EMPTY, 0).getCount()).isEqualTo(1);
    assertThat(histogram.snapshot(Labels.EMPTY, 0).getCount()).isEqualTo(3);
  }

  /**
   * Durations from a microsecond to a minute, a zero, and values on the bounds of native buckets (powers of two and
   * their eighth roots), where a bucket's index is easiest to get wrong.
   */
  private static List<Double> durations() {
    List<Double> all = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 2000; i++) {
      all.add(Math.pow(10, -6 + random.nextDouble() * 7.8));
    }
    all.add(0.0);
    for (int exponent = -20; exponent <= 5; exponent++) {
      for (int eighth = 0; eighth < 8; eighth++) {
        all.add(Math.pow(2, exponent + eighth / 8.0));
      }
    }
    all.addAll(List.of(0.00025, 0.0005, 0.001, 10.0, 1.0));
    return all;
  }

  private static List<String> buckets(HistogramDataPointSnapshot point) {
    List<String> buckets = new ArrayList<>();
    for (NativeHistogramBucket bucket : point.getNativeBucketsForPositiveValues()) {
      buckets.add(bucket.getBucketIndex() + "=" + bucket.getCount());
    }
    return buckets;
  }
}
