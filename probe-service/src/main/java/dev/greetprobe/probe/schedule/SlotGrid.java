package dev.greetprobe.probe.schedule;

import dev.greetprobe.probe.config.StableHash;
import dev.greetprobe.probe.config.Target;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * When each target's probes run. A target runs every interval at a phase fixed by its name, rounded down to a slot of
 * this grid; the grid's origin is the same for the whole process, so targets of one slot are due to the nanosecond,
 * and each slot belongs to one event loop. The targets of a slot then start on one wake-up of one loop: waking an
 * idle loop costs more than starting a probe.
 *
 * <p>The slot is as narrow as still holds {@link #PROBES_PER_SLOT} probes at the given rate. Wider, and the last
 * probe of a slot would start later and see its connect stretched by the time it takes the loop to start the others.
 * Widths come from a short ladder, so that a reload adding or removing a few targets keeps the width, and new targets
 * share slots with the running ones.
 *
 * @param slotNanos the width of a slot
 */
record SlotGrid(long slotNanos) {

  /**
   * More probes a slot cost less CPU but stretch the connect time the last probes of a slot measure; this is where the
   * two were traded, on loopback, where a connect is the shortest and the stretch shows most.
   */
  static final int PROBES_PER_SLOT = 8;
  private static final long[] WIDTHS_MILLIS = {1, 2, 5, 10, 20, 50, 100};
  /** The grid's origin, the same for every schedule of the process. */
  private static final long ORIGIN = System.nanoTime();

  SlotGrid {
    if (slotNanos <= 0) {
      throw new IllegalArgumentException("slotNanos must be positive, got " + slotNanos);
    }
  }

  /** The grid for these targets: the narrowest width whose slots hold {@link #PROBES_PER_SLOT} of their probes. */
  static SlotGrid of(List<Target> targets) {
    double probesPerSecond = targets.stream().mapToDouble(t -> 1e9 / t.interval().toNanos()).sum();
    for (long millis : WIDTHS_MILLIS) {
      if (probesPerSecond * millis / 1000 >= PROBES_PER_SLOT) {
        return new SlotGrid(TimeUnit.MILLISECONDS.toNanos(millis));
      }
    }
    return new SlotGrid(TimeUnit.MILLISECONDS.toNanos(WIDTHS_MILLIS[WIDTHS_MILLIS.length - 1]));
  }

  /** The target's slot within its interval: stable across restarts, so that targets keep their place and loop. */
  long slot(Target target) {
    long intervalNanos = target.interval().toNanos();
    long offset = Math.floorMod(StableHash.of(target.name() + "/offset"), intervalNanos);
    return offset / slotNanos;
  }

  /** The target's first run at or after {@code nowNanos}: its slot's start, plus whole intervals from the origin. */
  long firstRun(Target target, long nowNanos) {
    long intervalNanos = target.interval().toNanos();
    long phase = ORIGIN + slot(target) * slotNanos;
    return phase + Math.floorDiv(nowNanos - phase + intervalNanos - 1, intervalNanos) * intervalNanos;
  }
}
