package dev.greetprobe.probe.config;

/** Which of the config's targets this instance probes, by name: a fixed shard, or its rank among the live peers. */
public sealed interface Ownership permits Shard, Membership {

  boolean holds(String name);
}
