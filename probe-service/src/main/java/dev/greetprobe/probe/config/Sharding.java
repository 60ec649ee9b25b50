package dev.greetprobe.probe.config;

/**
 * How the config splits its targets over the instances that share it: a fixed shard of a count ({@link Shard}), or
 * the live peers a DNS name lists ({@link Peers}).
 */
public sealed interface Sharding permits Shard, Peers {
}
