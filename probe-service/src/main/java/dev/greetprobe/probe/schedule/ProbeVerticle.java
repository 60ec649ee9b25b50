package dev.greetprobe.probe.schedule;

import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Prober;
import dev.greetprobe.probe.net.TcpProber;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClient;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Probes on one event loop: one instance runs per loop, owning the schedules of its slots and the client their
 * connections go through. The {@link ProbeScheduler} hands each verticle its share of a reload; the schedules are then
 * started and stopped here, on the verticle's own context, where their wake-ups fire and their probes run.
 */
public final class ProbeVerticle extends VerticleBase implements Prober {

  private final Prober.Factory probers;
  /** Touched on this verticle's context only. */
  private final Set<TargetSchedule> schedules = new LinkedHashSet<>();
  private NetClient client;
  private Prober prober;
  private Wakes wakes;

  public ProbeVerticle(Prober.Factory probers) {
    this.probers = probers;
  }

  @Override
  public Future<?> start() {
    client = vertx.createNetClient(TcpProber.clientOptions());
    prober = probers.create(context, client);
    wakes = new Wakes(vertx);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    schedules.forEach(TargetSchedule::stop);
    schedules.clear();
    prober.abortInFlight();
    return client.close();
  }

  /** A one-off probe, on this verticle's loop. */
  @Override
  public Future<ProbeResult> probe(Target target) {
    return prober.probe(target);
  }

  /**
   * Stops {@code stopping} and starts {@code starting} at their next runs on {@code grid}. Once the future completes,
   * no stopped schedule starts another probe.
   */
  Future<Void> apply(List<TargetSchedule> stopping, List<TargetSchedule> starting, SlotGrid grid) {
    Promise<Void> applied = Promise.promise();
    context.runOnContext(v -> {
      stopping.forEach(schedule -> {
        schedule.stop();
        schedules.remove(schedule);
      });
      long now = System.nanoTime();
      starting.forEach(schedule -> {
        schedule.start(wakes, prober, grid, now);
        schedules.add(schedule);
      });
      applied.complete();
    });
    return applied.future();
  }
}
