package dev.greetprobe.greeter.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused connections at most once per reason per period, with how many were refused since, so a flood shows
 * in the log without filling it.
 */
final class RejectionLog {

  private static final Logger log = LoggerFactory.getLogger(RejectionLog.class);
  private static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Map<Rejection, AtomicLong> nextLine = new EnumMap<>(Rejection.class);
  private final Map<Rejection, AtomicLong> unlogged = new EnumMap<>(Rejection.class);

  RejectionLog() {
    for (Rejection r : Rejection.values()) {
      nextLine.put(r, new AtomicLong(System.nanoTime()));
      unlogged.put(r, new AtomicLong());
    }
  }

  void rejected(Rejection reason, Object client, String detail) {
    long count = unlogged.get(reason).incrementAndGet();
    AtomicLong next = nextLine.get(reason);
    long due = next.get();
    long now = System.nanoTime();
    if (now - due >= 0 && next.compareAndSet(due, now + PERIOD_NANOS)) {
      unlogged.get(reason).addAndGet(-count);
      log.warn("refused {} connection(s) ({}) in the last {} s; the latest from {}: {}",
          count, reason.label(), TimeUnit.NANOSECONDS.toSeconds(PERIOD_NANOS), client, detail);
    }
  }
}
