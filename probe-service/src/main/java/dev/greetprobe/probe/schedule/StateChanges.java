package dev.greetprobe.probe.schedule;

import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a target is up or down, since when, and its last few changes between the two: what an operator on call
 * asks first, since a target that flaps and one that failed once look alike in its last result. A target is pending
 * from the moment it is scheduled until its first probe ends.
 *
 * <p>Recorded on the target's event loop and read by the HTTP workers, under the object's own lock.
 */
public final class StateChanges {

  /** The changes kept, the newest replacing the oldest. */
  public static final int KEPT = 8;
  /** What the changes and the state cost on the heap: a time and an outcome a change, and the object's own. */
  public static final int BYTES = KEPT * (Long.BYTES + Byte.BYTES) + 64;

  private static final Result[] RESULTS = Result.values();
  /** No outcome yet: the target is pending. */
  private static final byte NONE = -1;

  private final long[] changedAtMillis = new long[KEPT];
  private final byte[] changedTo = new byte[KEPT];
  private int next;
  private int size;
  private long sinceMillis;
  private byte outcome = NONE;

  /** A target scheduled at {@code scheduled}, pending since then. */
  public StateChanges(Instant scheduled) {
    sinceMillis = scheduled.toEpochMilli();
  }

  /** A probe's end: a change when it turns the target up or down, and the latest reason while down. */
  public synchronized void record(ProbeResult result) {
    boolean wasUp = outcome == Result.SUCCESS.ordinal();
    boolean changed = outcome == NONE || wasUp != result.success();
    outcome = (byte) result.result().ordinal();
    if (changed) {
      sinceMillis = result.finishedAt().toEpochMilli();
      changedAtMillis[next] = sinceMillis;
      changedTo[next] = outcome;
      next = (next + 1) % KEPT;
      size = Math.min(size + 1, KEPT);
    }
  }

  public synchronized Snapshot snapshot() {
    List<Change> changes = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      int at = (next - size + i + KEPT) % KEPT;
      changes.add(new Change(Instant.ofEpochMilli(changedAtMillis[at]), RESULTS[changedTo[at]]));
    }
    return new Snapshot(outcome == NONE ? null : RESULTS[outcome], Instant.ofEpochMilli(sinceMillis),
        List.copyOf(changes));
  }

  /** A change: when, and the result that made it, success for up, a failure's reason for down. */
  public record Change(Instant at, Result to) {

    public String state() {
      return to == Result.SUCCESS ? "up" : "down";
    }
  }

  /**
   * The state at one moment.
   *
   * @param latest the last probe's result, the reason while down; null while pending
   * @param since when the state began, or when the target was scheduled while pending
   * @param changes the last changes, the oldest first
   */
  public record Snapshot(Result latest, Instant since, List<Change> changes) {

    /** {@code up}, {@code down} or {@code pending}. */
    public String state() {
      return latest == null ? "pending" : latest == Result.SUCCESS ? "up" : "down";
    }
  }
}
