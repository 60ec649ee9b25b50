package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the tests find metric names in PromQL, and tell whether a scrape exports them. */
class MetricNamesTest {

  @Test
  void findsTheMetricsOfAQueryButNotItsVariablesFunctionsLabelsOrStrings() {
    String expr = "histogram_quantile(0.99, sum by (le, phase) (rate(probe_phase_duration_seconds_bucket"
        + "{job=~\"$probe_job\", target=~\"${target}\", result=\"probe_success\"}[$__rate_interval])))"
        + " / on (job) group_left up{job=\"probe\"} - vertx_pool_in_use";

    assertThat(MetricNames.inPromQl(expr))
        .containsExactlyInAnyOrder("probe_phase_duration_seconds_bucket", "up", "vertx_pool_in_use");
  }

  @Test
  void findsTheMetricsOfALabelValuesQuery() {
    assertThat(MetricNames.inPromQl("label_values(up{job=~\"$probe_job|$greeter_job\"}, instance)"))
        .containsExactly("up");
  }

  @Test
  void aHistogramFamilyIsExportedThroughItsSamples() {
    Set<String> exported = Set.of("probe_phase_duration_seconds_bucket", "probe_phase_duration_seconds_count");

    assertThat(MetricNames.isExported("probe_phase_duration_seconds", exported)).isTrue();
    assertThat(MetricNames.isExported("probe_phase_duration_seconds_bucket", exported)).isTrue();
    assertThat(MetricNames.isExported("probe_duration_seconds", exported)).isFalse();
  }
}
