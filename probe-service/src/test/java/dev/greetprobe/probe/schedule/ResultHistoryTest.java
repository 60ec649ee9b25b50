package dev.greetprobe.probe.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

class ResultHistoryTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void keepsTheLastResultsOldestFirstTheNewestReplacingTheOldest() {
    ResultHistory history = new ResultHistory(3);
    for (int i = 0; i < 5; i++) {
      history.record(result(i % 2 == 0 ? Result.SUCCESS : Result.CONNECT_REFUSED, i, Duration.ofMillis(10 + i)));
    }

    ResultHistory.Snapshot snapshot = history.snapshot();

    assertThat(snapshot.size()).isEqualTo(3);
    assertThat(IntStream.range(0, 3).mapToObj(snapshot::finishedAt).toList())
        .containsExactly(START.plusSeconds(2), START.plusSeconds(3), START.plusSeconds(4));
    assertThat(IntStream.range(0, 3).mapToObj(snapshot::result).toList())
        .containsExactly(Result.SUCCESS, Result.CONNECT_REFUSED, Result.SUCCESS);
    assertThat(IntStream.range(0, 3).mapToObj(snapshot::duration).toList())
        .containsExactly(Duration.ofMillis(12), Duration.ofMillis(13), Duration.ofMillis(14));
  }

  @Test
  void aSnapshotStaysAsItWasWhileTheHistoryGoesOn() {
    ResultHistory history = new ResultHistory(2);
    history.record(result(Result.SUCCESS, 0, Duration.ofMillis(1)));
    ResultHistory.Snapshot before = history.snapshot();

    history.record(result(Result.READ_TIMEOUT, 1, Duration.ofMillis(2)));
    history.record(result(Result.READ_TIMEOUT, 2, Duration.ofMillis(3)));

    assertThat(before.size()).isEqualTo(1);
    assertThat(before.result(0)).isEqualTo(Result.SUCCESS);
  }

  @Test
  void sumsUpTheSuccessRatioAndPercentilesOverWhatItHolds() {
    ResultHistory history = new ResultHistory(60);
    assertThat(history.snapshot().successRatio()).isNaN();
    assertThat(history.snapshot().percentile(0.5)).isNull();

    for (int i = 1; i <= 100; i++) {
      history.record(result(i % 4 == 0 ? Result.CLOSED_EARLY : Result.SUCCESS, i, Duration.ofMillis(i)));
    }
    ResultHistory.Snapshot last60 = history.snapshot();

    assertThat(last60.successRatio()).as("15 of results 41..100 closed early").isEqualTo(45 / 60.0);
    assertThat(last60.percentile(0.5)).isEqualTo(Duration.ofMillis(70));
    assertThat(last60.percentile(0.99)).isEqualTo(Duration.ofMillis(100));
    assertThat(last60.percentile(0)).isEqualTo(Duration.ofMillis(41));
  }

  @Test
  void keepsDurationsToTheMicrosecond() {
    ResultHistory history = new ResultHistory(1);
    history.record(result(Result.SUCCESS, 0, Duration.ofNanos(1_234_567)));

    assertThat(history.snapshot().duration(0)).isEqualTo(Duration.ofNanos(1_234_000));
  }

  @Test
  void holdsAtLeastOneResult() {
    assertThatThrownBy(() -> new ResultHistory(0)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * What docs/probe.md states a target's full default history costs: three arrays and the ring around them, no object
   * per result, measured as the heap lays it out.
   */
  @Test
  void aFullDefaultHistoryTakesUnderAKibibyteOfHeap() {
    int n = ProbeConfig.Status.DEFAULT.history();
    ResultHistory history = new ResultHistory(n);
    for (int i = 0; i < 3 * n; i++) {
      history.record(result(i % 7 == 0 ? Result.READ_TIMEOUT : Result.SUCCESS, i, Duration.ofMillis(i)));
    }

    long bytes = GraphLayout.parseInstance(history).totalSize();

    assertThat(GraphLayout.parseInstance(history).totalCount()).as("objects: the ring and its three arrays")
        .isEqualTo(4);
    assertThat(bytes).as("bytes of a full history of %d results", n)
        .isLessThanOrEqualTo(ResultHistory.bytes(n))
        .isLessThan(1024);
  }

  private static ProbeResult result(Result result, int second, Duration duration) {
    return new ProbeResult(result, "", Map.of(), duration, null, null, null, START.plusSeconds(second));
  }
}
