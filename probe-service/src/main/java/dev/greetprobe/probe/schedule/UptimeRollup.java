package dev.greetprobe.probe.schedule;

import dev.greetprobe.probe.net.ProbeResult;
import java.time.Duration;
import java.time.Instant;

/**
 * The share of a target's probes that succeeded over the last hour, day and week, kept in memory in two bounded
 * rings of counts: five-minute buckets for the hour, hourly ones for the day and the week. A window counts from the
 * start of its oldest bucket, so it spans up to one bucket more than its name; a restart starts the counts again,
 * and {@link Snapshot#countingSince()} says from when. Prometheus keeps the long history.
 *
 * <p>Recorded on the target's event loop and read by the HTTP workers, under the object's own lock.
 */
public final class UptimeRollup {

  /** A window of the rollup, by the name {@code /targets} and the page give it. */
  public enum Window {
    HOUR("1h", Duration.ofHours(1)), DAY("24h", Duration.ofDays(1)), WEEK("7d", Duration.ofDays(7));

    private final String label;
    private final Duration length;

    Window(String label, Duration length) {
      this.label = label;
      this.length = length;
    }

    public String label() {
      return label;
    }
  }

  private static final Ring FINE = new Ring(Duration.ofMinutes(5), 12);
  private static final Ring COARSE = new Ring(Duration.ofHours(1), 7 * 24);
  /** What the counts cost on the heap: two of {@code char} a bucket, the arrays' and the object's own. */
  public static final int BYTES = (FINE.buckets + COARSE.buckets) * 2 * Character.BYTES + 4 * 16 + 64;

  /** A ring's shape: how long a bucket lasts and how many it keeps. */
  private record Ring(Duration bucket, int buckets) {

    long index(long epochMillis) {
      return epochMillis / bucket.toMillis();
    }
  }

  private final long countingSinceMillis;
  // Counts of at most one bucket's probes: a probe every 100 ms fills an hour's bucket to 36,000, within a char's range.
  private final char[] fineProbes = new char[FINE.buckets];
  private final char[] fineSuccesses = new char[FINE.buckets];
  private final char[] coarseProbes = new char[COARSE.buckets];
  private final char[] coarseSuccesses = new char[COARSE.buckets];
  private long fineLatest = -1;
  private long coarseLatest = -1;

  public UptimeRollup(Instant countingSince) {
    countingSinceMillis = countingSince.toEpochMilli();
  }

  public synchronized void record(ProbeResult result) {
    long at = result.finishedAt().toEpochMilli();
    fineLatest = add(FINE, fineProbes, fineSuccesses, fineLatest, at, result.success());
    coarseLatest = add(COARSE, coarseProbes, coarseSuccesses, coarseLatest, at, result.success());
  }

  public synchronized Snapshot snapshot(Instant now) {
    long at = now.toEpochMilli();
    return new Snapshot(Instant.ofEpochMilli(countingSinceMillis),
        ratio(FINE, fineProbes, fineSuccesses, fineLatest, at, Window.HOUR),
        ratio(COARSE, coarseProbes, coarseSuccesses, coarseLatest, at, Window.DAY),
        ratio(COARSE, coarseProbes, coarseSuccesses, coarseLatest, at, Window.WEEK));
  }

  /** Counts a probe into its bucket, clearing the buckets the ring passed over since its latest; the new latest. */
  private static long add(Ring ring, char[] probes, char[] successes, long latest, long at, boolean success) {
    long index = ring.index(at);
    if (index < latest - ring.buckets + 1) {
      return latest;
    }
    if (index > latest) {
      for (long cleared = Math.max(latest + 1, index - ring.buckets + 1); cleared <= index; cleared++) {
        int slot = (int) (cleared % ring.buckets);
        probes[slot] = 0;
        successes[slot] = 0;
      }
      latest = index;
    }
    int slot = (int) (index % ring.buckets);
    if (probes[slot] < Character.MAX_VALUE) {
      probes[slot]++;
      if (success) {
        successes[slot]++;
      }
    }
    return latest;
  }

  /** The share of successes in the buckets of {@code window} up to {@code now}; NaN when it holds no probe. */
  private static double ratio(Ring ring, char[] probes, char[] successes, long latest, long now, Window window) {
    long newest = Math.min(ring.index(now), latest);
    long oldest = Math.max(ring.index(now) - window.length.toMillis() / ring.bucket.toMillis() + 1,
        latest - ring.buckets + 1);
    long total = 0;
    long succeeded = 0;
    for (long index = oldest; index <= newest; index++) {
      int slot = (int) (index % ring.buckets);
      total += probes[slot];
      succeeded += successes[slot];
    }
    return total == 0 ? Double.NaN : (double) succeeded / total;
  }

  /** The shares at one moment, each from 0 to 1, NaN for a window with no probe yet. */
  public record Snapshot(Instant countingSince, double hour, double day, double week) {

    public double of(Window window) {
      return switch (window) {
        case HOUR -> hour;
        case DAY -> day;
        case WEEK -> week;
      };
    }
  }
}
