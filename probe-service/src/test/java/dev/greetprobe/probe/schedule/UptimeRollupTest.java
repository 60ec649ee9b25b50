package dev.greetprobe.probe.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UptimeRollupTest {

  /** On the hour, so that the buckets' bounds fall on round times. */
  private static final Instant START = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void noProbeYetIsNoFigureInAnyWindowCountedSinceTheStart() {
    UptimeRollup.Snapshot empty = new UptimeRollup(START).snapshot(START.plusSeconds(60));

    assertThat(empty.countingSince()).isEqualTo(START);
    assertThat(empty.hour()).isNaN();
    assertThat(empty.day()).isNaN();
    assertThat(empty.week()).isNaN();
  }

  @Test
  void eachWindowCountsTheProbesOfItsOwnSpan() {
    UptimeRollup uptime = new UptimeRollup(START);
    // Two days down at a probe a minute, then a day up: the week sees a third up, the day all up.
    for (int minute = 0; minute < 3 * 24 * 60; minute++) {
      uptime.record(result(minute < 2 * 24 * 60 ? Result.CONNECT_REFUSED : Result.SUCCESS, minute));
    }
    // The last hour: half its probes fail.
    Instant now = START.plus(Duration.ofDays(3));
    for (int minute = 0; minute < 60; minute++) {
      uptime.record(result(minute % 2 == 0 ? Result.SUCCESS : Result.READ_TIMEOUT, 3 * 24 * 60 + minute));
    }

    UptimeRollup.Snapshot snapshot = uptime.snapshot(now.plus(Duration.ofMinutes(59)));
    assertThat(snapshot.hour()).isCloseTo(0.5, within(0.05));
    assertThat(snapshot.day()).isGreaterThan(0.95);
    assertThat(snapshot.week()).isCloseTo((24 * 60 + 30) / (3 * 24 * 60 + 60.0), within(0.01));
  }

  @Test
  void probesOlderThanAWindowLeaveItOnceTimePasses() {
    UptimeRollup uptime = new UptimeRollup(START);
    uptime.record(result(Result.CONNECT_REFUSED, 0));

    assertThat(uptime.snapshot(START.plus(Duration.ofMinutes(30))).hour()).isZero();
    assertThat(uptime.snapshot(START.plus(Duration.ofHours(2))).hour()).isNaN();
    assertThat(uptime.snapshot(START.plus(Duration.ofHours(2))).day()).isZero();
    assertThat(uptime.snapshot(START.plus(Duration.ofDays(8))).week()).isNaN();
  }

  @Test
  void itsCountsFitTheBudgetOfTwoKilobytesATarget() {
    assertThat(UptimeRollup.BYTES + StateChanges.BYTES).isLessThanOrEqualTo(2048);
  }

  private static ProbeResult result(Result result, long minute) {
    return new ProbeResult(result, "", Map.of(), Duration.ofMillis(1), null, null, null,
        START.plus(Duration.ofMinutes(minute)));
  }
}
