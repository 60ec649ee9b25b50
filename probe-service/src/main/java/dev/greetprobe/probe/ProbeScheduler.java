package dev.greetprobe.probe;

import dev.greetprobe.common.Instrumentation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one {@link TargetSchedule} per target, the targets of each slot of the {@link SlotGrid} on one event loop and
 * the slots spread over all loops, and applies a new target list as a diff: unchanged targets keep their schedule and
 * series, changed ones restart (their series start again from zero), removed ones stop and lose their series. Not
 * thread-safe: one caller at a time applies, and the next apply waits for the last one's future; {@link #schedules()}
 * may be read from any thread.
 */
public final class ProbeScheduler {

  private final Prober prober;
  private final ProbeMetrics metrics;
  private final List<ContextInternal> loops = new ArrayList<>();
  private final Map<String, TargetSchedule> schedules = new LinkedHashMap<>();
  private final AtomicInteger liveTimers = new AtomicInteger();
  private volatile List<TargetSchedule> view = List.of();

  public ProbeScheduler(Vertx vertx, Prober prober, ProbeMetrics metrics) {
    this.prober = prober;
    this.metrics = metrics;
    // One context per event loop, each made on the next loop. The public getOrCreateContext() cannot do this: off
    // Vert.x threads it hands the same context back every time, which would put every target on one loop.
    for (int i = 0; i < Instrumentation.EVENT_LOOPS; i++) {
      loops.add(((VertxInternal) vertx).createEventLoopContext());
    }
  }

  /** What {@link #apply} changed. */
  public record Diff(List<String> added, List<String> changed, List<String> removed, int unchanged) {
  }

  public Future<Diff> apply(List<Target> targets) {
    Map<String, Target> wanted = new LinkedHashMap<>();
    targets.forEach(t -> wanted.put(t.name(), t));
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<Future<Void>> steps = new ArrayList<>();
    int unchanged = 0;
    SlotGrid grid = SlotGrid.of(targets);

    for (var it = schedules.entrySet().iterator(); it.hasNext();) {
      var entry = it.next();
      Target next = wanted.get(entry.getKey());
      if (next == null || !next.equals(entry.getValue().target())) {
        TargetSchedule old = entry.getValue();
        // Before a changed target registers again: the registry would hand it these same meters, then lose them.
        old.meters().remove();
        steps.add(old.stop());
        it.remove();
        (next == null ? removed : changed).add(entry.getKey());
      }
    }
    for (Target target : targets) {
      if (schedules.containsKey(target.name())) {
        unchanged++;
        continue;
      }
      if (!changed.contains(target.name())) {
        added.add(target.name());
      }
      TargetSchedule schedule = new TargetSchedule(loopFor(grid.slot(target)), target, prober, metrics,
          metrics.register(target), liveTimers);
      schedules.put(target.name(), schedule);
      steps.add(schedule.start(grid));
    }
    view = List.copyOf(schedules.values());
    Diff diff = new Diff(List.copyOf(added), List.copyOf(changed), List.copyOf(removed), unchanged);
    return Future.all(steps).map(diff);
  }

  /** Stops every schedule. */
  public Future<Void> stop() {
    List<Future<Void>> steps = schedules.values().stream().map(TargetSchedule::stop).toList();
    return Future.all(steps).mapEmpty();
  }

  public List<TargetSchedule> schedules() {
    return view;
  }

  /** Periodic timers set and not yet cancelled: one per schedule, or a reload lost or duplicated one. */
  int liveTimers() {
    return liveTimers.get();
  }

  private ContextInternal loopFor(long slot) {
    return loops.get(Math.floorMod(slot, loops.size()));
  }
}
