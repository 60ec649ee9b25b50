package dev.greetprobe.probe.schedule;

import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * The last results of one target ({@code status.history} of them), for the status page and {@code /targets}: a ring
 * of three primitive arrays, so that a full history of thousands of targets costs no object per result. Each result
 * keeps when it finished, how it ended and how long it took; the newest replaces the oldest.
 *
 * <p>Recorded on the target's event loop and read by the HTTP workers, both under the ring's own lock: a read copies
 * a few hundred bytes, so a loop never waits longer than that.
 */
public final class ResultHistory {

  /** What each result kept costs: its finish time, its outcome and its duration. */
  public static final int BYTES_PER_RESULT = Long.BYTES + Byte.BYTES + Integer.BYTES;
  /** The ring itself and the headers and padding of its three arrays, on a 64-bit JVM with compressed pointers. */
  public static final int OVERHEAD_BYTES = 104;

  private static final Result[] RESULTS = Result.values();

  private final long[] finishedAtMillis;
  private final byte[] results;
  private final int[] durationMicros;
  /** Where the next result goes. */
  private int next;
  private int size;

  /** A history of at most {@code capacity} results, empty at first. */
  public ResultHistory(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a history holds at least one result, not " + capacity);
    }
    finishedAtMillis = new long[capacity];
    results = new byte[capacity];
    durationMicros = new int[capacity];
  }

  public synchronized void record(ProbeResult result) {
    finishedAtMillis[next] = result.finishedAt().toEpochMilli();
    results[next] = (byte) result.result().ordinal();
    durationMicros[next] = (int) Math.min(Integer.MAX_VALUE, result.duration().toNanos() / 1000);
    next = (next + 1) % results.length;
    size = Math.min(size + 1, results.length);
  }

  /** A copy of the results kept now, the oldest first. */
  public synchronized Snapshot snapshot() {
    long[] finished = new long[size];
    byte[] outcomes = new byte[size];
    int[] durations = new int[size];
    int oldest = (next - size + results.length) % results.length;
    for (int i = 0; i < size; i++) {
      int from = (oldest + i) % results.length;
      finished[i] = finishedAtMillis[from];
      outcomes[i] = results[from];
      durations[i] = durationMicros[from];
    }
    return new Snapshot(finished, outcomes, durations);
  }

  public int capacity() {
    return results.length;
  }

  /** What a full history of {@code capacity} results takes on the heap, at most. */
  public static long bytes(int capacity) {
    return (long) capacity * BYTES_PER_RESULT + OVERHEAD_BYTES;
  }

  /** The results a history held at one moment, the oldest first; never changes. */
  public static final class Snapshot {

    private final long[] finishedAtMillis;
    private final byte[] results;
    private final int[] durationMicros;

    private Snapshot(long[] finishedAtMillis, byte[] results, int[] durationMicros) {
      this.finishedAtMillis = finishedAtMillis;
      this.results = results;
      this.durationMicros = durationMicros;
    }

    public int size() {
      return results.length;
    }

    public Instant finishedAt(int i) {
      return Instant.ofEpochMilli(finishedAtMillis[i]);
    }

    public Result result(int i) {
      return RESULTS[results[i]];
    }

    public Duration duration(int i) {
      return Duration.ofNanos(durationMicros[i] * 1000L);
    }

    /** The share of the results that are successes, 0 to 1; NaN when there are none. */
    public double successRatio() {
      if (results.length == 0) {
        return Double.NaN;
      }
      int successes = 0;
      for (byte result : results) {
        if (result == Result.SUCCESS.ordinal()) {
          successes++;
        }
      }
      return (double) successes / results.length;
    }

    /**
     * The duration that {@code quantile} (0 to 1) of the results took at most, by nearest rank, as in 0.5 for the
     * median; null when there are no results.
     */
    public Duration percentile(double quantile) {
      if (results.length == 0) {
        return null;
      }
      int[] sorted = durationMicros.clone();
      Arrays.sort(sorted);
      int rank = (int) Math.ceil(quantile * sorted.length);
      return Duration.ofNanos(sorted[Math.max(0, rank - 1)] * 1000L);
    }
  }
}
