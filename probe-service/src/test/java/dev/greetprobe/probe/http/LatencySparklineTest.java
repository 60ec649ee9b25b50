package dev.greetprobe.probe.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import dev.greetprobe.probe.schedule.ResultHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The line of a target's probe durations under the strip of its results, and what it says in words. */
class LatencySparklineTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration INTERVAL = Duration.ofSeconds(10);

  @Test
  void eachProbeIsAPointUnderItsCellTheSlowestAtTheTopAndNoneAtTheBottom() {
    ResultHistory history = new ResultHistory(5);
    record(history, Result.SUCCESS, 0, Duration.ofMillis(10));
    record(history, Result.SUCCESS, 1, Duration.ofMillis(5));
    record(history, Result.READ_TIMEOUT, 2, Duration.ofMillis(20));

    LatencySparkline line = LatencySparkline.of(history.snapshot(), history.capacity(), INTERVAL);

    assertThat(line.width()).as("the strip's width, room for a full history").isEqualTo(5 * StatusView.CELL_PITCH);
    assertThat(line.points()).as("the newest on the right, each under the middle of its cell")
        .isEqualTo("9.5,10 13.5,15 17.5,1");
    assertThat(line.p50Y()).isEqualTo(10);
    assertThat(line.p99Y()).isEqualTo(1);
  }

  @Test
  void itsLabelNamesTheProbesTheTimeTheyCoverAndTheirMedianAndNinetyNinthPercentile() {
    ResultHistory history = new ResultHistory(60);
    for (int i = 0; i < 60; i++) {
      record(history, Result.SUCCESS, i, Duration.ofMillis(i < 59 ? 12 : 40));
    }

    assertThat(LatencySparkline.of(history.snapshot(), history.capacity(), INTERVAL).label())
        .isEqualTo("last 60 probes, 10 min: p50 12.0 ms, p99 40.0 ms");
  }

  @Test
  void oneProbeIsTheLastProbeAndNoneIsSaidSoWithNoLine() {
    ResultHistory history = new ResultHistory(60);
    LatencySparkline none = LatencySparkline.of(history.snapshot(), history.capacity(), INTERVAL);
    record(history, Result.SUCCESS, 0, Duration.ofNanos(420_000));
    LatencySparkline one = LatencySparkline.of(history.snapshot(), history.capacity(), INTERVAL);

    assertThat(none.points()).isEmpty();
    assertThat(none.label()).isEqualTo("no probe yet");
    assertThat(one.label()).isEqualTo("last probe, 10 s: p50 0.42 ms, p99 0.42 ms");
  }

  private static void record(ResultHistory history, Result result, int second, Duration duration) {
    history.record(new ProbeResult(result, "", Map.of(), duration, null, null, null,
        START.plus(INTERVAL.multipliedBy(second))));
  }
}
