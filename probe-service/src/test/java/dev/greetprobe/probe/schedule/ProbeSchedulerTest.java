package dev.greetprobe.probe.schedule;

import static dev.greetprobe.probe.config.TestTargets.target;
import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.EventLoopPool;
import dev.greetprobe.common.Histograms;
import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.probe.MetricValues;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.metrics.ProbeMetrics;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Prober;
import dev.greetprobe.probe.net.Result;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When the scheduler probes, on which loop, and what a reload changes. Its probers answer in-process, on their
 * verticle's loop: the schedule is what is under test here, and real sockets are the ITs' and the prober's tests'.
 */
class ProbeSchedulerTest {

  /** Every target's address: an in-process prober connects nowhere. */
  private static final String NOWHERE = "127.0.0.1:1";

  private Vertx vertx;
  private PrometheusMeterRegistry registry;
  private ProbeMetrics metrics;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    registry = Instrumentation.registry();
    metrics = new ProbeMetrics(registry, Histograms.BOTH);
  }

  @AfterEach
  void tearDown() throws Exception {
    join(vertx.close());
  }

  @Test
  void fiveHundredTargetsAtOneSecondRunOnScheduleWithoutOverlap() throws Exception {
    Recording prober = new Recording();
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      targets.add(everySecond("t" + i, Duration.ofMillis(900)));
    }
    ProbeScheduler scheduler = new ProbeScheduler(vertx, EventLoopPool.PER_CORE, prober, metrics);
    join(scheduler.apply(targets));

    await().atMost(Duration.ofSeconds(15)).until(() ->
        targets.stream().allMatch(t -> prober.starts(t.name()).size() >= 5));
    join(scheduler.stop());

    assertThat(prober.maxInFlight.get()).as("probes of one target never overlap").isEqualTo(1);
    // One scrape for all of them: a scrape a target would take longer than the schedule under test.
    Map<String, Double> successes = new HashMap<>();
    MetricValues.series(registry, "probe_results").stream().filter(s -> s.label("result").equals("success"))
        .forEach(s -> successes.put(s.label("target"), s.value()));
    for (Target t : targets) {
      List<Long> starts = prober.starts(t.name());
      for (int k = 1; k < starts.size(); k++) {
        long drift = Math.abs(starts.get(k) - starts.get(0) - k * 1_000_000_000L);
        assertThat(drift).as("%s run %d drift (ns)", t.name(), k).isLessThan(500_000_000L);
      }
      assertThat(successes.get(t.name())).as("%s succeeded on every run", t.name()).isGreaterThanOrEqualTo(4);
    }
    long firstStart = targets.stream().mapToLong(t -> prober.starts(t.name()).get(0)).min().orElseThrow();
    long tenthsUsed = targets.stream()
        .mapToLong(t -> (prober.starts(t.name()).get(0) - firstStart) / 100_000_000L).distinct().count();
    assertThat(tenthsUsed).as("first runs spread over the interval, not all at once").isGreaterThanOrEqualTo(9);

    SlotGrid grid = SlotGrid.of(targets);
    Map<Long, Set<String>> threadsBySlot = new HashMap<>();
    targets.forEach(t -> threadsBySlot.computeIfAbsent(grid.slot(t), slot -> new HashSet<>())
        .addAll(prober.startsOf(t.name()).stream().map(Start::thread).toList()));
    assertThat(threadsBySlot.values()).as("each slot's targets start on one event loop")
        .allSatisfy(threads -> assertThat(threads).hasSize(1));
    assertThat(threadsBySlot.values().stream().flatMap(Set::stream).distinct().count()).as("slots spread over the loops")
        .isEqualTo(Math.min(EventLoopPool.PER_CORE.size(), threadsBySlot.size()));
  }

  @Test
  void aProbeStillRunningWhenTheNextIsDueSkipsThatRunAndCountsIt() {
    List<Promise<ProbeResult>> stalled = new CopyOnWriteArrayList<>();
    Prober stalling = target -> {
      Promise<ProbeResult> promise = Promise.promise();
      stalled.add(promise);
      return promise.future();
    };
    Target slow = target(NOWHERE).name("slow").interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(100)).build();
    ProbeScheduler scheduler = new ProbeScheduler(vertx, EventLoopPool.PER_CORE, (context, client) -> stalling, metrics);
    scheduler.apply(List.of(slow));

    await().atMost(Duration.ofSeconds(5)).until(() ->
        MetricValues.value(registry, "probe_skipped", Map.of("target", "slow")) >= 3);

    assertThat(stalled).as("only the first run started").hasSize(1);
  }

  /** A failed future or a throw is the prober's own fault: recorded as such, and the next run probes again. */
  @Test
  void aProberThatFailsIsRecordedAsAnInternalErrorAndTheScheduleGoesOn() throws Exception {
    AtomicInteger probes = new AtomicInteger();
    Prober broken = target -> {
      int probe = probes.incrementAndGet();
      if (probe % 2 == 1) {
        throw new IllegalStateException("probe " + probe + " threw");
      }
      return Future.failedFuture(new IllegalStateException("probe " + probe + " failed its future"));
    };
    Target target = target(NOWHERE).name("a").interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(100))
        .build();
    ProbeScheduler scheduler = new ProbeScheduler(vertx, EventLoopPool.PER_CORE, (context, client) -> broken, metrics);
    join(scheduler.apply(List.of(target)));

    await().atMost(Duration.ofSeconds(5)).until(() ->
        MetricValues.value(registry, "probe_results", Map.of("target", "a", "result", "internal_error")) >= 4);
    join(scheduler.stop());

    assertThat(probes.get()).as("every run probed").isGreaterThanOrEqualTo(4);
    assertThat(MetricValues.value(registry, "probe_skipped", Map.of("target", "a"))).isZero();
    assertThat(MetricValues.value(registry, "probe_success", Map.of("target", "a"))).isZero();
    assertThat(scheduler.schedules()).singleElement().satisfies(s -> {
      assertThat(s.last().result()).isEqualTo(Result.INTERNAL_ERROR);
      assertThat(s.last().detail()).matches("the probe failed in its own code: java.lang.IllegalStateException:"
          + " probe \\d+ (threw|failed its future)");
    });
  }

  @Test
  void aTargetNotProbedYetReportsNeitherSuccessNorFailure() throws Exception {
    Prober never = target -> Promise.<ProbeResult>promise().future();
    ProbeScheduler scheduler = new ProbeScheduler(vertx, EventLoopPool.PER_CORE, (context, client) -> never, metrics);

    join(scheduler.apply(List.of(target(NOWHERE).name("a").build())));

    for (String lastProbe : List.of("probe_success", "probe_duration_seconds", "probe_dns_lookup_time_seconds",
        "probe_ip_protocol")) {
      assertThat(MetricValues.value(registry, lastProbe, Map.of("target", "a"))).as(lastProbe).isNaN();
    }
  }

  @Test
  void aChangedTargetRestartsWithItsSeriesStillRegistered() throws Exception {
    Target before = target(NOWHERE).name("a").timeout(Duration.ofSeconds(2)).build();
    Target after = target(NOWHERE).name("a").timeout(Duration.ofSeconds(1)).build();
    Prober never = target -> Promise.<ProbeResult>promise().future();
    ProbeScheduler scheduler = new ProbeScheduler(vertx, EventLoopPool.PER_CORE, (context, client) -> never, metrics);

    ProbeScheduler.Diff diff = join(scheduler.apply(List.of(before)).compose(d -> scheduler.apply(List.of(after))));

    assertThat(diff.changed()).containsExactly("a");
    assertThat(scheduler.schedules()).singleElement().satisfies(s -> assertThat(s.target()).isEqualTo(after));
    assertThat(MetricValues.of(registry, "probe_results", Map.of("target", "a"))).hasSize(Result.values().length);
    assertThat(MetricValues.of(registry, "probe_success", Map.of("target", "a"))).hasSize(1);
    assertThat(scheduler.waitingSchedules()).isEqualTo(1);
  }

  /** A reload keeps an unchanged target's history, starts a changed one's afresh and drops a removed one's. */
  @Test
  void aReloadKeepsTheHistoryOfWhatItLeavesAsItWas() throws Exception {
    ProbeResult success = new ProbeResult(Result.SUCCESS, "", Map.of(), Duration.ofMillis(1), null, null, null,
        Instant.now());
    Prober instant = target -> Future.succeededFuture(success);
    ProbeScheduler scheduler = new ProbeScheduler(vertx, EventLoopPool.PER_CORE, (context, client) -> instant, metrics);
    Duration often = Duration.ofMillis(100);
    Target kept = target(NOWHERE).name("kept").interval(often).timeout(often).build();
    Target changed = target(NOWHERE).name("changed").interval(often).timeout(often).build();
    Target removed = target(NOWHERE).name("removed").interval(often).timeout(often).build();
    join(scheduler.apply(List.of(kept, changed, removed)));
    await().atMost(Duration.ofSeconds(10)).until(() ->
        scheduler.schedules().stream().allMatch(s -> s.history().snapshot().size() >= 5));
    Map<String, ResultHistory> before = new HashMap<>();
    scheduler.schedules().forEach(s -> before.put(s.target().name(), s.history()));
    int changedResults = before.get("changed").snapshot().size();

    join(scheduler.apply(List.of(kept, target(NOWHERE).name("changed").interval(often)
        .timeout(Duration.ofMillis(90)).build())));

    Map<String, ResultHistory> after = new HashMap<>();
    scheduler.schedules().forEach(s -> after.put(s.target().name(), s.history()));
    assertThat(after).containsOnlyKeys("kept", "changed");
    assertThat(after.get("kept")).as("the unchanged target's own history, going on").isSameAs(before.get("kept"));
    assertThat(after.get("changed")).as("a new history for the changed target").isNotSameAs(before.get("changed"));
    assertThat(after.get("changed").snapshot().size()).isLessThan(changedResults);
  }

  /**
   * Twenty reloads of a thousand targets while they probe: each reload removes 50, changes 50 and adds 50, leaving 900
   * as they were. After every apply exactly one schedule per target waits for its next run, and once an apply
   * completes no removed target and no replaced setting is probed again.
   */
  @Test
  void aThousandTargetsReloadedTwentyTimesWhileProbingKeepOneWaitingScheduleEach() throws Exception {
    Recording prober = new Recording();
    Map<String, Target> current = new LinkedHashMap<>();
    for (int i = 0; i < 1000; i++) {
      current.put("t" + i, everySecond("t" + i, Duration.ofMillis(900)));
    }
    ProbeScheduler scheduler = new ProbeScheduler(vertx, EventLoopPool.PER_CORE, prober, metrics);
    join(scheduler.apply(List.copyOf(current.values())));
    Random random = new Random(20);
    // By identity: a target whose timeout goes back and forth comes back equal to a version it replaced.
    Map<Target, Long> replacedAt = new IdentityHashMap<>();
    int nextName = 1000;
    long lastApplied = 0;

    for (int reload = 0; reload < 20; reload++) {
      int probesSoFar = prober.total();
      await().atMost(Duration.ofSeconds(10)).until(() -> prober.total() >= probesSoFar + 200);
      List<String> names = new ArrayList<>(current.keySet());
      Collections.shuffle(names, random);
      Map<String, Target> next = new LinkedHashMap<>(current);
      List<Target> replaced = new ArrayList<>();
      names.subList(0, 50).forEach(name -> replaced.add(next.remove(name)));
      for (String name : names.subList(50, 100)) {
        Target old = next.get(name);
        Duration timeout = old.timeout().equals(Duration.ofMillis(900)) ? Duration.ofMillis(800) : Duration.ofMillis(900);
        next.put(name, everySecond(name, timeout));
        replaced.add(old);
      }
      for (int i = 0; i < 50; i++) {
        String name = "t" + nextName++;
        next.put(name, everySecond(name, Duration.ofMillis(900)));
      }

      ProbeScheduler.Diff diff = join(scheduler.apply(List.copyOf(next.values())));
      lastApplied = System.nanoTime();

      assertThat(List.of(diff.added().size(), diff.changed().size(), diff.removed().size(), diff.unchanged()))
          .as("reload %d: added, changed, removed, unchanged", reload).containsExactly(50, 50, 50, 900);
      assertThat(scheduler.waitingSchedules()).as("schedules waiting after reload %d", reload).isEqualTo(1000);
      assertThat(scheduler.schedules()).hasSize(1000);
      for (Target old : replaced) {
        replacedAt.put(old, lastApplied);
      }
      current.clear();
      current.putAll(next);
    }
    long settled = lastApplied;
    await().atMost(Duration.ofSeconds(15))
        .until(() -> current.keySet().stream().allMatch(name -> prober.startsSince(name, settled) >= 2));
    join(scheduler.stop());

    assertThat(scheduler.waitingSchedules()).isZero();
    for (String name : current.keySet()) {
      assertThat(prober.startsSince(name, settled)).as("%s probed once per interval, not by two schedules", name)
          .isLessThanOrEqualTo(3);
    }
    prober.starts.values().stream().flatMap(List::stream).forEach(start -> {
      Long replacedWhen = replacedAt.get(start.target());
      if (replacedWhen != null) {
        assertThat(start.nanos()).as("%s probed with settings replaced or removed before", start.target().name())
            .isLessThan(replacedWhen);
      }
    });
  }

  private static Target everySecond(String name, Duration timeout) {
    return target(NOWHERE).name(name).interval(Duration.ofSeconds(1)).timeout(timeout).build();
  }

  /** One probe as it started: with which settings, when, and on which thread. */
  private record Start(Target target, long nanos, String thread) {
  }

  /**
   * Probers that succeed on their verticle's loop at its next turn, as a probe's answer arrives, noting when each probe
   * started and how many of one target overlap.
   */
  private static final class Recording implements Prober.Factory {

    private final Map<String, List<Start>> starts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();

    @Override
    public Prober create(Context context, NetClient client) {
      return target -> probe(context, target);
    }

    private Future<ProbeResult> probe(Context context, Target target) {
      Start start = new Start(target, System.nanoTime(), Thread.currentThread().getName());
      starts.computeIfAbsent(target.name(), n -> new CopyOnWriteArrayList<>()).add(start);
      total.incrementAndGet();
      AtomicInteger running = inFlight.computeIfAbsent(target.name(), n -> new AtomicInteger());
      maxInFlight.accumulateAndGet(running.incrementAndGet(), Math::max);
      Promise<ProbeResult> answered = Promise.promise();
      context.runOnContext(v -> answered.complete(new ProbeResult(Result.SUCCESS, "", Map.of(),
          Duration.ofNanos(System.nanoTime() - start.nanos()), null, null, null, Instant.now())));
      return answered.future().onComplete(done -> running.decrementAndGet());
    }

    List<Long> starts(String name) {
      return startsOf(name).stream().map(Start::nanos).toList();
    }

    List<Start> startsOf(String name) {
      return starts.getOrDefault(name, List.of());
    }

    long startsSince(String name, long nanos) {
      return startsOf(name).stream().filter(s -> s.nanos() > nanos).count();
    }

    int total() {
      return total.get();
    }
  }
}
