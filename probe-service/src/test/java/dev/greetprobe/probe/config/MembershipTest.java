package dev.greetprobe.probe.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ownership by rendezvous over the live peers: each target is held by its {@code replicas} highest-ranked peers, and a
 * peer that leaves or joins moves only the targets it held or now wins.
 */
class MembershipTest {

  private static final List<String> NAMES = IntStream.range(0, 3000).mapToObj(i -> "web-" + i + ".example").toList();
  private static final List<String> THREE = List.of("10.0.0.1", "10.0.0.2", "10.0.0.3");

  @ParameterizedTest(name = "replicas {0}")
  @ValueSource(ints = {1, 2, 3})
  void everyTargetIsHeldByExactlyReplicasPeersAndEachPeerHoldsAboutItsShare(int replicas) {
    Map<String, Set<String>> holders = holders(THREE, replicas);

    assertThat(holders.values()).allSatisfy(held -> assertThat(held).hasSize(replicas));
    IntSummaryStatistics sizes = THREE.stream()
        .mapToInt(peer -> (int) holders.values().stream().filter(held -> held.contains(peer)).count())
        .summaryStatistics();
    assertThat(sizes.getSum()).isEqualTo(NAMES.size() * replicas);
    assertThat((double) sizes.getMax() / sizes.getMin()).isLessThanOrEqualTo(1.15);
  }

  @Test
  void whatEachPeerHoldsIsWhatHoldersNamesForTheTarget() {
    for (String name : NAMES.subList(0, 300)) {
      for (int replicas = 1; replicas <= 3; replicas++) {
        List<String> named = new Membership(THREE, THREE.get(0), replicas).holders(name);
        int r = replicas;
        List<String> holding = THREE.stream().filter(peer -> new Membership(THREE, peer, r).holds(name)).toList();
        assertThat(named).as(name).hasSize(replicas).containsExactlyInAnyOrderElementsOf(holding);
      }
    }
  }

  @ParameterizedTest(name = "replicas {0}")
  @ValueSource(ints = {1, 2})
  void whenAPeerLeavesOnlyItsTargetsMoveSpreadOverTheRest(int replicas) {
    List<String> four = List.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4");
    Map<String, Set<String>> before = holders(four, replicas);
    Map<String, Set<String>> after = holders(THREE, replicas);
    Map<String, Integer> gained = new HashMap<>();

    for (String name : NAMES) {
      Set<String> kept = new HashSet<>(before.get(name));
      kept.remove("10.0.0.4");
      assertThat(after.get(name)).as("%s keeps every holder but the one that left", name).containsAll(kept);
      for (String peer : after.get(name)) {
        if (!before.get(name).contains(peer)) {
          gained.merge(peer, 1, Integer::sum);
        }
      }
    }

    long lost = before.values().stream().filter(held -> held.contains("10.0.0.4")).count();
    assertThat(gained.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo((int) lost);
    assertThat(gained).as("each survivor takes a part").containsOnlyKeys(THREE)
        .allSatisfy((peer, count) -> assertThat(count).isGreaterThan((int) lost / 6));
  }

  @ParameterizedTest(name = "replicas {0}")
  @ValueSource(ints = {1, 2})
  void aPeerThatJoinsTakesOnlyTheTargetsItNowWinsAboutItsShare(int replicas) {
    List<String> four = List.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4");
    Map<String, Set<String>> before = holders(THREE, replicas);
    Map<String, Set<String>> after = holders(four, replicas);
    int moved = 0;

    for (String name : NAMES) {
      Set<String> added = new HashSet<>(after.get(name));
      added.removeAll(before.get(name));
      assertThat(added).as("%s moves only to the new peer", name).isSubsetOf(Set.of("10.0.0.4"));
      moved += added.size();
    }

    int share = NAMES.size() * replicas / 4;
    assertThat(moved).as("holdings moved to the new peer").isBetween(share - share / 10, share + share / 10);
  }

  @Test
  void anInstanceNotAmongThePeersHoldsNothing() {
    Membership unlisted = new Membership(THREE, "10.0.0.9", 1);
    Membership unknown = new Membership(List.of(), "10.0.0.1", 1);

    assertThat(NAMES).noneMatch(unlisted::holds).noneMatch(unknown::holds);
  }

  @Test
  void anInstanceAloneHoldsEveryTarget() {
    assertThat(NAMES).allMatch(new Membership(List.of("10.0.0.1"), "10.0.0.1", 2)::holds);
  }

  @Test
  void thePeersAreKeptSortedAndOnceWhateverOrderTheAnswerGaveThem() {
    Membership membership = new Membership(List.of("10.0.0.3", "10.0.0.1", "10.0.0.3"), "10.0.0.1", 1);

    assertThat(membership.peers()).containsExactly("10.0.0.1", "10.0.0.3");
  }

  private static Map<String, Set<String>> holders(List<String> peers, int replicas) {
    Map<String, Set<String>> holders = new HashMap<>();
    for (String peer : peers) {
      ShardAssignment assignment = ShardAssignment.of(new Membership(peers, peer, replicas), targets());
      assignment.held().forEach(t -> holders.computeIfAbsent(t.name(), n -> new HashSet<>()).add(peer));
    }
    NAMES.forEach(name -> holders.putIfAbsent(name, Set.of()));
    return holders;
  }

  private static List<Target> targets() {
    List<Target> targets = new ArrayList<>();
    NAMES.forEach(n -> targets.add(TestTargets.target(n + ":80").name(n).build()));
    return targets;
  }
}
