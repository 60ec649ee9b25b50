package dev.greetprobe.probe.metrics;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.Histogram;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.LabelPair;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.Metric;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.MetricFamily;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.MetricType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

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

  MetricFamily family(String name) {
    return families.stream().filter(f -> f.getName().equals(name)).findFirst().orElseThrow();
  }

  /** The histogram of {@code name} whose labels include {@code labels}. */
  Histogram histogram(String name, Map<String, String> labels) {
    return family(name).getMetricList().stream().filter(m -> labels(m).entrySet().containsAll(labels.entrySet()))
        .findFirst().orElseThrow().getHistogram();
  }

  /**
   * The series Prometheus stores for the metrics whose labels {@code labels} accepts: a native histogram is one, a
   * classic one a series per bucket plus its count and sum, a summary its quantiles plus count and sum.
   */
  int series(Predicate<Map<String, String>> labels) {
    int series = 0;
    for (MetricFamily family : families) {
      for (Metric metric : family.getMetricList()) {
        if (!labels.test(labels(metric))) {
          continue;
        }
        if (family.getType() == MetricType.HISTOGRAM) {
          series += isNative(metric.getHistogram()) ? 1 : metric.getHistogram().getBucketCount() + 2;
        } else if (family.getType() == MetricType.SUMMARY) {
          series += metric.getSummary().getQuantileCount() + 2;
        } else {
          series++;
        }
      }
    }
    return series;
  }

  /** As Prometheus tells: a native histogram has a zero bucket or sparse buckets; a classic one has neither. */
  static boolean isNative(Histogram h) {
    return h.getZeroThreshold() > 0 || h.getZeroCount() > 0 || h.getPositiveSpanCount() > 0
        || h.getNegativeSpanCount() > 0;
  }

  static Map<String, String> labels(Metric metric) {
    return metric.getLabelList().stream().collect(Collectors.toMap(LabelPair::getName, LabelPair::getValue));
  }
}
