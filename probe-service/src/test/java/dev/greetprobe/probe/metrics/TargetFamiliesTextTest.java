package dev.greetprobe.probe.metrics;

import static dev.greetprobe.probe.config.TestTargets.target;
import static dev.greetprobe.probe.metrics.GreetingResults.failed;
import static dev.greetprobe.probe.metrics.GreetingResults.greeted;
import static dev.greetprobe.probe.metrics.GreetingResults.greeter;
import static dev.greetprobe.probe.metrics.GreetingResults.greetedOverTls;
import static dev.greetprobe.probe.metrics.GreetingResults.labelledTargets;
import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.common.Histograms;
import dev.greetprobe.probe.config.TargetLabels;
import dev.greetprobe.probe.net.Result;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The per-target families in text are, byte for byte, what the Prometheus client writes from their snapshots. */
class TargetFamiliesTextTest {

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

    assertThat(ours(families)).isEqualTo(clients(families));
  }

  @ParameterizedTest
  @EnumSource(Histograms.class)
  void aTlsTargetHasItsTlsPhaseAndCertificateExpiry(Histograms mode) throws Exception {
    TargetFamilies families = new TargetFamilies(mode);
    families.add(greeter("127.0.0.1:443", "plain").build()).record(greeted(Duration.ofMillis(2)));
    TargetMeters tls = families.add(greeter("127.0.0.1:8443", "tls").tls("greeter.local", null, true).build());
    tls.record(greetedOverTls(Duration.ofMillis(4), Instant.ofEpochSecond(1_900_000_000, 5)));

    String text = ours(families);

    assertThat(text).isEqualTo(clients(families)).contains("phase=\"tls\"")
        .contains("probe_ssl_earliest_cert_expiry{target=\"tls\"}");
  }

  @ParameterizedTest
  @EnumSource(Histograms.class)
  void aNameThatTheFormatMustEscapeIsEscapedAsTheClientEscapesIt(Histograms mode) throws Exception {
    TargetFamilies families = new TargetFamilies(mode);
    families.add(greeter("127.0.0.1:1", "quote\" back\\slash new\nline Grüße 问候").build())
        .record(greeted(Duration.ofMillis(1)));

    assertThat(ours(families)).isEqualTo(clients(families)).contains("target=\"quote\\\" back\\\\slash new\\nline");
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

    assertThat(ours(families)).isEqualTo(clients(families)).doesNotContain("removed");
  }

  @ParameterizedTest
  @EnumSource(Histograms.class)
  void aTargetsOwnLabelsAreOnEveryOneOfItsSeriesAmongTheProbesOwnByName(Histograms mode) throws Exception {
    TargetFamilies families = labelledTargets(mode);

    String text = ours(families);

    assertThat(text).isEqualTo(clients(families));
    assertThat(text.lines().filter(line -> !line.startsWith("#")))
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line)
            .matches("probe_\\w+\\{app=\"(api|web)\",((phase|result)=\"\\w+\",)?target=\"[abcd]\","
                + "team=\".+\"(,le=\"[^\"]+\")?} \\S+"));
    assertThat(text).contains(
        "probe_success{app=\"web\",target=\"c\",team=\"quote\\\" back\\\\slash new\\nline <b>\"} 0.0");
  }

  /** {@link TargetLabels#MAX_SERIES}, by which the heap's budget counts a target's labels, is at least what it has. */
  @ParameterizedTest
  @EnumSource(Histograms.class)
  void aTargetHasAtMostTheSeriesItsLabelsAreBudgetedFor(Histograms mode) throws Exception {
    TargetFamilies families = new TargetFamilies(mode);
    families.add(greeter("127.0.0.1:1", "all").send("HELO\r\n").tls("all.local", null, true).build())
        .record(greetedOverTls(Duration.ofMillis(4), Instant.ofEpochSecond(1_900_000_000)));

    assertThat(ours(families).lines().filter(line -> !line.startsWith("#")).count())
        .isLessThanOrEqualTo(TargetLabels.MAX_SERIES);
  }

  private static String ours(TargetFamilies families) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TargetFamiliesText.write(families.values(), out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String clients(TargetFamilies families) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, families.collect());
    return out.toString(StandardCharsets.UTF_8);
  }
}
