package dev.greetprobe.probe.schedule;

import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.metrics.ProbeMetrics;
import dev.greetprobe.probe.metrics.TargetMeters;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Prober;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Probes one target every interval, in its slot of a {@link SlotGrid}, on the context of the {@link ProbeVerticle}
 * that owns it: started, ticked and stopped there only. A probe still running when the next is due makes that run
 * skip (and count it) rather than overlap.
 *
 * <p>Its runs are instants of the grid, to the nanosecond, and it waits for each on its verticle's {@link Wakes}: the
 * targets of a slot are then due on the same wake-up of the loop.
 */
public final class TargetSchedule {

  private final Target target;
  private final ProbeMetrics metrics;
  private final TargetMeters meters;
  private final AtomicInteger waitingSchedules;
  private final ResultHistory history;
  private final StateChanges changes;
  private final UptimeRollup uptime;
  /** Which of the scheduler's verticles owns the schedule: its slot's. */
  private final int verticle;
  /** What this schedule waits on its wake-ups with: one object, so that it can be taken out again. */
  private final Runnable run = this::tick;
  private Wakes wakes;
  private Prober prober;
  private long dueNanos;
  private boolean running;
  private boolean stopped;
  private volatile ProbeResult last;

  TargetSchedule(Target target, int verticle, ProbeMetrics metrics, TargetMeters meters,
      AtomicInteger waitingSchedules, int history) {
    this.target = target;
    this.history = new ResultHistory(history);
    Instant scheduled = Instant.now();
    this.changes = new StateChanges(scheduled);
    this.uptime = new UptimeRollup(scheduled);
    this.verticle = verticle;
    this.metrics = metrics;
    this.meters = meters;
    this.waitingSchedules = waitingSchedules;
  }

  /** On the owning verticle's context: starts probing at the target's next run on the grid, then every interval. */
  void start(Wakes wakes, Prober prober, SlotGrid grid, long nowNanos) {
    this.wakes = wakes;
    this.prober = prober;
    dueNanos = grid.firstRun(target, nowNanos);
    wakes.at(dueNanos, run);
    waitingSchedules.incrementAndGet();
  }

  /** On the owning verticle's context: a probe in flight finishes but is not recorded, and none starts after. */
  void stop() {
    // Started and not yet stopped: it waits on its wake-up for the next run.
    if (wakes != null && !stopped) {
      wakes.cancel(dueNanos, run);
      waitingSchedules.decrementAndGet();
    }
    stopped = true;
  }

  /** On the owning verticle's context, at {@link #dueNanos}: probes, and waits for the next run. */
  private void tick() {
    if (stopped) {
      return;
    }
    long now = System.nanoTime();
    metrics.lateness(now - dueNanos);
    dueNanos += target.interval().toNanos();
    wakes.at(dueNanos, run);
    if (running) {
      meters.skipped();
      return;
    }
    running = true;
    probe(now).onSuccess(result -> {
      running = false;
      if (!stopped) {
        meters.record(result);
        history.record(result);
        changes.record(result);
        uptime.record(result);
        last = result;
      }
    });
  }

  /**
   * A prober reports every failure of the target as a result; one that throws or fails its future has a fault of its
   * own. That is recorded as such, so that the schedule sees the probe end and probes again at the next run.
   */
  private Future<ProbeResult> probe(long startNanos) {
    Future<ProbeResult> probed;
    try {
      probed = prober.probe(target);
    } catch (RuntimeException e) {
      probed = Future.failedFuture(e);
    }
    return probed.otherwise(cause ->
        ProbeResult.internalError(cause, Duration.ofNanos(System.nanoTime() - startNanos)));
  }

  public Target target() {
    return target;
  }

  int verticle() {
    return verticle;
  }

  TargetMeters meters() {
    return meters;
  }

  /** The last results recorded, as long as the schedule runs: a changed target's new schedule starts a new one. */
  public ResultHistory history() {
    return history;
  }

  /** Whether the target is up or down since when, and its last changes, as long as the schedule runs. */
  public StateChanges changes() {
    return changes;
  }

  /** Its uptime over the last hour, day and week, counted since the schedule started. */
  public UptimeRollup uptime() {
    return uptime;
  }

  /** What a schedule keeps of its target's past beside its series: its history, changes and uptime. */
  public static long bytesKept(int history) {
    return ResultHistory.bytes(history) + StateChanges.BYTES + UptimeRollup.BYTES;
  }

  /** The last recorded result, or null before the first probe ends. */
  public ProbeResult last() {
    return last;
  }
}
