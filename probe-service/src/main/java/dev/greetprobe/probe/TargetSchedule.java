package dev.greetprobe.probe;

import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Probes one target every interval, in its slot of a {@link SlotGrid}, on one event loop. A probe still running
 * when the next is due makes that run skip (and count it) rather than overlap.
 *
 * <p>Runs are due to the nanosecond, so the targets of a slot start on one wake-up of their loop. Vert.x's own timers
 * take milliseconds from the moment they are set, which scatters schedules started a few microseconds apart, so the
 * schedule uses the loop's scheduler directly.
 */
final class TargetSchedule {

  private final ContextInternal context;
  private final Target target;
  private final Prober prober;
  private final ProbeMetrics metrics;
  private final ProbeMetrics.TargetMeters meters;
  private final AtomicInteger liveTimers;
  private ScheduledFuture<?> timer;
  private long dueNanos;
  private boolean running;
  private boolean stopped;
  private volatile ProbeResult last;

  TargetSchedule(ContextInternal context, Target target, Prober prober, ProbeMetrics metrics,
      ProbeMetrics.TargetMeters meters, AtomicInteger liveTimers) {
    this.context = context;
    this.target = target;
    this.prober = prober;
    this.metrics = metrics;
    this.meters = meters;
    this.liveTimers = liveTimers;
  }

  /** Starts probing at the target's next run on the grid, then every interval. */
  Future<Void> start(SlotGrid grid) {
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> {
      long now = System.nanoTime();
      dueNanos = grid.firstRun(target, now);
      Handler<Void> tick = nothing -> tick();
      // One reading of the clock: a second could be past a run due now, and Netty refuses a negative delay.
      timer = context.nettyEventLoop().scheduleAtFixedRate(() -> context.emit(null, tick),
          dueNanos - now, target.interval().toNanos(), TimeUnit.NANOSECONDS);
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
      if (timer != null && timer.cancel(false)) {
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
