package dev.greetprobe.probe.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * This instance's place among the live peers. Each target is held by the {@code replicas} peers that score its name
 * highest (rendezvous hashing), so a peer that leaves moves only the targets it held, each to the next peer in that
 * target's ranking, and a peer that joins takes only the targets it now ranks high enough for.
 *
 * @param peers every live peer, sorted; an instance that is not among them holds nothing
 * @param self this instance
 * @param replicas how many peers hold each target
 */
public record Membership(List<String> peers, String self, int replicas) implements Ownership {

  public Membership {
    if (replicas < 1) {
      throw new IllegalArgumentException("replicas " + replicas + " is below 1");
    }
    peers = List.copyOf(new TreeSet<>(peers));
  }

  /** Whether this instance is one of the target's holders: fewer than {@code replicas} peers outrank it. */
  @Override
  public boolean holds(String name) {
    if (!peers.contains(self)) {
      return false;
    }
    long own = score(self, name);
    int above = 0;
    for (String peer : peers) {
      if (!peer.equals(self) && outranks(score(peer, name), peer, own, self) && ++above >= replicas) {
        return false;
      }
    }
    return true;
  }

  /** The peers that hold the target named {@code name}, the highest-ranked first. */
  public List<String> holders(String name) {
    List<String> ranked = new ArrayList<>(peers);
    ranked.sort(Comparator.comparingLong((String peer) -> score(peer, name)).reversed()
        .thenComparing(Comparator.naturalOrder()));
    return List.copyOf(ranked.subList(0, Math.min(replicas, ranked.size())));
  }

  /** The two hashes mixed: addresses differ in a byte or two, which one hash of both joined spread less evenly. */
  private static long score(String peer, String name) {
    return StableHash.mix(StableHash.of(name) ^ StableHash.of(peer));
  }

  /** A higher score ranks first; equal scores, which two peers almost never get, by the peers' order. */
  private static boolean outranks(long score, String peer, long otherScore, String other) {
    return score > otherScore || (score == otherScore && peer.compareTo(other) < 0);
  }
}
