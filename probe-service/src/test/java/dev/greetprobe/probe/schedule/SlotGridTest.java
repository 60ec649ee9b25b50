package dev.greetprobe.probe.schedule;

import static dev.greetprobe.probe.config.TestTargets.target;
import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.probe.config.Target;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SlotGridTest {

  private static final long MS = 1_000_000L;

  @Test
  void theSlotIsTheNarrowestWidthThatHoldsEightProbes() {
    assertThat(SlotGrid.of(targets(5_000, Duration.ofSeconds(1))).slotNanos()).isEqualTo(2 * MS);
    assertThat(SlotGrid.of(targets(1_000, Duration.ofSeconds(1))).slotNanos()).isEqualTo(10 * MS);
    assertThat(SlotGrid.of(targets(1_000, Duration.ofSeconds(10))).slotNanos()).as("100 probes/s").isEqualTo(100 * MS);
    assertThat(SlotGrid.of(targets(200_000, Duration.ofSeconds(1))).slotNanos()).as("the narrowest").isEqualTo(MS);
  }

  @Test
  void fewTargetsShareTheWidestSlots() {
    assertThat(SlotGrid.of(targets(1, Duration.ofSeconds(1))).slotNanos()).isEqualTo(100 * MS);
    assertThat(SlotGrid.of(List.of()).slotNanos()).isEqualTo(100 * MS);
  }

  @Test
  void aReloadOfAFewTargetsKeepsTheWidth() {
    assertThat(SlotGrid.of(targets(1_010, Duration.ofSeconds(1))))
        .isEqualTo(SlotGrid.of(targets(900, Duration.ofSeconds(1))));
  }

  @Test
  void aTargetsSlotIsStableAndInsideItsInterval() {
    SlotGrid grid = new SlotGrid(10 * MS);
    for (Target t : targets(1_000, Duration.ofSeconds(1))) {
      assertThat(grid.slot(t)).isEqualTo(new SlotGrid(10 * MS).slot(t)).isBetween(0L, 99L);
    }
  }

  @Test
  void aTargetRunsAtItsSlotEveryInterval() {
    SlotGrid grid = new SlotGrid(10 * MS);
    Target t = target("127.0.0.1:1").name("a").interval(Duration.ofSeconds(1)).build();
    long now = System.nanoTime();

    long first = grid.firstRun(t, now);

    assertThat(first).isBetween(now, now + 1_000 * MS - 1);
    assertThat(grid.firstRun(t, first)).as("a run due now is the first").isEqualTo(first);
    assertThat(grid.firstRun(t, first + 1)).as("just after, the next interval").isEqualTo(first + 1_000 * MS);
  }

  /** So one wake-up of one loop starts them all. */
  @Test
  void targetsOfOneSlotAreDueAtTheSameNanosecond() {
    SlotGrid grid = new SlotGrid(100 * MS);
    List<Target> ten = targets(100, Duration.ofSeconds(1)).stream().filter(t -> grid.slot(t) == 3).toList();
    long now = System.nanoTime();

    assertThat(ten).hasSizeGreaterThan(1);
    assertThat(ten.stream().map(t -> grid.firstRun(t, now)).distinct()).hasSize(1);
  }

  @Test
  void targetsStartedLaterJoinTheSlotsOfTheRunningOnes() {
    SlotGrid grid = new SlotGrid(100 * MS);
    Target t = target("127.0.0.1:1").name("a").interval(Duration.ofSeconds(1)).build();
    Target twoSeconds = target("127.0.0.1:1").name("a").interval(Duration.ofSeconds(2)).build();
    long now = System.nanoTime();

    long later = grid.firstRun(t, now + 7_300 * MS);

    assertThat((later - grid.firstRun(t, now)) % (1_000 * MS)).isZero();
    assertThat(grid.firstRun(twoSeconds, now) % (100 * MS)).as("every interval's runs on the same grid")
        .isEqualTo(grid.firstRun(t, now) % (100 * MS));
  }

  private static List<Target> targets(int n, Duration interval) {
    return IntStream.range(0, n).mapToObj(i -> target("127.0.0.1:1").name("t" + i).interval(interval).build()).toList();
  }
}
