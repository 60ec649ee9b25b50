/**
 * When probes run, and how a config takes effect: one {@link ProbeVerticle} per event loop runs the
 * {@link TargetSchedule}s of its slots of the {@link SlotGrid}, {@link ProbeScheduler} applies a target list as a
 * diff, and {@link Reloader} (asked by {@link ConfigWatcher}, a signal or HTTP) reads, validates and applies a config
 * one at a time. It runs the probers of {@code net} and records what they find in {@code metrics}.
 */
package dev.greetprobe.probe.schedule;
