package dev.greetprobe.probe.config;

/**
 * One of {@code count} probe instances. A target belongs to exactly one shard, chosen by rendezvous hashing of its
 * name: each shard scores the name and the highest score wins. A target's shard depends only on its name and the
 * count, so editing the target list moves nothing else, and going from n to n + 1 shards moves only the targets the
 * new shard wins, about 1 in n + 1.
 *
 * @param index this instance's shard, 0 to count - 1
 * @param count how many shards share the targets
 */
public record Shard(int index, int count) implements Sharding, Ownership {

  public Shard {
    if (count < 1) {
      throw new IllegalArgumentException("count " + count + " is below 1");
    }
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException("index " + index + " is outside 0.." + (count - 1));
    }
  }

  /** Whether this shard probes the target named {@code name}. */
  @Override
  public boolean holds(String name) {
    return owner(name, count) == index;
  }

  /** The shard, of {@code count}, that probes the target named {@code name}. */
  static int owner(String name, int count) {
    int owner = 0;
    long best = Long.MIN_VALUE;
    for (int shard = 0; shard < count; shard++) {
      long score = StableHash.of(shard + "/" + name);
      if (score > best) {
        best = score;
        owner = shard;
      }
    }
    return owner;
  }
}
