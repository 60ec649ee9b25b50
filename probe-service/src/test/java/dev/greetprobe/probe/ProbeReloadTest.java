package dev.greetprobe.probe;

import static dev.greetprobe.probe.ProbeHttp.metrics;
import static dev.greetprobe.probe.ProbeHttp.post;
import static dev.greetprobe.probe.ProbeHttp.sample;
import static dev.greetprobe.probe.ProbeHttp.successes;
import static dev.greetprobe.probe.TestServers.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.greetprobe.common.Instrumentation;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/** The config changes while the probe runs: by file, by symlink swap, by HTTP; bad configs change nothing. */
class ProbeReloadTest {

  /** Long enough that only the trigger under test can reload. */
  private static final String NEVER = "1h";
  private static final String OFTEN = "100ms";

  @TempDir
  Path dir;

  private Vertx vertx;
  private PrometheusMeterRegistry registry;
  private ProbeService service;
  private ReloadScenario scenario;
  private int httpPort;

  @BeforeEach
  void startGreeter() throws Exception {
    registry = Instrumentation.registry();
    vertx = Instrumentation.vertx(registry, true);
    int greeterPort = TestGreeter.start(vertx, 1, registry);
    httpPort = ProbeHttp.freePort();
    scenario = new ReloadScenario(greeterPort, httpPort);
  }

  @AfterEach
  void stop() throws Exception {
    if (service != null) {
      join(service.stop());
    }
    join(vertx.close());
  }

