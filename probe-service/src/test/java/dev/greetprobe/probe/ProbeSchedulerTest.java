package dev.greetprobe.probe;

import static dev.greetprobe.probe.TestServers.join;
import static dev.greetprobe.probe.TestTargets.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.greeter.GreeterConfig;
import dev.greetprobe.greeter.GreeterMetrics;
import dev.greetprobe.greeter.GreeterVerticle;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProbeSchedulerTest {

  private Vertx vertx;
  private SimpleMeterRegistry registry;
  private ProbeMetrics metrics;
  private Resolver resolver;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    registry = new SimpleMeterRegistry();
    metrics = new ProbeMetrics(registry);
    resolver = new Resolver(new ProbeConfig.Dns(List.of(), null, -1, Duration.ofSeconds(1)));
  }

  @AfterEach
  void tearDown() throws Exception {
    join(vertx.close());
    resolver.close();
  }

  @Test
  void fiveHundredTargetsAtOneSecondRunOnScheduleWithoutOverlap() throws Exception {
    GreeterVerticle greeter = new GreeterVerticle(
        new GreeterConfig("127.0.0.1", 0, GreeterConfig.DEFAULT_GREETING, 2, 1024, Duration.ofSeconds(1), false,
            new GreeterConfig.Http("127.0.0.1", 0)),
        new GreeterMetrics(new SimpleMeterRegistry()));
    join(vertx.deployVerticle(greeter));
    Recording prober = new Recording(new TcpProber(vertx, vertx.createNetClient(), resolver));
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      targets.add(target("127.0.0.1:" + greeter.actualPort()).name("t" + i).expect("^Thank You for Connecting$")
          .interval(Duration.ofSeconds(1)).timeout(Duration.ofMillis(900)).build());
    }
    ProbeScheduler scheduler = new ProbeScheduler(vertx, prober, metrics);
    join(scheduler.apply(targets));

    await().atMost(Duration.ofSeconds(15)).until(() ->
        targets.stream().allMatch(t -> prober.starts(t.name()).size() >= 5));
    join(scheduler.stop());

    assertThat(prober.maxInFlight.get()).as("probes of one target never overlap").isEqualTo(1);
    for (Target t : targets) {
      List<Long> starts = prober.starts(t.name());
      for (int k = 1; k < starts.size(); k++) {
        long drift = Math.abs(starts.get(k) - starts.get(0) - k * 1_000_000_000L);
        assertThat(drift).as("%s run %d drift (ns)", t.name(), k).isLessThan(500_000_000L);
      }
      assertThat(registry.get("probe.results").tags("target", t.name(), "result", "success").counter().count())
          .as("%s succeeded on every run", t.name()).isGreaterThanOrEqualTo(4);
    }
    long firstStart = targets.stream().mapToLong(t -> prober.starts(t.name()).get(0)).min().orElseThrow();
    long tenthsUsed = targets.stream()
        .mapToLong(t -> (prober.starts(t.name()).get(0) - firstStart) / 100_000_000L).distinct().count();
    assertThat(tenthsUsed).as("first runs spread over the interval, not all at once").isGreaterThanOrEqualTo(9);
  }

  @Test
  void aProbeStillRunningWhenTheNextIsDueSkipsThatRunAndCountsIt() {
    List<Promise<ProbeResult>> stalled = new CopyOnWriteArrayList<>();
    Prober stalling = target -> {
      Promise<ProbeResult> promise = Promise.promise();
      stalled.add(promise);
      return promise.future();
    };
    Target slow = target("127.0.0.1:1").name("slow").interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(100)).build();
    ProbeScheduler scheduler = new ProbeScheduler(vertx, stalling, metrics);
    scheduler.apply(List.of(slow));

    await().atMost(Duration.ofSeconds(5)).until(() ->
        registry.get("probe.skipped").tags("target", "slow").counter().count() >= 3);

    assertThat(stalled).as("only the first run started").hasSize(1);
  }

  @Test
  void offsetsAreStableAndInsideTheInterval() {
    Target a = target("a.test:1").name("a").interval(Duration.ofSeconds(10)).build();

    assertThat(ProbeScheduler.offsetMillis(a)).isEqualTo(ProbeScheduler.offsetMillis(a)).isBetween(0L, 9_999L);
  }

  /** Passes probes through to a real prober, noting when each started and how many of one target overlap. */
  private static final class Recording implements Prober {

    private final Prober delegate;
    private final Map<String, List<Long>> starts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    final AtomicInteger maxInFlight = new AtomicInteger();

    Recording(Prober delegate) {
      this.delegate = delegate;
    }

    @Override
    public Future<ProbeResult> probe(Target target) {
      starts.computeIfAbsent(target.name(), n -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
      AtomicInteger running = inFlight.computeIfAbsent(target.name(), n -> new AtomicInteger());
      maxInFlight.accumulateAndGet(running.incrementAndGet(), Math::max);
      return delegate.probe(target).onComplete(done -> running.decrementAndGet());
    }

    List<Long> starts(String name) {
      return starts.getOrDefault(name, List.of());
    }
  }
}
