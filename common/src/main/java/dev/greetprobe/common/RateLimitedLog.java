package dev.greetprobe.common;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One warning a period at most, saying how many happened since the last: whatever clients make a service fail at, a
 * flood of them shows in its log without filling it.
 */
public final class RateLimitedLog {

  private final Logger log;
  private final long periodNanos;
  private final AtomicLong nextLine = new AtomicLong(System.nanoTime());
  private final AtomicLong unlogged = new AtomicLong();

  public RateLimitedLog(Logger log, Duration period) {
    this.log = log;
    this.periodNanos = period.toNanos();
  }

  /** Warns with {@code what} (with the count since the last warning, as {@code {}}) and {@code cause}, if due. */
  public void warn(String what, Throwable cause) {
    long count = unlogged.incrementAndGet();
    long due = nextLine.get();
    long now = System.nanoTime();
    if (now - due >= 0 && nextLine.compareAndSet(due, now + periodNanos)) {
      unlogged.addAndGet(-count);
      log.warn(what + " ({} since the last warning): {}", count, cause.toString());
    }
  }
}
