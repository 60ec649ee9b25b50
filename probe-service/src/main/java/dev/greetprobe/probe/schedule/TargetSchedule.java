package dev.greetprobe.probe.schedule;

import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.metrics.ProbeMetrics;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Prober;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Probes one target every interval, in its slot of a {@link SlotGrid}, on the context of the {@link ProbeVerticle}
 * that owns it: started, ticked and stopped there only. A probe still running when the next is due makes that run
 * skip (and count it) rather than overlap.
 *
 * <p>Vert.x's periodic timer runs at a fixed rate, in milliseconds from the moment it is set: the first delay is
 * rounded up to the next millisecond, and a verticle starts the schedules of one reload with one reading of the clock,
 * so the targets of a slot are due on the same loop wake-up.
 */
public final class TargetSchedule {

  private final Target target;
  private final ProbeMetrics metrics;
  private final ProbeMetrics.TargetMeters meters;
  private final AtomicInteger liveTimers;
  private final ResultHistory history;
  /** Which of the scheduler's verticles owns the schedule: its slot's. */
  private final int verticle;
  private Vertx vertx;
  private Prober prober;
  private long timer = -1;
  private long dueNanos;
  private boolean running;
  private boolean stopped;
  private volatile ProbeResult last;

  TargetSchedule(Target target, int verticle, ProbeMetrics metrics, ProbeMetrics.TargetMeters meters,
      AtomicInteger liveTimers, int history) {
    this.target = target;
    this.history = new ResultHistory(history);
    this.verticle = verticle;
    this.metrics = metrics;
    this.meters = meters;
    this.liveTimers = liveTimers;
  }

  /** On the owning verticle's context: starts probing at the target's next run on the grid, then every interval. */
  void start(Vertx vertx, Prober prober, SlotGrid grid, long nowNanos) {
    this.vertx = vertx;
    this.prober = prober;
    dueNanos = grid.firstRun(target, nowNanos);
    long delayMillis = TimeUnit.NANOSECONDS.toMillis(dueNanos - nowNanos + TimeUnit.MILLISECONDS.toNanos(1) - 1);
    timer = vertx.setPeriodic(delayMillis, target.interval().toMillis(), id -> tick());
    liveTimers.incrementAndGet();
  }

  /** On the owning verticle's context: a probe in flight finishes but is not recorded, and none starts after. */
  void stop() {
    stopped = true;
    if (timer >= 0 && vertx.cancelTimer(timer)) {
      liveTimers.decrementAndGet();
    }
  }

  private void tick() {
    if (stopped) {
      return;
    }
    long now = System.nanoTime();
    metrics.lateness(now - dueNanos);
    dueNanos += target.interval().toNanos();
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
        last = result;
      }
    });
  }

  /**
   * A prober reports every failure of the target as a result; one that throws or fails its future has a fault of its
   * own. That is recorded as such, so that the schedule sees the probe end and probes again at the next run.
   */
  private Future<ProbeResult> probe(long startNanos) {
    return Future.succeededFuture(target).compose(prober::probe)
        .otherwise(cause -> ProbeResult.internalError(cause, Duration.ofNanos(System.nanoTime() - startNanos)));
  }

  public Target target() {
    return target;
  }

  int verticle() {
    return verticle;
  }

  ProbeMetrics.TargetMeters meters() {
    return meters;
  }

  /** The last results recorded, as long as the schedule runs: a changed target's new schedule starts a new one. */
  public ResultHistory history() {
    return history;
  }

  /** The last recorded result, or null before the first probe ends. */
  public ProbeResult last() {
    return last;
  }
}
