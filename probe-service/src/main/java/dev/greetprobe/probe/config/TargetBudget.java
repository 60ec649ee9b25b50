package dev.greetprobe.probe.config;

import dev.greetprobe.common.ConfigException;

/**
 * How many targets a heap can hold, so that a config that would exhaust it is refused before anything changes, rather
 * than running out of memory halfway through applying it.
 *
 * @param heapBytes the heap's limit, as {@link Runtime#maxMemory()} gives it
 * @param bytesPerTarget what one target takes: {@link #BYTES_PER_TARGET}, and its history
 * @param requestBytes what the pages being sent at once hold at most ({@code /targets} and the status page)
 */
public record TargetBudget(long heapBytes, long bytesPerTarget, long requestBytes) {

  /**
   * What one target takes, with room to spare: its schedule, meters and last result, and its share of the text of a
   * scrape while that is rendered.
   */
  public static final long BYTES_PER_TARGET = 32 * 1024;

  /** What the probe takes with no targets: Vert.x, the HTTP server, the resolver, a reload's parse. */
  public static final long RESERVED_BYTES = 64L * 1024 * 1024;

  /** A heap whose targets keep no history. */
  public TargetBudget(long heapBytes) {
    this(heapBytes, BYTES_PER_TARGET, 0);
  }

  public static TargetBudget ofThisHeap() {
    return new TargetBudget(Runtime.getRuntime().maxMemory());
  }

  /** The same heap, each target also keeping a history of {@code historyBytes}. */
  public TargetBudget withHistory(long historyBytes) {
    return new TargetBudget(heapBytes, BYTES_PER_TARGET + historyBytes, requestBytes);
  }

  /** The same heap, also holding {@code bytes} for the pages being sent at once. */
  public TargetBudget withRequests(long bytes) {
    return new TargetBudget(heapBytes, bytesPerTarget, bytes);
  }

  /** What the heap holds before any target: {@link #RESERVED_BYTES} and the pages being sent. */
  private long reserved() {
    return RESERVED_BYTES + requestBytes;
  }

  int maxTargets() {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, (heapBytes - reserved()) / bytesPerTarget));
  }

  /**
   * Refuses {@code assignment} if this instance's part of it is more than the heap holds: each target at
   * {@link #bytesPerTarget}, and its {@code send}, {@code expect} and labels at their own size. Targets that share one text
   * through a YAML alias count it each: the parser gives them one string, but each probe writes and matches its own.
   */
  public void check(ShardAssignment assignment) {
    int held = assignment.held().size();
    long texts = assignment.held().stream().mapToLong(TargetBudget::textBytes).sum();
    if (held > maxTargets() || (long) held * bytesPerTarget + texts > heapBytes - reserved()) {
      throw new ConfigException("targets", "this instance would probe " + held + " targets, more than its heap of "
          + (heapBytes >> 20) + " MiB holds (" + maxTargets() + ", at " + bytesPerTarget / 1024 + " KiB a target"
          + " beyond " + (reserved() >> 20) + " MiB, less their send, expect and label texts: " + (texts >> 10)
          + " KiB); give it more heap (-Xmx), or split the targets over more shards (shard.count)");
    }
  }

  /** What a target's texts take: two bytes a character, as a string outside Latin-1 holds them; and its labels. */
  static long textBytes(Target target) {
    long characters = (target.send() == null ? 0 : target.send().length())
        + (target.expect() == null ? 0 : target.expect().pattern().length());
    return 2 * characters + target.labels().bytes();
  }
}
