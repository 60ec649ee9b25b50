package dev.greetprobe.probe;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Probes one target every interval, at a fixed offset into the interval, on one event loop. A probe still running
 * when the next is due makes that run skip (and count it) rather than overlap.
 */
final class TargetSchedule {

  private final Vertx vertx;
  private final Context context;
  private final Target target;
  private final Prober prober;
  private final ProbeMetrics metrics;
  private final ProbeMetrics.TargetMeters meters;
  private final AtomicInteger liveTimers;
  private long timer = -1;
  private long dueNanos;
  private boolean running;
  private boolean stopped;
  private volatile ProbeResult last;

  TargetSchedule(Vertx vertx, Context context, Target target, Prober prober, ProbeMetrics metrics,
      ProbeMetrics.TargetMeters meters, AtomicInteger liveTimers) {
    this.vertx = vertx;
    this.context = context;
    this.target = target;
    this.prober = prober;
    this.metrics = metrics;
    this.meters = meters;
    this.liveTimers = liveTimers;
  }

  /** Starts probing {@code offsetMillis} from now, then every interval. */
  Future<Void> start(long offsetMillis) {
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> {
      long delay = Math.max(1, offsetMillis);
      dueNanos = System.nanoTime() + delay * 1_000_000;
      timer = vertx.setPeriodic(delay, target.interval().toMillis(), id -> tick());
      liveTimers.incrementAndGet();
      started.complete();
    });
    return started.future();
  }

  /** Stops the timer; a probe in flight finishes but is not recorded. Once the future completes, no probe starts. */
  Future<Void> stop() {
    Promise<Void> stoppedPromise = Promise.promise();
    context.runOnContext(v -> {
      stopped = true;
      if (vertx.cancelTimer(timer)) {
        liveTimers.decrementAndGet();
      }
      stoppedPromise.complete();
    });
    return stoppedPromise.future();
  }

  private void tick() {
    if (stopped) {
      return; // a run already queued on this loop when the timer was cancelled
    }
    long now = System.nanoTime();
    metrics.lateness(now - dueNanos);
    dueNanos += target.interval().toNanos();
    if (running) {
      meters.skipped();
      return;
    }
    running = true;
    prober.probe(target).onSuccess(result -> {
      running = false;
      if (!stopped) {
        meters.record(result);
        last = result;
      }
    });
  }

  Target target() {
    return target;
  }

  ProbeMetrics.TargetMeters meters() {
    return meters;
  }

  /** The last recorded result, or null before the first probe ends. */
  ProbeResult last() {
    return last;
  }
}
