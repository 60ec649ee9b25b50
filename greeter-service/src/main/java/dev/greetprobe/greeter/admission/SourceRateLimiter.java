package dev.greetprobe.greeter.admission;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per source address: each holds up to {@code burst} tokens and refills at {@code rate} a second; a
 * connection takes one. The table remembers at most {@code capacity} addresses, forgetting the least recently seen,
 * so a flood from many addresses costs bounded memory (a forgotten address starts again with a full bucket).
 */
public final class SourceRateLimiter {

  private final double ratePerNano;
  private final double burst;
  private final Map<InetAddress, Bucket> buckets;

  private static final class Bucket {
    double tokens;
    long refilledAt;
  }

  public SourceRateLimiter(int ratePerSecond, int burst, int capacity) {
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Takes a token for {@code source}; false when its bucket is empty. */
  public synchronized boolean tryAcquire(InetAddress source, long nowNanos) {
    Bucket bucket = buckets.get(source);
    if (bucket == null) {
      bucket = new Bucket();
      bucket.tokens = burst;
      bucket.refilledAt = nowNanos;
      buckets.put(source, bucket);
    } else {
      bucket.tokens = Math.min(burst, bucket.tokens + (nowNanos - bucket.refilledAt) * ratePerNano);
      bucket.refilledAt = nowNanos;
    }
    if (bucket.tokens < 1) {
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }

  synchronized int size() {
    return buckets.size();
  }
}