  @Test
  void rewritingTheFileAppliesTheDiff() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), scenario.before(OFTEN));
    start(new ConfigSource.File(config, Map.of()));
    double keep = scenario.awaitRunning();

    Files.writeString(config, scenario.after(OFTEN));

    scenario.awaitApplied(keep);
  }

  /**
   * The kubelet mounts a ConfigMap as {@code dir/config.yaml -> ..data/config.yaml} with {@code ..data ->
   * ..<timestamp>}, and updates it by writing a new timestamped directory, pointing a temporary link at it and renaming
   * that over {@code ..data}: the path the probe reads never changes, nor does its symlink.
   */
  @Test
  void aKubeletStyleSymlinkSwapIsSeen() throws Exception {
    Path mount = Files.createDirectory(dir.resolve("configmap"));
    Path first = Files.createDirectory(mount.resolve("..2026_01_05_10_00_00.000000001"));
    Files.writeString(first.resolve("config.yaml"), scenario.before(OFTEN));
    Files.createSymbolicLink(mount.resolve("..data"), first.getFileName());
    Path config = Files.createSymbolicLink(mount.resolve("config.yaml"), Path.of("..data", "config.yaml"));
    start(new ConfigSource.File(config, Map.of()));
    double keep = scenario.awaitRunning();

    Path second = Files.createDirectory(mount.resolve("..2026_01_05_10_05_00.000000002"));
    Files.writeString(second.resolve("config.yaml"), scenario.after(OFTEN));
    Path link = Files.createSymbolicLink(mount.resolve("..data_tmp"), second.getFileName());
    Files.move(link, mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    Files.delete(first.resolve("config.yaml"));
    Files.delete(first);

    scenario.awaitApplied(keep);
    assertThat(Files.readSymbolicLink(config)).isEqualTo(Path.of("..data", "config.yaml"));
  }

  @Test
  void postReloadAppliesTheDiffAndAnswersWithIt() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), scenario.before(NEVER));
    start(new ConfigSource.File(config, Map.of()));
    double keep = scenario.awaitRunning();
    Files.writeString(config, scenario.after(NEVER));

    HttpResponse<String> response = post(httpPort, "/-/reload");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonObject summary = new JsonObject(response.body());
    assertThat(summary.getJsonArray("added")).isEqualTo(new JsonArray(List.of("fresh")));
    assertThat(summary.getJsonArray("changed")).isEqualTo(new JsonArray(List.of("change")));
    assertThat(summary.getJsonArray("removed")).isEqualTo(new JsonArray(List.of("gone")));
    assertThat(summary.getInteger("unchanged")).isEqualTo(1);
    assertThat(summary.getJsonArray("restart_required")).isEmpty();
    assertThat(summary.getJsonObject("shard")).isEqualTo(new JsonObject().put("index", 0).put("count", 1));
    assertThat(summary.getInteger("targets")).isEqualTo(3);
    assertThat(summary.getInteger("elsewhere")).isZero();
    assertThat(summary.getString("sha256")).isEqualTo(Reloader.sha256(Files.readString(config)));
    scenario.awaitApplied(keep);
  }

  @Test
  void httpAndDnsChangesWaitForARestartAndSaySo() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), scenario.before(NEVER));
    start(new ConfigSource.File(config, Map.of()));
    int otherPort = ProbeHttp.freePort();
    Files.writeString(config, scenario.before(NEVER)
        .replace("port: " + httpPort, "port: " + otherPort)
        .replace("targets:", "dns: {servers: ['127.0.0.1:5353']}\ntargets:"));

    HttpResponse<String> response = post(httpPort, "/-/reload");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject summary = new JsonObject(response.body());
    assertThat(summary.getJsonArray("restart_required")).isEqualTo(new JsonArray(List.of("http", "dns")));
    assertThat(summary.getInteger("unchanged")).isEqualTo(3);
    assertThat(new JsonObject(post(httpPort, "/-/reload").body()).getJsonArray("restart_required"))
        .as("still listening where it started, and still saying so")
        .isEqualTo(new JsonArray(List.of("http", "dns")));
  }

  /** Every config that fails validation, and text that is no YAML at all. */
  static Stream<String> invalidConfigs() throws Exception {
    try (Stream<Path> files = Files.list(ProbeConfigTest.fixture("valid-full.yaml").getParent())) {
      return Stream.concat(
          files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("invalid-")).sorted().toList().stream(),
          Stream.of("targets: [ {name: a"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidConfigs")
  void anInvalidConfigIsRefusedAndTheRunningOneKeepsProbing(String invalid) throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), scenario.before(NEVER));
    ConfigSource source = new ConfigSource.File(config, Map.of());
    start(source);
    scenario.awaitRunning();
    String before = metrics(httpPort);
    String text = invalid.endsWith(".yaml") ? Files.readString(ProbeConfigTest.fixture(invalid)) : invalid;
    Files.writeString(config, text);

    HttpResponse<String> refused = post(httpPort, "/-/reload");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).isEqualTo(catchThrowable(() -> source.parse(text)).getMessage() + "\n");
    String after = metrics(httpPort);
    assertThat(after)
        .contains("probe_config_last_reload_successful 0.0")
        .contains("probe_targets 3.0");
    assertThat(sample(after, "probe_config_last_reload_success_timestamp_seconds"))
        .isEqualTo(sample(before, "probe_config_last_reload_success_timestamp_seconds"));
    for (String target : List.of("keep", "change", "gone")) {
      double runs = successes(after, target);
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .untilAsserted(() -> assertThat(successes(metrics(httpPort), target)).isGreaterThan(runs));
    }

    Files.writeString(config, scenario.after(NEVER));
    assertThat(post(httpPort, "/-/reload").statusCode()).isEqualTo(200);

    String recovered = metrics(httpPort);
    assertThat(recovered).contains("probe_config_last_reload_successful 1.0");
    assertThat(sample(recovered, "probe_config_last_reload_success_timestamp_seconds"))
        .isGreaterThan(sample(before, "probe_config_last_reload_success_timestamp_seconds"));
  }

  @Test
  void aBadFileIsLoggedWithItsKeyOnceAndKeptOutUntilAGoodOneReplacesIt() throws Exception {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger reloaderLog = (Logger) LoggerFactory.getLogger(Reloader.class);
    reloaderLog.addAppender(log);
    try {
      Path config = Files.writeString(dir.resolve("probe.yaml"), scenario.before(OFTEN));
      start(new ConfigSource.File(config, Map.of()));
      double keep = scenario.awaitRunning();

      Files.writeString(config, scenario.config(OFTEN,
          scenario.target("keep", ""), scenario.target("change", ", timeout: 1s"), scenario.target("gone", "")));

      await().atMost(Duration.ofSeconds(10))
          .until(() -> metrics(httpPort).contains("probe_config_last_reload_successful 0.0"));
      double refusedAt = successes(metrics(httpPort), "keep");
      await().atMost(Duration.ofSeconds(10))
          .until(() -> successes(metrics(httpPort), "keep") >= refusedAt + 5);
      assertThat(log.list).filteredOn(e -> e.getLevel().toString().equals("ERROR"))
          .as("refused once, not again at every check of the unchanged file")
          .singleElement()
          .satisfies(e -> assertThat(e.getFormattedMessage())
              .contains("refused (file changed)")
              .endsWith("target 'change': timeout: 1s exceeds the interval of 100ms"));

      Files.writeString(config, scenario.after(OFTEN));

      scenario.awaitApplied(keep);
    } finally {
      reloaderLog.detachAppender(log);
    }
  }

  @Test
  void aMissingFileIsRefusedLikeAnInvalidOne() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), scenario.before(NEVER));
    start(new ConfigSource.File(config, Map.of()));
    Files.delete(config);

    HttpResponse<String> refused = post(httpPort, "/-/reload");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).isEqualTo("cannot read config file " + config + ": no such file\n");
    assertThat(metrics(httpPort)).contains("probe_config_last_reload_successful 0.0").contains("probe_targets 3.0");
  }

  /** Without {@code --config} there is no file: a reload applies the built-in text again, which changes nothing. */
  @Test
  void aFixedConfigReloadsAsItselfWithNothingChanged() throws Exception {
    start(new ConfigSource.Fixed(scenario.before(OFTEN), "the built-in config", Map.of()));
    scenario.awaitRunning();

    HttpResponse<String> response = post(httpPort, "/-/reload");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject summary = new JsonObject(response.body());
    assertThat(summary.getJsonArray("added")).isEmpty();
    assertThat(summary.getJsonArray("changed")).isEmpty();
    assertThat(summary.getJsonArray("removed")).isEmpty();
    assertThat(summary.getInteger("unchanged")).isEqualTo(3);
  }

  @Test
  void reloadIsAPostAndRefusedOnceTheProbeStops() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), scenario.before(NEVER));
    start(new ConfigSource.File(config, Map.of()));

    assertThat(ProbeHttp.get(httpPort, "/-/reload").statusCode()).isEqualTo(405);
    join(service.stop());
    HttpResponse<String> stopping = post(httpPort, "/-/reload");
    assertThat(stopping.statusCode()).isEqualTo(503);
    assertThat(stopping.body()).isEqualTo("the probe is stopping\n");
    assertThat(service.scheduler().liveTimers()).isZero();
  }

  private void start(ConfigSource source) throws Exception {
    service = new ProbeService(vertx, registry, source, join(source.read(vertx)));
    join(service.start());
  }
}
