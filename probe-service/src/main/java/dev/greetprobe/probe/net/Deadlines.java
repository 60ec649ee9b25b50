package dev.greetprobe.probe.net;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of one prober's probes in flight, on one Vert.x timer for each timeout its targets use rather than one
 * for each probe. A Vert.x timer is an id from a counter that every event loop shares, an entry in a map of every timer,
 * a close hook on the context and a task in the loop's queue, each added and taken away again, for a deadline that a
 * probe that answers never reaches.
 *
 * <p>The probes of one timeout are due in the order they start, so each timeout keeps a list in that order. A probe
 * that ends leaves its list at once and leaves the timer alone. The timer, set for the first deadline of its list,
 * ends every probe due when it fires, then is set again for the first left; so it fires about once a timeout, however
 * many probes start in between.
 *
 * <p>Touched on the prober's context only.
 */
final class Deadlines {

  /** What waits for a deadline: one probe, in at most one list. */
  abstract static class Waiting {

    private Line line;
    private Waiting previous;
    private Waiting next;
    private long dueNanos;

    /** The deadline came before the probe ended, and the probe is out of its list. */
    abstract void expired();
  }

  /** The probes of one timeout, first due first, and whether its timer is set. */
  private static final class Line {

    final Duration timeout;
    final long timeoutNanos;
    Waiting first;
    Waiting last;
    boolean timerSet;

    Line(Duration timeout) {
      this.timeout = timeout;
      this.timeoutNanos = timeout.toNanos();
    }
  }

  private final Vertx vertx;
  /** By timeout: a target's own {@code Duration}, which a probe looks up without making a key. */
  private final Map<Duration, Line> lines = new HashMap<>();

  Deadlines(Vertx vertx) {
    this.vertx = vertx;
  }

  /** {@code waiting} expires {@code timeout} after {@code startNanos}, its {@link System#nanoTime()} start. */
  void add(Waiting waiting, long startNanos, Duration timeout) {
    Line line = lines.computeIfAbsent(timeout, Line::new);
    waiting.line = line;
    waiting.dueNanos = startNanos + line.timeoutNanos;
    waiting.previous = line.last;
    if (line.last == null) {
      line.first = waiting;
    } else {
      line.last.next = waiting;
    }
    line.last = waiting;
    setTimer(line, System.nanoTime());
  }

  /** Takes {@code waiting} out of its list; nothing when it is in none. */
  void remove(Waiting waiting) {
    Line line = waiting.line;
    if (line == null) {
      return;
    }
    if (waiting.previous == null) {
      line.first = waiting.next;
    } else {
      waiting.previous.next = waiting.next;
    }
    if (waiting.next == null) {
      line.last = waiting.previous;
    } else {
      waiting.next.previous = waiting.previous;
    }
    waiting.line = null;
    waiting.previous = null;
    waiting.next = null;
  }

  /** Every probe waiting, as of now. */
  List<Waiting> waiting() {
    List<Waiting> all = new ArrayList<>();
    for (Line line : lines.values()) {
      for (Waiting w = line.first; w != null; w = w.next) {
        all.add(w);
      }
    }
    return all;
  }

  private void setTimer(Line line, long nowNanos) {
    if (line.timerSet || line.first == null) {
      return;
    }
    line.timerSet = true;
    // Vert.x timers count whole milliseconds, of at least one: rounded up, a deadline never comes early.
    long delayMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(line.first.dueNanos - nowNanos + 999_999));
    vertx.setTimer(delayMillis, id -> fire(line));
  }

  private void fire(Line line) {
    line.timerSet = false;
    long now = System.nanoTime();
    while (line.first != null && line.first.dueNanos - now <= 0) {
      Waiting due = line.first;
      remove(due);
      due.expired();
    }
    if (line.first == null) {
      lines.remove(line.timeout); // a reload may have left the timeout to no target
    } else {
      setTimer(line, now);
    }
  }
}
