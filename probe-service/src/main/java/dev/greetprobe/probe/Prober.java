package dev.greetprobe.probe;

import io.vertx.core.Future;

/** One attempt at a target. It never fails: every failure is a {@link ProbeResult} with its reason. */
public interface Prober {

  Future<ProbeResult> probe(Target target);
}
