package dev.greetprobe.probe.metrics;

import static dev.greetprobe.probe.config.TestTargets.target;
import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.common.Histograms;
import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.common.OpsRoutes;
import dev.greetprobe.probe.config.Phase;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import dev.greetprobe.testkit.ProtobufScrape;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.PrometheusProtobufWriter;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.Histogram;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The series a target costs the Prometheus that scrapes the probe, in each histogram mode. */
class ProbeMetricsTest {

  private static final Target GREETER = target("127.0.0.1:12345").name("greeter")
      .expect("^Thank You for Connecting$").build();
  private static final String PROTOBUF = PrometheusProtobufWriter.CONTENT_TYPE;

  private final PrometheusMeterRegistry registry = Instrumentation.registry();

  @Test
  void withNativeHistogramsAGreetingCheckCostsAtMostTwentySeries() throws Exception {
    ProbeMetrics metrics = new ProbeMetrics(registry, Histograms.NATIVE);
    metrics.register(GREETER);

    ProtobufScrape scrape = protobuf(metrics);

    // 4 gauges, 12 result counters, the skip counter, and one series for each of resolve, connect and first_byte.
    assertThat(scrape.series(labels -> "greeter".equals(labels.get("target")))).isEqualTo(20);
    for (Phase phase : GREETER.phases()) {
      assertThat(ProtobufScrape.isNative(phaseHistogram(scrape, phase))).as(phase.label()).isTrue();
    }
  }

  @Test
  void withClassicHistogramsEachPhaseHasItsFifteenBuckets() throws Exception {
    ProbeMetrics metrics = new ProbeMetrics(registry, Histograms.CLASSIC);
    metrics.register(GREETER);

    Histogram connect = phaseHistogram(protobuf(metrics), Phase.CONNECT);

    assertThat(ProtobufScrape.isNative(connect)).isFalse();
    assertThat(connect.getBucketList()).extracting(b -> b.getUpperBound())
        .containsSubsequence(0.00025, 0.001, 0.1, 1.0, 10.0)
        .filteredOn(Double::isFinite).hasSize(ProbeMetrics.PHASE_BUCKETS.length);
  }

  @ParameterizedTest
  @EnumSource(Histograms.class)
  void aProbesPhasesAreCountedInTheBucketsTheModeKeeps(Histograms mode) throws Exception {
    ProbeMetrics metrics = new ProbeMetrics(registry, mode);
    metrics.register(GREETER).record(success(Duration.ofMillis(3)));

    Histogram connect = phaseHistogram(protobuf(metrics), Phase.CONNECT);

    assertThat(connect.getSampleCount()).isEqualTo(1);
    assertThat(connect.getSampleSum()).isEqualTo(0.003);
    assertThat(ProtobufScrape.isNative(connect)).isEqualTo(mode != Histograms.CLASSIC);
    assertThat(connect.getPositiveSpanCount() > 0).isEqualTo(mode != Histograms.CLASSIC);
    assertThat(connect.getBucketList().stream().filter(b -> b.getUpperBound() == 0.005)
        .mapToLong(b -> b.getCumulativeCount()).boxed().toList())
        .isEqualTo(mode == Histograms.NATIVE ? List.of() : List.of(1L));
  }

  @ParameterizedTest
  @EnumSource(Histograms.class)
  void scheduleLatenessFollowsTheSameSwitch(Histograms mode) throws Exception {
    ProbeMetrics metrics = new ProbeMetrics(registry, mode);
    metrics.lateness(2_000_000);

    Histogram lateness = protobuf(metrics).family("probe_schedule_lateness_seconds").getMetric(0).getHistogram();

    assertThat(lateness.getSampleCount()).isEqualTo(1);
    assertThat(ProtobufScrape.isNative(lateness)).isEqualTo(mode != Histograms.CLASSIC);
    assertThat(lateness.getBucketCount() > 0).isEqualTo(mode != Histograms.NATIVE);
  }

  @Test
  void textKeepsTheClassicBucketsForScrapersThatTakeNoNativeHistograms() throws Exception {
    ProbeMetrics metrics = new ProbeMetrics(registry, Histograms.BOTH);
    metrics.register(GREETER).record(success(Duration.ofMillis(3)));

    assertThat(text(metrics)).contains("probe_phase_duration_seconds_bucket{phase=\"connect\",target=\"greeter\",le=\"0.005\"} 1");
  }

  @Test
  void aRemovedTargetLeavesNoSeries() throws Exception {
    ProbeMetrics metrics = new ProbeMetrics(registry, Histograms.BOTH);
    metrics.register(GREETER).remove();

    assertThat(protobuf(metrics).series(labels -> "greeter".equals(labels.get("target")))).isZero();
    assertThat(text(metrics)).doesNotContain("target=\"greeter\"");
  }

  private Histogram phaseHistogram(ProtobufScrape scrape, Phase phase) {
    return scrape.histogram("probe_phase_duration_seconds", Map.of("target", "greeter", "phase", phase.label()));
  }

  private static ProtobufScrape protobuf(ProbeMetrics metrics) throws Exception {
    return ProtobufScrape.parse(scrape(metrics, PROTOBUF).toByteArray());
  }

  private static String text(ProbeMetrics metrics) throws Exception {
    return scrape(metrics, null).toString(StandardCharsets.UTF_8);
  }

  /** What {@code /metrics} writes for a scraper that accepts {@code accept}. */
  private static ByteArrayOutputStream scrape(ProbeMetrics metrics, String accept) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    metrics.exposition().write(OpsRoutes.writer(accept), out);
    return out;
  }

  private static ProbeResult success(Duration connect) throws Exception {
    Map<Phase, Duration> phases = new EnumMap<>(Phase.class);
    phases.put(Phase.RESOLVE, Duration.ofMillis(1));
    phases.put(Phase.CONNECT, connect);
    phases.put(Phase.FIRST_BYTE, Duration.ofMillis(1));
    return new ProbeResult(Result.SUCCESS, "greeted", phases, Duration.ofMillis(5),
        InetAddress.getLoopbackAddress(), "Thank You for Connecting", null, Instant.now());
  }
}
