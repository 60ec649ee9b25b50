package dev.greetprobe.probe.net;

import dev.greetprobe.probe.config.Target;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.net.NetClient;

/** One attempt at a target. It never fails: every failure is a {@link ProbeResult} with its reason. */
public interface Prober {

  Future<ProbeResult> probe(Target target);

  /**
   * Ends the probes in flight now, each with its result, rather than at their deadlines: called as the prober's
   * verticle stops, whose timers stop with it.
   */
  default void abortInFlight() {
  }

  /** Makes the prober of one probe verticle, which runs on the verticle's context and connects through its client. */
  @FunctionalInterface
  interface Factory {

    Prober create(Context context, NetClient client);
  }
}
