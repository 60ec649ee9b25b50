package dev.greetprobe.probe.config;

import java.util.List;

/**
 * The targets of one config that one instance probes.
 *
 * @param ownership which targets this instance holds: its shard, or its place among the live peers
 * @param held the targets it probes, in config order
 * @param total how many targets the config has over all instances
 */
public record ShardAssignment(Ownership ownership, List<Target> held, int total) {

  public ShardAssignment {
    held = List.copyOf(held);
  }

  public static ShardAssignment of(Ownership ownership, List<Target> targets) {
    return new ShardAssignment(ownership, targets.stream().filter(t -> ownership.holds(t.name())).toList(),
        targets.size());
  }

  /** How many targets this instance does not probe: other shards' or other peers'. */
  public int elsewhere() {
    return total - held.size();
  }
}
