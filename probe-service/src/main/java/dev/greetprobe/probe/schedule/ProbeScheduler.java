package dev.greetprobe.probe.schedule;

import dev.greetprobe.common.EventLoopPool;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.metrics.ProbeMetrics;
import dev.greetprobe.probe.metrics.TargetMeters;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Prober;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs one {@link TargetSchedule} per target on the {@link ProbeVerticle}s, one verticle per event loop, the targets of
 * each slot of the {@link SlotGrid} on one verticle and the slots spread over all of them, and applies a new target
 * list as a diff: unchanged targets keep their schedule, series and history, changed ones restart (their series and
 * history start again from zero), removed ones stop and lose both. Each verticle is handed its share of the diff. Not
 * thread-safe: one caller at a time applies, and the next apply waits for the last one's future; {@link #schedules()}
 * may be read from any thread. A one-off {@link #probe} runs on one of the verticles.
 */
public final class ProbeScheduler implements Prober {

  private final Vertx vertx;
  /** One verticle per loop of Vert.x's pool. */
  private final int verticles;
  private final ProbeMetrics metrics;
  private final Function<Target, TargetMeters> register;
  /** How many results each schedule keeps. */
  private final int history;
  private final Future<Deployed> deployed;
  private final Map<String, TargetSchedule> schedules = new LinkedHashMap<>();
  private final AtomicInteger waitingSchedules = new AtomicInteger();
  private final AtomicInteger oneOffs = new AtomicInteger();
  private volatile List<TargetSchedule> view = List.of();
  private Future<Void> stopped;

  private record Deployed(String id, List<ProbeVerticle> verticles) {
  }

  /**
   * Deploys a verticle on each of the {@code loops} of {@code vertx}, each with a prober made by {@code probers}; each
   * target keeps its last {@code history} results.
   */
  public ProbeScheduler(Vertx vertx, EventLoopPool loops, Prober.Factory probers, ProbeMetrics metrics, int history) {
    this(vertx, loops, probers, metrics, history, metrics::register);
  }

  /** With the default history. */
  ProbeScheduler(Vertx vertx, EventLoopPool loops, Prober.Factory probers, ProbeMetrics metrics) {
    this(vertx, loops, probers, metrics, ProbeConfig.Status.DEFAULT.history());
  }

  /**
   * With {@code register} giving each new target its meters: a test's can refuse one, to apply a config that fails
   * part way.
   */
  ProbeScheduler(Vertx vertx, EventLoopPool loops, Prober.Factory probers, ProbeMetrics metrics,
      Function<Target, TargetMeters> register) {
    this(vertx, loops, probers, metrics, ProbeConfig.Status.DEFAULT.history(), register);
  }

  private ProbeScheduler(Vertx vertx, EventLoopPool loops, Prober.Factory probers, ProbeMetrics metrics, int history,
      Function<Target, TargetMeters> register) {
    this.vertx = vertx;
    this.verticles = loops.size();
    this.metrics = metrics;
    this.register = register;
    this.history = history;
    List<ProbeVerticle> made = new CopyOnWriteArrayList<>();
    this.deployed = vertx.deployVerticle(() -> {
      ProbeVerticle verticle = new ProbeVerticle(probers);
      made.add(verticle);
      return verticle;
    }, new DeploymentOptions().setInstances(verticles)).map(id -> new Deployed(id, List.copyOf(made)));
  }

  /** What {@link #apply} changed. */
  public record Diff(List<String> added, List<String> changed, List<String> removed, int unchanged) {
  }

  public Future<Diff> apply(List<Target> targets) {
    Map<String, Target> wanted = new LinkedHashMap<>();
    targets.forEach(t -> wanted.put(t.name(), t));
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<List<TargetSchedule>> stopping = shares();
    List<List<TargetSchedule>> starting = shares();
    int unchanged = 0;
    SlotGrid grid = SlotGrid.of(targets);

    // A failure part way (the registry refusing a target's meters) still hands the verticles what changed before it:
    // the schedules already taken out of the map must stop, or they would run on unseen when the caller restores.
    RuntimeException failedPartWay = null;
    try {
      for (var it = schedules.entrySet().iterator(); it.hasNext();) {
        var entry = it.next();
        Target next = wanted.get(entry.getKey());
        if (next == null || !next.equals(entry.getValue().target())) {
          TargetSchedule old = entry.getValue();
          // Before a changed target registers again: the registry would hand it these same meters, then lose them.
          old.meters().remove();
          stopping.get(old.verticle()).add(old);
          it.remove();
          (next == null ? removed : changed).add(entry.getKey());
        }
      }
      for (Target target : targets) {
        if (schedules.containsKey(target.name())) {
          unchanged++;
          continue;
        }
        if (!changed.contains(target.name())) {
          added.add(target.name());
        }
        int verticle = Math.floorMod(grid.slot(target), verticles);
        TargetSchedule schedule =
            new TargetSchedule(target, verticle, metrics, register.apply(target), waitingSchedules, history);
        schedules.put(target.name(), schedule);
        starting.get(verticle).add(schedule);
      }
    } catch (RuntimeException e) {
      failedPartWay = e;
    }
    view = List.copyOf(schedules.values());
    Diff diff = new Diff(List.copyOf(added), List.copyOf(changed), List.copyOf(removed), unchanged);
    Future<Diff> applied = deployed.compose(d -> {
      List<ProbeVerticle> all = d.verticles();
      List<Future<Void>> steps = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        steps.add(all.get(i).apply(stopping.get(i), starting.get(i), grid));
      }
      return Future.all(steps);
    }).map(diff);
    RuntimeException failure = failedPartWay;
    return failure == null ? applied : applied.transform(done -> Future.failedFuture(failure));
  }

  /** A one-off probe, outside any schedule: the verticles take turns. */
  @Override
  public Future<ProbeResult> probe(Target target) {
    return deployed.compose(d -> d.verticles().get(Math.floorMod(oneOffs.getAndIncrement(), d.verticles().size()))
        .probe(target));
  }

  /** Stops every schedule, and the verticles with them; a second stop answers as the first. */
  public synchronized Future<Void> stop() {
    if (stopped == null) {
      stopped = deployed.compose(d -> vertx.undeploy(d.id()));
    }
    return stopped;
  }

  public List<TargetSchedule> schedules() {
    return view;
  }

  /** Schedules waiting for a run: one per schedule started and not stopped, or a reload lost or doubled one. */
  public int waitingSchedules() {
    return waitingSchedules.get();
  }

  private List<List<TargetSchedule>> shares() {
    List<List<TargetSchedule>> shares = new ArrayList<>();
    for (int i = 0; i < verticles; i++) {
      shares.add(new ArrayList<>());
    }
    return shares;
  }
}
