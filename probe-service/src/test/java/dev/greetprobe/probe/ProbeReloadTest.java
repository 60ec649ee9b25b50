package dev.greetprobe.probe;

import static dev.greetprobe.probe.ProbeHttp.metrics;
import static dev.greetprobe.probe.ProbeHttp.post;
import static dev.greetprobe.probe.ProbeHttp.successes;
import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.greetprobe.common.ConfigFile;
import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.probe.config.ConfigSource;
import dev.greetprobe.probe.config.ProbeConfigTest;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import dev.greetprobe.probe.schedule.Reloader;
import dev.greetprobe.testkit.Ports;
import dev.greetprobe.testkit.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
  /** Only catches a hang. */
  private static final Duration HANG = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private Vertx vertx;
  private PrometheusMeterRegistry registry;
  private ProbeService service;
  private ReloadScenario scenario;
  private int httpPort;
  /** Lets go of the reads a {@link StallingSource} blocked. */
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void startGreeter() throws Exception {
    registry = Instrumentation.registry();
    vertx = Instrumentation.vertx(registry, true);
    int greeterPort = TestGreeter.start(vertx, 1, registry);
    httpPort = Ports.free();
    scenario = new ReloadScenario(greeterPort, httpPort);
  }

  @AfterEach
  void stop() throws Exception {
    release.countDown();
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
    // Settling for an hour: only the swap, seen as a new file, can apply it within the test.
    Files.writeString(first.resolve("config.yaml"), scenario.before(OFTEN).replace("settle: 200ms", "settle: 1h"));
    Files.createSymbolicLink(mount.resolve("..data"), first.getFileName());
    Path config = Files.createSymbolicLink(mount.resolve("config.yaml"), Path.of("..data", "config.yaml"));
    start(new ConfigSource.File(config, Map.of()));
    double keep = scenario.awaitRunning();

    Path second = Files.createDirectory(mount.resolve("..2026_01_05_10_05_00.000000002"));
    Files.writeString(second.resolve("config.yaml"), scenario.after(OFTEN).replace("settle: 200ms", "settle: 1h"));
    Path link = Files.createSymbolicLink(mount.resolve("..data_tmp"), second.getFileName());
    Files.move(link, mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    Files.delete(first.resolve("config.yaml"));
    Files.delete(first);

    scenario.awaitApplied(keep);
    assertThat(Files.readSymbolicLink(config)).isEqualTo(Path.of("..data", "config.yaml"));
  }

  /**
   * A writer that stops half way through rewriting the file in place, for longer than the interval: what it wrote so
   * far is a valid config, but it is applied only once the file has gone unwritten for reload.settle, whole by then.
   */
  @Test
  void aFileRewrittenInPlaceIsAppliedOnlyOnceItHasSettled() throws Exception {
    String settling = "settle: 2s";
    Path config = Files.writeString(dir.resolve("probe.yaml"), scenario.before(OFTEN).replace("settle: 200ms", settling));
    start(new ConfigSource.File(config, Map.of()));
    double keep = scenario.awaitRunning();
    String whole = scenario.after(OFTEN).replace("settle: 200ms", settling);

    Files.writeString(config, whole.substring(0, whole.lastIndexOf("  - ")));

    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> service.scheduler().schedules()
        .stream().map(s -> s.target().name()).sorted().toList().equals(List.of("change", "gone", "keep")));
    Files.writeString(config, whole);
    scenario.awaitApplied(keep);
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
    int otherPort = Ports.free();
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
    Files.write(config, invalid.endsWith(".yaml") ? Files.readAllBytes(ProbeConfigTest.fixture(invalid))
        : invalid.getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> refused = post(httpPort, "/-/reload");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body())
        .isEqualTo(catchThrowable(() -> source.parse(ConfigFile.read(config))).getMessage() + "\n");
    String after = metrics(httpPort);
    assertThat(after)
        .contains("probe_config_last_reload_successful 0.0")
        .contains("probe_targets{ownership=\"held\"} 3.0");
    assertThat(PrometheusText.parse(after).value("probe_config_last_reload_success_timestamp_seconds"))
        .isEqualTo(PrometheusText.parse(before).value("probe_config_last_reload_success_timestamp_seconds"));
    for (String target : List.of("keep", "change", "gone")) {
      double runs = successes(after, target);
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .untilAsserted(() -> assertThat(successes(metrics(httpPort), target)).isGreaterThan(runs));
    }

    Files.writeString(config, scenario.after(NEVER));
    assertThat(post(httpPort, "/-/reload").statusCode()).isEqualTo(200);

    String recovered = metrics(httpPort);
    assertThat(recovered).contains("probe_config_last_reload_successful 1.0");
    assertThat(PrometheusText.parse(recovered).value("probe_config_last_reload_success_timestamp_seconds"))
        .isGreaterThan(PrometheusText.parse(before).value("probe_config_last_reload_success_timestamp_seconds"));
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

  /**
   * A read that blocks its worker, as opening a pipe did, is refused at {@code reload.timeout}; the next reload, the
   * watcher and a stop go on while it is still blocked.
   */
  @Test
  void aReadThatBlocksIsRefusedAtTheTimeoutAndHoldsNothingUp() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), withTimeout(scenario.before(NEVER)));
    StallingSource source = new StallingSource(new ConfigSource.File(config, Map.of()));
    start(source);
    double keep = scenario.awaitRunning();
    source.stall();

    HttpResponse<String> refused = post(httpPort, "/-/reload");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).isEqualTo(
        "reading and validating config file " + config + " took longer than 300ms, so it was abandoned\n");
    assertThat(metrics(httpPort)).contains("probe_config_last_reload_successful 0.0").contains("probe_targets{ownership=\"held\"} 3.0");

    source.flow();
    Files.writeString(config, withTimeout(scenario.after(NEVER)));
    HttpResponse<String> applied = post(httpPort, "/-/reload");

    assertThat(applied.statusCode()).as("the next reload runs while the first read is still blocked").isEqualTo(200);
    assertThat(source.blocked()).isOne();
    scenario.awaitApplied(keep);
  }

  @Test
  void theWatcherGoesOnPastABlockedRead() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), withTimeout(scenario.before(OFTEN)));
    StallingSource source = new StallingSource(new ConfigSource.File(config, Map.of()));
    start(source);
    double keep = scenario.awaitRunning();
    source.stall();
    Files.writeString(config, withTimeout(scenario.after(OFTEN)));
    await().atMost(HANG).until(() -> source.blocked() >= 1);

    source.flow();

    scenario.awaitApplied(keep);
  }

  @Test
  void aStopEndsAReloadWhoseReadIsBlocked() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), scenario.before(NEVER));
    StallingSource source = new StallingSource(new ConfigSource.File(config, Map.of()));
    start(source);
    scenario.awaitRunning();
    source.stall();
    var reload = service.reload("test");
    await().atMost(HANG).until(() -> source.blocked() == 1);

    join(service.stop());

    assertThat(catchThrowable(() -> join(reload))).hasMessageContaining("the probe is stopping");
    assertThat(service.scheduler().waitingSchedules()).isZero();
  }

  /**
   * A file rewritten in place and read part way through: the watcher's next read finds only the first target, the
   * reads after it the whole file. Only the whole file is applied, once two checks in a row read it.
   */
  @Test
  void theWatcherAppliesAFileOnlyOnceItReadsTheSameTwice() throws Exception {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger reloaderLog = (Logger) LoggerFactory.getLogger(Reloader.class);
    reloaderLog.addAppender(log);
    try {
      Path config = Files.writeString(dir.resolve("probe.yaml"), scenario.before(OFTEN));
      ScriptedSource source = new ScriptedSource(new ConfigSource.File(config, Map.of()));
      start(source);
      double keep = scenario.awaitRunning();

      source.thenRead(scenario.config(OFTEN, scenario.target("keep", "")));
      Files.writeString(config, scenario.after(OFTEN));

      scenario.awaitApplied(keep);
      assertThat(log.list).filteredOn(e -> e.getFormattedMessage().contains("reloaded (file changed"))
          .singleElement()
          .satisfies(e -> assertThat(e.getFormattedMessage())
              .contains(": 1 added, 1 changed, 1 removed, 1 unchanged;"));
      assertThat(source.scriptRead()).as("the half-written text was read").isTrue();
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
    assertThat(metrics(httpPort)).contains("probe_config_last_reload_successful 0.0").contains("probe_targets{ownership=\"held\"} 3.0");
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

  /** As Prometheus' lifecycle API: anyone who reaches the port could otherwise make the probe read its file. */
  @Test
  void postReloadIsRefusedWith403UnlessReloadHttpIsOn() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), scenario.before(NEVER).replace(", http: true", ""));
    start(new ConfigSource.File(config, Map.of()));
    scenario.awaitRunning();
    Files.writeString(config, scenario.after(NEVER).replace(", http: true", ""));

    HttpResponse<String> refused = post(httpPort, "/-/reload");

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).isEqualTo("reloading over HTTP is off (reload.http is false): change the file, or send"
        + " the probe SIGHUP\n");
    assertThat(service.scheduler().schedules()).extracting(s -> s.target().name())
        .containsExactlyInAnyOrder("keep", "change", "gone");
  }

  /**
   * A target's labels are part of it: a new value is a changed target, whose series and {@code /targets} entry carry
   * the new value; a config whose targets carry different label names is refused, and the running labels stay.
   */
  @Test
  void aLabelsNewValueChangesItsTargetAndMismatchedLabelNamesAreRefused() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), labelled(", labels: {team: payments}"));
    start(new ConfigSource.File(config, Map.of()));
    await().atMost(HANG).untilAsserted(() ->
        assertThat(metrics(httpPort)).contains("probe_success{target=\"change\",team=\"payments\"} 1.0"));

    Files.writeString(config, labelled(""));
    HttpResponse<String> refused = post(httpPort, "/-/reload");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("target 'change': labels: key 'team' is missing; every target must carry the "
        + "same label names (team)");
    assertThat(metrics(httpPort)).contains("probe_success{target=\"change\",team=\"payments\"}");

    Files.writeString(config, labelled(", labels: {team: storage}"));
    HttpResponse<String> applied = post(httpPort, "/-/reload");

    assertThat(applied.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(applied.body()).getJsonArray("changed")).containsExactly("change");
    assertThat(new JsonObject(applied.body()).getInteger("unchanged")).isEqualTo(1);
    await().atMost(HANG).untilAsserted(() -> assertThat(metrics(httpPort))
        .contains("probe_success{target=\"change\",team=\"storage\"} 1.0")
        .contains("probe_success{target=\"keep\",team=\"payments\"} 1.0")
        .doesNotContain("target=\"change\",team=\"payments\""));
    assertThat(ProbeHttp.targets(httpPort).getJsonArray("targets").stream().map(JsonObject.class::cast)
        .map(t -> t.getString("name") + " " + t.getJsonObject("labels").encode()))
        .containsExactly("change {\"team\":\"storage\"}", "keep {\"team\":\"payments\"}");
  }

  /** Targets {@code keep}, of the team payments, and {@code change}, with {@code labels}. */
  private String labelled(String labels) {
    return scenario.config(NEVER, scenario.target("keep", ", labels: {team: payments}"),
        scenario.target("change", labels));
  }

  /** A rotated CA file, the config's text unchanged: the reload reads it, calls the target changed, and it succeeds. */
  @Test
  void aRotatedCaFileIsReadAgainByAReloadAndChangesTheTarget() throws Exception {
    SelfSignedCertificate served = SelfSignedCertificate.create("localhost");
    SelfSignedCertificate other = SelfSignedCertificate.create("localhost");
    int tlsPort = TestServers.listen(vertx, new NetServerOptions().setSsl(true)
        .setKeyCertOptions(served.keyCertOptions()), socket -> socket.end(Buffer.buffer("hello"))).actualPort();
    Path ca = Files.copy(Path.of(other.certificatePath()), dir.resolve("ca.pem"));
    Path config = Files.writeString(dir.resolve("probe.yaml"), """
        http: {host: 127.0.0.1, port: %d}
        reload: {interval: 1h, http: true}
        defaults: {interval: 1s, timeout: 1s}
        targets:
          - {name: secure, address: '127.0.0.1:%d', tls: true, server_name: localhost, ca_file: '%s'}
        """.formatted(httpPort, tlsPort, ca));
    start(new ConfigSource.File(config, Map.of()));
    await().atMost(HANG).until(() -> last() != null && last().result() == Result.TLS_ERROR);

    Files.copy(Path.of(served.certificatePath()), ca, StandardCopyOption.REPLACE_EXISTING);
    HttpResponse<String> reload = post(httpPort, "/-/reload");

    assertThat(reload.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(reload.body()).getJsonArray("changed")).containsExactly("secure");
    await().atMost(HANG).until(() -> last() != null && last().result() == Result.SUCCESS);
  }

  /** The watcher reads the TLS files the targets name too: a rotated CA applies with no reload asked for. */
  @Test
  void theWatcherSeesARotatedCaFile() throws Exception {
    SelfSignedCertificate served = SelfSignedCertificate.create("localhost");
    SelfSignedCertificate other = SelfSignedCertificate.create("localhost");
    int tlsPort = TestServers.listen(vertx, new NetServerOptions().setSsl(true)
        .setKeyCertOptions(served.keyCertOptions()), socket -> socket.end(Buffer.buffer("hello"))).actualPort();
    Path ca = Files.copy(Path.of(other.certificatePath()), dir.resolve("ca.pem"));
    Path config = Files.writeString(dir.resolve("probe.yaml"), """
        http: {host: 127.0.0.1, port: %d}
        reload: {interval: 100ms, settle: 100ms}
        defaults: {interval: 1s, timeout: 1s}
        targets:
          - {name: secure, address: '127.0.0.1:%d', tls: true, server_name: localhost, ca_file: '%s'}
        """.formatted(httpPort, tlsPort, ca));
    start(new ConfigSource.File(config, Map.of()));
    await().atMost(HANG).until(() -> last() != null && last().result() == Result.TLS_ERROR);

    Files.copy(Path.of(served.certificatePath()), ca, StandardCopyOption.REPLACE_EXISTING);

    await().atMost(HANG).until(() -> last() != null && last().result() == Result.SUCCESS);
  }

  private ProbeResult last() {
    return service.scheduler().schedules().get(0).last();
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
    assertThat(service.scheduler().waitingSchedules()).isZero();
  }

  private void start(ConfigSource source) throws Exception {
    service = new ProbeService(vertx, registry, source, join(source.read(vertx)));
    join(service.start());
  }

  /** {@code config} with reads and validation given 300ms. */
  private static String withTimeout(String config) {
    return config.replaceFirst("http: true", "http: true, timeout: 300ms");
  }

  /** A config file whose next read, once {@link #thenRead} is called, gives that text instead of the file's. */
  private static final class ScriptedSource implements ConfigSource {

    private final ConfigSource.File file;
    private final AtomicReference<String> script = new AtomicReference<>();
    private volatile boolean scriptRead;

    ScriptedSource(ConfigSource.File file) {
      this.file = file;
    }

    void thenRead(String text) {
      script.set(text);
    }

    boolean scriptRead() {
      return scriptRead;
    }

    @Override
    public String origin() {
      return file.origin();
    }

    @Override
    public Future<String> read(Vertx vertx) {
      String text = script.getAndSet(null);
      if (text == null) {
        return file.read(vertx);
      }
      scriptRead = true;
      return Future.succeededFuture(text);
    }

    @Override
    public boolean changes() {
      return true;
    }

    @Override
    public Map<String, String> environment() {
      return Map.of();
    }
  }

  /**
   * A config file whose reads, once {@link #stall()} is called, block their worker thread until {@link #flow()}, as
   * opening a pipe blocks until a writer comes. Reads made after {@code flow()} run at once; the blocked ones stay
   * blocked until the test ends.
   */
  private final class StallingSource implements ConfigSource {

    private final ConfigSource.File file;
    private final AtomicInteger blocked = new AtomicInteger();
    private volatile boolean stalled;

    StallingSource(ConfigSource.File file) {
      this.file = file;
    }

    void stall() {
      stalled = true;
    }

    void flow() {
      stalled = false;
    }

    int blocked() {
      return blocked.get();
    }

    @Override
    public String origin() {
      return file.origin();
    }

    @Override
    public Future<String> read(Vertx vertx) {
      if (!stalled) {
        return file.read(vertx);
      }
      return vertx.executeBlocking(() -> {
        blocked.incrementAndGet();
        release.await();
        return ConfigFile.read(file.path());
      }, false);
    }

    @Override
    public boolean changes() {
      return true;
    }

    @Override
    public Map<String, String> environment() {
      return Map.of();
    }
  }
}
