/**
 * What the probe is told: the config, as immutable records validated while it loads ({@link ProbeConfig},
 * {@link Target} and its parts), where it comes from ({@link ConfigSource}), and what every instance must work out
 * from it alike, such as the shard a target belongs to ({@link Shard}). {@link Phase} lives here too, since a target's
 * settings decide the phases its probes go through. Every other package reads these types and this one imports none
 * of them, so a config can be loaded and checked without starting anything.
 */
package dev.greetprobe.probe.config;
