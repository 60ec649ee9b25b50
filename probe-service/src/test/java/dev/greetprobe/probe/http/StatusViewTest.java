package dev.greetprobe.probe.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How the page writes times and durations. */
class StatusViewTest {

  @Test
  void durationsReadInMillisecondsToThreeFiguresAndInSecondsFromTen() {
    assertThat(StatusView.millis(Duration.ZERO)).isEqualTo("0.00 ms");
    assertThat(StatusView.millis(Duration.ofNanos(420_000))).isEqualTo("0.42 ms");
    assertThat(StatusView.millis(Duration.ofNanos(1_005_000))).isEqualTo("1.01 ms");
    assertThat(StatusView.millis(Duration.ofNanos(9_999_000))).isEqualTo("10.00 ms");
    assertThat(StatusView.millis(Duration.ofNanos(12_340_000))).isEqualTo("12.3 ms");
    assertThat(StatusView.millis(Duration.ofNanos(123_400_000))).isEqualTo("123 ms");
    assertThat(StatusView.millis(Duration.ofMillis(9_999))).isEqualTo("9999 ms");
    assertThat(StatusView.millis(Duration.ofMillis(12_345))).isEqualTo("12.3 s");
  }

  @Test
  void timesOfDayAreUtcToTheSecond() {
    assertThat(StatusView.time(Instant.parse("2026-12-02T09:05:07.999Z"))).isEqualTo("09:05:07Z");
    assertThat(StatusView.time(Instant.parse("1969-12-31T23:59:59Z"))).isEqualTo("23:59:59Z");
    assertThat(StatusView.dateTime(Instant.parse("2026-12-02T09:05:07Z"))).isEqualTo("2026-12-02 09:05:07Z");
  }
}
