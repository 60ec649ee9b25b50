package dev.greetprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the text format as the Prometheus client writes it, and as a person writes a series in a test. */
class PrometheusTextTest {

  private static final String SCRAPE = """
      # HELP probe_success Whether the last probe succeeded
      # TYPE probe_success gauge
      probe_success{target="a"} 1.0
      probe_success{target="b"} 0.0
      # TYPE probe_results_total counter
      probe_results_total{result="success",target="a"} 12.0
      probe_results_total{result="connect_refused",target="b"} 3.0 1700000000000
      probe_targets 2
      odd{path="C:\\\\dir",quote="say \\"hi\\"",lines="one\\ntwo",comma="a,b}"} +Inf
      """;

  @Test
  void readsEverySampleWithItsLabelsAndValue() {
    PrometheusText text = PrometheusText.parse(SCRAPE);

    assertThat(text.samples()).hasSize(6);
    assertThat(text.samples("probe_success")).extracting(s -> s.label("target"), PrometheusText.Sample::value)
        .containsExactly(tuple("a", 1.0), tuple("b", 0.0));
    assertThat(text.names()).containsExactly("probe_success", "probe_results_total", "probe_targets", "odd");
  }

  @Test
  void aTimestampAfterTheValueIsNotTheValue() {
    assertThat(PrometheusText.parse(SCRAPE).value("probe_results_total",
        Map.of("result", "connect_refused", "target", "b"))).isEqualTo(3.0);
  }

  @Test
  void labelValuesAreUnescapedAndMayHoldCommasAndBraces() {
    PrometheusText.Sample odd = PrometheusText.parse(SCRAPE).samples("odd").get(0);

    assertThat(odd.labels()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "path", "C:\\dir", "quote", "say \"hi\"", "lines", "one\ntwo", "comma", "a,b}"));
    assertThat(odd.value()).isInfinite();
  }

  @Test
  void aSeriesIsFoundByItsNameAndExactlyItsLabelsInAnyOrder() {
    PrometheusText text = PrometheusText.parse(SCRAPE);

    assertThat(text.value("probe_targets")).isEqualTo(2.0);
    assertThat(text.value("probe_results_total{target=\"a\",result=\"success\"}")).isEqualTo(12.0);
    assertThat(text.value("probe_results_total{target=\"a\"}")).as("a subset of the labels is another series")
        .isNaN();
    assertThat(text.value("probe_missing")).isNaN();
  }

  @Test
  void sumsTheSamplesWhoseLabelsIncludeTheGivenOnes() {
    PrometheusText text = PrometheusText.parse(SCRAPE);

    assertThat(text.sum("probe_results_total")).isEqualTo(15.0);
    assertThat(text.sum("probe_results_total", Map.of("target", "b"))).isEqualTo(3.0);
    assertThat(text.sum("probe_missing")).isZero();
  }

  @Test
  void readsEachFamilysHelpAndType() {
    PrometheusText text = PrometheusText.parse(SCRAPE);

    assertThat(text.family("probe_success")).hasValue(
        new PrometheusText.Family("probe_success", "Whether the last probe succeeded", "gauge"));
    assertThat(text.family("probe_results_total")).hasValue(
        new PrometheusText.Family("probe_results_total", null, "counter"));
    assertThat(text.family("probe_targets")).isEmpty();
  }

  @Test
  void aLineThatIsNotASampleIsRefusedWithTheLine() {
    assertThatThrownBy(() -> PrometheusText.parse("probe_success{target=\"a\"} one\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("probe_success{target=\"a\"} one");
  }

  @Test
  void readsWhatThePrometheusClientWrites() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter.builder().withoutExemplars().name("greetings_total").help("Greetings sent").labelNames("transport").register(registry)
        .labelValues("vertx").inc(3);
    Histogram latency = Histogram.builder().withoutExemplars().name("latency_seconds").help("Latency").classicOnly()
        .classicUpperBounds(0.1, 1).labelNames("phase").register(registry);
    latency.labelValues("connect").observe(0.05);
    latency.labelValues("connect").observe(0.5);
    latency.labelValues("connect").observe(5);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, registry.scrape());

    PrometheusText text = PrometheusText.parse(out.toString(StandardCharsets.UTF_8));

    assertThat(text.value("greetings_total{transport=\"vertx\"}")).isEqualTo(3.0);
    assertThat(text.family("greetings_total").orElseThrow().type()).isEqualTo("counter");
    assertThat(text.family("latency_seconds").orElseThrow().help()).isEqualTo("Latency");
    assertThat(text.buckets("latency_seconds", Map.of("phase", "connect")))
        .containsExactly(entry(0.1, 1.0), entry(1.0, 2.0), entry(Double.POSITIVE_INFINITY, 3.0));
    assertThat(text.value("latency_seconds_count{phase=\"connect\"}")).isEqualTo(3.0);
  }
}
