package dev.greetprobe.probe.config;

import java.util.List;

/**
 * The targets of one config that one shard probes.
 *
 * @param shard the shard
 * @param held the targets it probes, in config order
 * @param total how many targets the config has over all shards
 */
public record ShardAssignment(Shard shard, List<Target> held, int total) {

  public ShardAssignment {
    held = List.copyOf(held);
  }

  public static ShardAssignment of(Shard shard, List<Target> targets) {
    return new ShardAssignment(shard, targets.stream().filter(t -> shard.holds(t.name())).toList(), targets.size());
  }

  /** How many targets other shards probe. */
  public int elsewhere() {
    return total - held.size();
  }
}
