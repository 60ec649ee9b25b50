package dev.greetprobe.probe;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one {@link TargetSchedule} per target, spread over all event loops, and applies a new target list as a diff:
 * unchanged targets keep their schedule and series, changed ones restart, removed ones stop and lose their series.
 * Not thread-safe: one caller at a time applies.
 */
public final class ProbeScheduler {

  private final Vertx vertx;
  private final Prober prober;
  private final ProbeMetrics metrics;
  private final List<Context> loops = new ArrayList<>();
  private final Map<String, TargetSchedule> schedules = new LinkedHashMap<>();

  /** Must be built outside Vert.x threads: each context it makes lands on the next event loop. */
  public ProbeScheduler(Vertx vertx, Prober prober, ProbeMetrics metrics) {
    this.vertx = vertx;
    this.prober = prober;
    this.metrics = metrics;
    for (int i = 0; i < VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE; i++) {
      loops.add(vertx.getOrCreateContext());
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

    for (var it = schedules.entrySet().iterator(); it.hasNext();) {
      var entry = it.next();
      Target next = wanted.get(entry.getKey());
      if (next == null || !next.equals(entry.getValue().target())) {
        TargetSchedule old = entry.getValue();
        steps.add(old.stop().onComplete(v -> old.meters().remove()));
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
      TargetSchedule schedule = new TargetSchedule(vertx, loopFor(target), target, prober, metrics,
          metrics.register(target));
      schedules.put(target.name(), schedule);
      steps.add(schedule.start(offsetMillis(target)));
    }
    Diff diff = new Diff(List.copyOf(added), List.copyOf(changed), List.copyOf(removed), unchanged);
    return Future.all(steps).map(diff);
  }

  /** Stops every schedule. */
  public Future<Void> stop() {
    List<Future<Void>> steps = schedules.values().stream().map(TargetSchedule::stop).toList();
    return Future.all(steps).mapEmpty();
  }

  public Collection<TargetSchedule> schedules() {
    return schedules.values();
  }

  private Context loopFor(Target target) {
    return loops.get(Math.floorMod(StableHash.of(target.name()), loops.size()));
  }

  /** A stable point in the interval, so targets spread out and keep their place across restarts. */
  static long offsetMillis(Target target) {
    return Math.floorMod(StableHash.of(target.name() + "/offset"), target.interval().toMillis());
  }
}
