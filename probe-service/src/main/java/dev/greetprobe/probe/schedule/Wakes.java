package dev.greetprobe.probe.schedule;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The wake-ups of one verticle's loop: one Vert.x timer for each instant some of its schedules are due at, however
 * many are due then, so that the targets of a slot start on one wake-up. A timer per schedule did not do that: each
 * Vert.x timer dates itself from its own reading of the clock, which puts the timers of one slot microseconds apart,
 * and Netty's loop waits with nanosecond timeouts, so it slept between the probes of a slot instead of starting them
 * all before it waited for their answers.
 *
 * <p>Touched on the owning verticle's context only.
 */
final class Wakes {

  private final Vertx vertx;
  /** By the {@link System#nanoTime()} instant its schedules are due at. */
  private final Map<Long, Wake> wakes = new HashMap<>();

  Wakes(Vertx vertx) {
    this.vertx = vertx;
  }

  private static final class Wake {
    final List<Runnable> due = new ArrayList<>();
    long timer;
  }

  /** Runs {@code run} at {@code dueNanos}, on the same wake-up as everything else due then. */
  void at(long dueNanos, Runnable run) {
    Wake wake = wakes.get(dueNanos);
    if (wake == null) {
      wake = new Wake();
      wakes.put(dueNanos, wake);
      // Vert.x timers count whole milliseconds, of at least one: rounded up, a wake-up is never early.
      long delayMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(dueNanos - System.nanoTime() + 999_999));
      wake.timer = vertx.setTimer(delayMillis, id -> fire(dueNanos));
    }
    wake.due.add(run);
  }

  /** Takes {@code run} out of its wake-up at {@code dueNanos}; the last one out cancels the timer. */
  void cancel(long dueNanos, Runnable run) {
    Wake wake = wakes.get(dueNanos);
    if (wake != null && wake.due.remove(run) && wake.due.isEmpty()) {
      vertx.cancelTimer(wake.timer);
      wakes.remove(dueNanos);
    }
  }

  /** The Vert.x timers set and not yet fired or cancelled. */
  int timers() {
    return wakes.size();
  }

  private void fire(long dueNanos) {
    wakes.remove(dueNanos).due.forEach(Runnable::run);
  }
}
