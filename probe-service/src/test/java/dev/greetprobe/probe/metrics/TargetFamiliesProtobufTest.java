package dev.greetprobe.probe.metrics;

import static dev.greetprobe.probe.config.TestTargets.target;
import static dev.greetprobe.probe.metrics.GreetingResults.failed;
import static dev.greetprobe.probe.metrics.GreetingResults.greeted;
import static dev.greetprobe.probe.metrics.GreetingResults.greeter;
import static dev.greetprobe.probe.metrics.GreetingResults.greetedOverTls;
import static dev.greetprobe.probe.metrics.GreetingResults.labelledTargets;
import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.common.Histograms;
import dev.greetprobe.probe.net.Result;
import dev.greetprobe.testkit.ProtobufScrape;
import io.prometheus.metrics.expositionformats.PrometheusProtobufWriter;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.Histogram;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The per-target families in protobuf are, byte for byte, what the Prometheus client writes from their snapshots. */
class TargetFamiliesProtobufTest {

  @ParameterizedTest
  @EnumSource(Histograms.class)
  void manyTargetsWithTheirProbesAreWrittenAsTheClientWritesThem(Histograms mode) throws Exception {
    TargetFamilies families = new TargetFamilies(mode);
    for (int i = 0; i < 40; i++) {
      TargetMeters meters = families.add(greeter("127.0.0.1:" + (10_000 + i), "greeter-" + i).build());
      for (int k = 0; k < i; k++) {
        meters.record(greeted(Duration.ofNanos(1_000L << (k % 28))));
      }
    }
    families.add(target("127.0.0.1:1").name("refused").build())
        .record(failed(Result.CONNECT_REFUSED, Duration.ofNanos(123_456)));

    byte[] ours = ours(families);

    assertThat(ours).isEqualTo(clients(families));
    Histogram connect = ProtobufScrape.parse(ours).histogram("probe_phase_duration_seconds",
        Map.of("phase", "connect", "target", "greeter-39"));
    assertThat(connect.getSampleCount()).isEqualTo(39);
    // Durations a doubling apart leave gaps between their native buckets: many spans.
    assertThat(connect.getPositiveSpanCount() > 1).isEqualTo(mode != Histograms.CLASSIC);
  }

  @ParameterizedTest
  @EnumSource(Histograms.class)
  void nativeBucketsOneToFourEmptyBucketsApartAreSpannedAsTheClientSpansThem(Histograms mode) throws Exception {
    TargetFamilies families = new TargetFamilies(mode);
    TargetMeters meters = families.add(greeter("127.0.0.1:1", "gaps").build());
    // Mid-bucket at the native schema: bucket 0, then 1, 2, 3 and 4 empty buckets before the next. The first two gaps
    // stay in the span, and each longer one starts a span.
    for (int bucket : new int[] {0, 2, 5, 9, 14}) {
      double seconds = 0.001 * Math.pow(2, (bucket + 0.5) / (1 << PhaseHistogram.SCHEMA));
      meters.record(greeted(Duration.ofNanos(Math.round(seconds * 1e9))));
    }

    byte[] ours = ours(families);

    assertThat(ours).isEqualTo(clients(families));
    Histogram connect = ProtobufScrape.parse(ours).histogram("probe_phase_duration_seconds",
        Map.of("phase", "connect", "target", "gaps"));
    assertThat(connect.getPositiveSpanCount()).isEqualTo(mode == Histograms.CLASSIC ? 0 : 3);
  }

  @ParameterizedTest
  @EnumSource(Histograms.class)
  void aTlsTargetHasItsTlsPhaseAndCertificateExpiry(Histograms mode) throws Exception {
    TargetFamilies families = new TargetFamilies(mode);
    families.add(greeter("127.0.0.1:443", "plain").build()).record(greeted(Duration.ofMillis(2)));
    TargetMeters tls = families.add(greeter("127.0.0.1:8443", "tls").tls("greeter.local", null, true).build());
    tls.record(greetedOverTls(Duration.ofMillis(4), Instant.ofEpochSecond(1_900_000_000, 5)));

    byte[] ours = ours(families);

    assertThat(ours).isEqualTo(clients(families));
    ProtobufScrape scrape = ProtobufScrape.parse(ours);
    assertThat(scrape.histogram("probe_phase_duration_seconds", Map.of("phase", "tls", "target", "tls"))
        .getSampleCount()).isEqualTo(1);
    assertThat(scrape.family("probe_ssl_earliest_cert_expiry").getMetricList()).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(Histograms.class)
  void aNameOfAnyCharactersIsWrittenAsItIs(Histograms mode) throws Exception {
    TargetFamilies families = new TargetFamilies(mode);
    String name = "quote\" back\\slash new\nline Grüße 问候";
    families.add(greeter("127.0.0.1:1", name).build()).record(greeted(Duration.ofMillis(1)));

    byte[] ours = ours(families);

    assertThat(ours).isEqualTo(clients(families));
    assertThat(ProtobufScrape.parse(ours).series(labels -> name.equals(labels.get("target")))).isPositive();
  }

  @ParameterizedTest
  @EnumSource(Histograms.class)
  void noTargetsWriteNothing(Histograms mode) throws Exception {
    TargetFamilies families = new TargetFamilies(mode);

    assertThat(ours(families)).isEmpty();
    assertThat(clients(families)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Histograms.class)
  void aRemovedTargetIsNotWritten(Histograms mode) throws Exception {
    TargetFamilies families = new TargetFamilies(mode);
    families.add(greeter("127.0.0.1:1", "kept").build()).record(greeted(Duration.ofMillis(1)));
    families.add(greeter("127.0.0.1:2", "removed").build()).remove();

    byte[] ours = ours(families);

    assertThat(ours).isEqualTo(clients(families));
    assertThat(ProtobufScrape.parse(ours).series(labels -> "removed".equals(labels.get("target")))).isZero();
  }

  @ParameterizedTest
  @EnumSource(Histograms.class)
  void aTargetsOwnLabelsAreOnEveryOneOfItsSeries(Histograms mode) throws Exception {
    TargetFamilies families = labelledTargets(mode);

    byte[] ours = ours(families);

    assertThat(ours).isEqualTo(clients(families));
    ProtobufScrape scrape = ProtobufScrape.parse(ours);
    int all = scrape.series(labels -> true);
    assertThat(all).isPositive();
    assertThat(scrape.series(labels -> labels.containsKey("app") && labels.containsKey("team"))).isEqualTo(all);
    assertThat(scrape.histogram("probe_phase_duration_seconds",
        Map.of("app", "web", "phase", "connect", "target", "c", "team", "quote\" back\\slash new\nline <b>"))
        .getSampleCount()).isEqualTo(1);
  }

  private static byte[] ours(TargetFamilies families) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TargetFamiliesProtobuf.write(families.values(), out);
    return out.toByteArray();
  }

  private static byte[] clients(TargetFamilies families) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PrometheusProtobufWriter().write(out, families.collect());
    return out.toByteArray();
  }
}
