package dev.greetprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Protobuf scrapes as the Prometheus client writes them, read as a Prometheus that takes native histograms. */
class ProtobufScrapeTest {

  private PrometheusRegistry registry;

  @BeforeEach
  void registry() {
    registry = new PrometheusRegistry();
  }

  @Test
  void aNativeHistogramIsOneSeriesAndAClassicOneABucketEachPlusCountAndSum() throws Exception {
    Histogram.builder().withoutExemplars().name("native_seconds").help("n").nativeOnly().labelNames("target").register(registry)
        .labelValues("a").observe(0.2);
    Histogram.builder().withoutExemplars().name("classic_seconds").help("c").classicOnly().classicUpperBounds(0.1, 1)
        .labelNames("target").register(registry).labelValues("a").observe(0.2);
    Counter.builder().withoutExemplars().name("runs_total").help("r").labelNames("target").register(registry).labelValues("a").inc();
    Counter.builder().withoutExemplars().name("other_total").help("o").labelNames("target").register(registry).labelValues("b").inc();

    ProtobufScrape scrape = ProtobufScrape.parse(protobuf());

    assertThat(ProtobufScrape.isNative(scrape.histogram("native_seconds", Map.of("target", "a")))).isTrue();
    assertThat(ProtobufScrape.isNative(scrape.histogram("classic_seconds", Map.of("target", "a")))).isFalse();
    // native 1; classic: 0.1, 1, +Inf, count, sum; the counter 1
    assertThat(scrape.series(labels -> "a".equals(labels.get("target")))).isEqualTo(1 + 5 + 1);
    assertThat(scrape.series(labels -> "b".equals(labels.get("target")))).isEqualTo(1);
  }

  @Test
  void bucketsAreCumulativeCountsByUpperBoundForEitherKind() throws Exception {
    Histogram classic = Histogram.builder().withoutExemplars().name("classic_seconds").help("c").classicOnly()
        .classicUpperBounds(0.1, 1).register(registry);
    Histogram exponential = Histogram.builder().withoutExemplars().name("native_seconds").help("n").nativeOnly().register(registry);
    for (double seconds : new double[] {0.05, 0.5, 0.5, 5}) {
      classic.observe(seconds);
      exponential.observe(seconds);
    }

    ProtobufScrape scrape = ProtobufScrape.parse(protobuf());

    assertThat(scrape.buckets("classic_seconds"))
        .containsExactly(entry(0.1, 1.0), entry(1.0, 3.0), entry(Double.POSITIVE_INFINITY, 4.0));
    assertThat(scrape.buckets("native_seconds").lastEntry().getValue()).isEqualTo(4.0);
    assertThat(scrape.buckets("native_seconds").ceilingEntry(0.5).getValue()).as("up to 0.5 s").isEqualTo(3.0);
    assertThat(scrape.buckets("native_seconds").floorEntry(0.49).getValue()).as("below 0.49 s").isEqualTo(1.0);
  }

  @Test
  void findsAFamilyByName() throws Exception {
    Counter.builder().withoutExemplars().name("runs_total").help("Runs").register(registry).inc();

    assertThat(ProtobufScrape.parse(protobuf()).family("runs_total").getHelp()).isEqualTo("Runs");
  }

  private byte[] protobuf() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExpositionFormats.init().getPrometheusProtobufWriter().write(out, registry.scrape());
    return out.toByteArray();
  }
}
