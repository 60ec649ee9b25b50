package dev.greetprobe.probe.config;

import java.time.Duration;

/**
 * Sharing the targets with the peers a DNS name lists, as a headless Service lists its ready pods: the instances are
 * learned live, so a peer that leaves has its targets taken over and one that joins takes its share, with no restart.
 *
 * @param name the DNS name whose address records are the ready peers
 * @param self this instance's address in that answer, in {@link java.net.InetAddress#getHostAddress()}'s form
 * @param refresh how often the name is looked up
 * @param replicas how many peers probe each target
 */
public record Peers(String name, String self, Duration refresh, int replicas) implements Sharding {
}
