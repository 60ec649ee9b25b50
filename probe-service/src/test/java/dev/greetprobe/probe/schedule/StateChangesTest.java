package dev.greetprobe.probe.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateChangesTest {

  private static final Instant SCHEDULED = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void aTargetIsPendingSinceItWasScheduledUntilItsFirstProbeEnds() {
    StateChanges.Snapshot pending = new StateChanges(SCHEDULED).snapshot();

    assertThat(pending.state()).isEqualTo("pending");
    assertThat(pending.since()).isEqualTo(SCHEDULED);
    assertThat(pending.changes()).isEmpty();
  }

  @Test
  void aTargetIsDownSinceTheFirstFailureAfterASuccessWithTheLatestReason() {
    StateChanges changes = new StateChanges(SCHEDULED);
    changes.record(result(Result.SUCCESS, 10));
    changes.record(result(Result.SUCCESS, 20));
    changes.record(result(Result.CONNECT_REFUSED, 30));
    changes.record(result(Result.CONNECT_TIMEOUT, 40));

    StateChanges.Snapshot down = changes.snapshot();
    assertThat(down.state()).isEqualTo("down");
    assertThat(down.latest()).isEqualTo(Result.CONNECT_TIMEOUT);
    assertThat(down.since()).isEqualTo(SCHEDULED.plusSeconds(30));
    assertThat(down.changes()).extracting(StateChanges.Change::state).containsExactly("up", "down");
    assertThat(down.changes()).extracting(StateChanges.Change::to)
        .containsExactly(Result.SUCCESS, Result.CONNECT_REFUSED);
  }

  @Test
  void aFlappingTargetKeepsItsLastChangesTheOldestFirst() {
    StateChanges changes = new StateChanges(SCHEDULED);
    for (int second = 0; second < 3 * StateChanges.KEPT; second++) {
      changes.record(result(second % 2 == 0 ? Result.SUCCESS : Result.READ_TIMEOUT, second));
    }

    StateChanges.Snapshot flapping = changes.snapshot();
    assertThat(flapping.changes()).hasSize(StateChanges.KEPT);
    assertThat(flapping.changes().get(0).at()).isEqualTo(SCHEDULED.plusSeconds(2 * StateChanges.KEPT));
    assertThat(flapping.changes().get(StateChanges.KEPT - 1).at()).isEqualTo(flapping.since());
  }

  static ProbeResult result(Result result, long second) {
    return new ProbeResult(result, "", Map.of(), Duration.ofMillis(1), null, null, null, SCHEDULED.plusSeconds(second));
  }
}
