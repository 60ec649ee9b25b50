package dev.greetprobe.bench;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.BucketSpan;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.Histogram;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.Metric;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.MetricFamily;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.MetricType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** A scrape in Prometheus' delimited protobuf format, read as a Prometheus that takes native histograms reads it. */
record ProtobufScrape(List<MetricFamily> families) {

  static ProtobufScrape parse(byte[] bytes) throws IOException {
    List<MetricFamily> families = new ArrayList<>();
    InputStream in = new ByteArrayInputStream(bytes);
    MetricFamily family;
    while ((family = MetricFamily.parseDelimitedFrom(in)) != null) {
      families.add(family);
    }
    return new ProtobufScrape(families);
  }

  /**
   * The series Prometheus stores for the metrics with label {@code target="<target>"}: a native histogram is one, a
   * classic one a series per finite bucket plus +Inf, count and sum.
   */
  int seriesOf(String target) {
    int series = 0;
    for (MetricFamily family : families) {
      for (Metric metric : family.getMetricList()) {
        if (metric.getLabelList().stream().noneMatch(l -> l.getName().equals("target") && l.getValue().equals(target))) {
          continue;
        }
        if (family.getType() == MetricType.HISTOGRAM) {
          Histogram h = metric.getHistogram();
          series += isNative(h) ? 1
              : (int) h.getBucketList().stream().filter(b -> Double.isFinite(b.getUpperBound())).count() + 3;
        } else {
          series++;
        }
      }
    }
    return series;
  }

  /** Cumulative counts by upper bound of the unlabelled histogram {@code name}, from its native buckets if it has any. */
  TreeMap<Double, Double> buckets(String name) {
    Histogram h = families.stream().filter(f -> f.getName().equals(name)).findFirst().orElseThrow()
        .getMetric(0).getHistogram();
    TreeMap<Double, Double> cumulative = new TreeMap<>();
    if (!isNative(h)) {
      h.getBucketList().forEach(b -> cumulative.put(b.getUpperBound(), (double) b.getCumulativeCount()));
      cumulative.put(Double.POSITIVE_INFINITY, (double) h.getSampleCount());
      return cumulative;
    }
    // Bucket i holds (base^(i-1), base^i], base = 2^(2^-schema); counts are deltas across all spans, in order.
    double base = Math.pow(2, Math.pow(2, -h.getSchema()));
    double total = h.getZeroCount();
    cumulative.put(h.getZeroThreshold(), total);
    long count = 0;
    int index = 0;
    int delta = 0;
    for (BucketSpan span : h.getPositiveSpanList()) {
      index += span.getOffset();
      for (int i = 0; i < span.getLength(); i++, index++) {
        count += h.getPositiveDelta(delta++);
        total += count;
        cumulative.put(Math.pow(base, index), total);
      }
    }
    cumulative.put(Double.POSITIVE_INFINITY, (double) h.getSampleCount());
    return cumulative;
  }

  /** As Prometheus tells them apart: a native histogram has a zero bucket or sparse buckets; a classic one neither. */
  static boolean isNative(Histogram h) {
    return h.getZeroThreshold() > 0 || h.getZeroCount() > 0 || h.getPositiveSpanCount() > 0
        || h.getNegativeSpanCount() > 0;
  }
}
