package dev.greetprobe.testkit;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.BucketSpan;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.Histogram;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.LabelPair;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.Metric;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.MetricFamily;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.MetricType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A scrape in Prometheus' delimited protobuf format, read as a Prometheus that takes native histograms reads it.
 * Read with the Prometheus client's own generated classes, which the services' exposition already brings.
 */
public record ProtobufScrape(List<MetricFamily> families) {

  /** The Accept header of a scraper that takes native histograms. */
  public static final String ACCEPT =
      "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

  public ProtobufScrape {
    families = List.copyOf(families);
  }

  public static ProtobufScrape parse(byte[] bytes) {
    List<MetricFamily> families = new ArrayList<>();
    InputStream in = new ByteArrayInputStream(bytes);
    try {
      MetricFamily family;
      while ((family = MetricFamily.parseDelimitedFrom(in)) != null) {
        families.add(family);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("not a delimited protobuf scrape", e);
    }
    return new ProtobufScrape(families);
  }

  public MetricFamily family(String name) {
    return families.stream().filter(f -> f.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no family " + name + " in the scrape"));
  }

  /** The histogram of {@code name} whose labels include {@code labels}. */
  public Histogram histogram(String name, Map<String, String> labels) {
    return family(name).getMetricList().stream().filter(m -> labels(m).entrySet().containsAll(labels.entrySet()))
        .findFirst().orElseThrow(() -> new AssertionError("no histogram " + name + " with " + labels)).getHistogram();
  }

  /**
   * The series Prometheus stores for the metrics whose labels {@code labels} accepts: a native histogram is one, a
   * classic one a series per finite bucket plus {@code +Inf}, its count and its sum, a summary its quantiles plus its
   * count and its sum.
   */
  public int series(Predicate<Map<String, String>> labels) {
    int series = 0;
    for (MetricFamily family : families) {
      for (Metric metric : family.getMetricList()) {
        if (!labels.test(labels(metric))) {
          continue;
        }
        if (family.getType() == MetricType.HISTOGRAM) {
          Histogram h = metric.getHistogram();
          series += isNative(h) ? 1
              : (int) h.getBucketList().stream().filter(b -> Double.isFinite(b.getUpperBound())).count() + 3;
        } else if (family.getType() == MetricType.SUMMARY) {
          series += metric.getSummary().getQuantileCount() + 2;
        } else {
          series++;
        }
      }
    }
    return series;
  }

  /**
   * Cumulative counts by upper bound of the first histogram of {@code name}, from its native buckets if it has any:
   * what a quantile is read from.
   */
  public NavigableMap<Double, Double> buckets(String name) {
    Histogram h = family(name).getMetric(0).getHistogram();
    NavigableMap<Double, Double> cumulative = new TreeMap<>();
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
  public static boolean isNative(Histogram h) {
    return h.getZeroThreshold() > 0 || h.getZeroCount() > 0 || h.getPositiveSpanCount() > 0
        || h.getNegativeSpanCount() > 0;
  }

  public static Map<String, String> labels(Metric metric) {
    return metric.getLabelList().stream().collect(Collectors.toMap(LabelPair::getName, LabelPair::getValue));
  }
}
