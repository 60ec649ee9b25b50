package dev.greetprobe.probe.schedule;

import static dev.greetprobe.probe.ProbeHttp.successes;
import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.EventLoopPool;
import dev.greetprobe.common.Histograms;
import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.probe.ReloadScenario;
import dev.greetprobe.probe.TestGreeter;
import dev.greetprobe.probe.config.ConfigSource;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.config.TargetBudget;
import dev.greetprobe.probe.metrics.ProbeMetrics;
import dev.greetprobe.probe.net.Resolver;
import dev.greetprobe.probe.net.TcpProber;
import dev.greetprobe.testkit.Ports;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reloader without a service: a config is applied whole or not at all. */
class ReloaderTest {

  /** Long enough that only the trigger under test can reload. */
  private static final String NEVER = "1h";
  /** Only catches a hang. */
  private static final Duration HANG = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private Vertx vertx;
  private ReloadScenario scenario;
  private ProbeScheduler scheduler;
  private Resolver resolver;

  @BeforeEach
  void startGreeter() throws Exception {
    PrometheusMeterRegistry registry = Instrumentation.registry();
    vertx = Instrumentation.vertx(registry, true);
    int greeterPort = TestGreeter.start(vertx, 1, registry);
    scenario = new ReloadScenario(greeterPort, Ports.free());
  }

  @AfterEach
  void stop() throws Exception {
    if (scheduler != null) {
      join(scheduler.stop());
      resolver.close();
    }
    join(vertx.close());
  }

  /** The heap holds three targets: a config of four is refused before anything changes. */
  @Test
  void aConfigOfMoreTargetsThanTheHeapHoldsIsRefusedAndTheOldOnesRunOn() throws Exception {
    PrometheusMeterRegistry own = Instrumentation.registry();
    Path config = Files.writeString(dir.resolve("probe.yaml"), scenario.before(NEVER));
    // Three targets, and room for their expect texts.
    TargetBudget budget = new TargetBudget(TargetBudget.RESERVED_BYTES + 3 * TargetBudget.BYTES_PER_TARGET + 1024);
    Reloader reloader = startReloader(new ConfigSource.File(config, Map.of()), own, budget);
    Files.writeString(config, scenario.config(NEVER, scenario.target("keep", ""), scenario.target("change", ""),
        scenario.target("fresh", ""), scenario.target("more", "")));

    Reloader.Outcome outcome = join(reloader.reload("test"));

    assertThat(outcome).isEqualTo(new Reloader.Refused("targets: this instance would probe 4 targets, more than its"
        + " heap of 64 MiB holds (3, at 32 KiB a target beyond 64 MiB, less their send, expect and label texts: 0 KiB);"
        + " give it more heap (-Xmx), or split the targets over more shards (shard.count)"));
    assertRunsTheTargetsBefore(reloader, own);
    ConfigSource source = new ConfigSource.File(config, Map.of());
    String over = Files.readString(config);
    assertThatThrownBy(() -> new Reloader(vertx, source, scheduler, new ProbeMetrics(Instrumentation.registry(), Histograms.BOTH),
        source.parse(over), over, budget))
        .as("nor does the probe start on it")
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("targets: this instance would probe 4 targets");
  }

  /** The meters of one new target are refused, after the apply has already changed others. */
  @Test
  void anApplyThatFailsPartWayIsUndoneWhole() throws Exception {
    PrometheusMeterRegistry own = Instrumentation.registry();
    Path config = Files.writeString(dir.resolve("probe.yaml"), scenario.before(NEVER));
    Reloader reloader = startReloader(new ConfigSource.File(config, Map.of()), own, TargetBudget.ofThisHeap(),
        "poison");
    Files.writeString(config, scenario.config(NEVER, scenario.target("keep", ""),
        scenario.target("change", ", timeout: 90ms"), scenario.target("fresh", ""), scenario.target("poison", "")));

    Reloader.Outcome outcome = join(reloader.reload("test"));

    assertThat(outcome).isEqualTo(new Reloader.Refused(
        "applying failed part way (no meters for poison); the targets before it were restored"));
    assertRunsTheTargetsBefore(reloader, own);
    assertThat(reloader.assignment().held().get(1).timeout()).isEqualTo(Duration.ofMillis(100));
  }

  /** A reloader as the service builds one, on {@code registry}, with {@code budget}; started. */
  private Reloader startReloader(ConfigSource source, PrometheusMeterRegistry registry, TargetBudget budget)
      throws Exception {
    return startReloader(source, registry, budget, null);
  }

  /** The same, with the meters of the target named {@code refused} refused as it registers. */
  private Reloader startReloader(ConfigSource source, PrometheusMeterRegistry registry, TargetBudget budget,
      String refused) throws Exception {
    String text = join(source.read(vertx));
    ProbeConfig config = source.parse(text);
    resolver = new Resolver(config.dns());
    ProbeMetrics metrics = new ProbeMetrics(registry, Histograms.BOTH);
    scheduler = new ProbeScheduler(vertx, EventLoopPool.PER_CORE, TcpProber.factory(resolver), metrics, target -> {
      if (target.name().equals(refused)) {
        throw new IllegalStateException("no meters for " + refused);
      }
      return metrics.register(target);
    });
    Reloader reloader = new Reloader(vertx, source, scheduler, metrics, config, text, budget);
    join(reloader.start());
    return reloader;
  }

  /**
   * The scheduler runs the targets of {@link ReloadScenario#before} and nothing else, and what {@code /targets} shows
   * (the reloader's assignment) and {@code probe_targets} say the same; they go on probing.
   */
  private void assertRunsTheTargetsBefore(Reloader reloader, PrometheusMeterRegistry registry) {
    List<String> before = List.of("keep", "change", "gone");
    assertThat(scheduler.schedules()).extracting(s -> s.target().name()).containsExactlyElementsOf(before);
    assertThat(reloader.assignment().held()).extracting(Target::name).containsExactlyElementsOf(before);
    assertThat(scheduler.waitingSchedules()).isEqualTo(3);
    assertThat(registry.scrape())
        .contains("probe_targets{ownership=\"held\"} 3.0")
        .contains("probe_config_last_reload_successful 0.0");
    for (String target : before) {
      double runs = successes(registry.scrape(), target);
      await().atMost(HANG).untilAsserted(() -> assertThat(successes(registry.scrape(), target)).isGreaterThan(runs));
    }
  }
}
