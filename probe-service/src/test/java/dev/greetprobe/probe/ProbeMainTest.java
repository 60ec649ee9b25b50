package dev.greetprobe.probe;

import static dev.greetprobe.probe.TestServers.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.config.Shard;
import dev.greetprobe.probe.epoll.BareSockets;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as an operator meets it: a real JVM, real signals. */
class ProbeMainTest {

  /** Two targets, one over TLS, whose names the shards of two split one way or the other. */
  private static final String TWO_TARGETS = """
      targets:
        - name: greeter
          address: 127.0.0.1:12345
        - name: apple
          address: www.apple.com:443
          tls: true
      """;

  @TempDir
  Path dir;

  private Process process;
  private Vertx vertx;

  @AfterEach
  void kill() throws Exception {
    if (process != null) {
      process.destroyForcibly();
    }
    if (vertx != null) {
      join(vertx.close());
    }
  }

  @Test
  void helpListsTheEnvironmentOverrides() throws Exception {
    Result result = run("--help");

    assertThat(result.code).isZero();
    assertThat(result.out).contains("--config FILE").contains("--check-config FILE").contains("check HOST:PORT")
        .contains("SIGHUP").contains("POST /-/reload").contains("PROBE_SHARD_COUNT").contains("PROBE_SHARD_INDEX");
  }

  @Test
  void aConfigErrorAtStartNamesTheKeyAndExitsTwo() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), "shard: {count: 2, index: 2}\n");

    Result result = run("--config", config.toString());

    assertThat(result.code).isEqualTo(2);
    assertThat(result.err).isEqualTo("probe: shard.index: 2 is outside 0..1 (shard.count is 2)\n");
  }

  @Test
  void aMissingConfigFileExitsTwo() throws Exception {
    Path missing = dir.resolve("missing.yaml");

    Result result = run("--config", missing.toString());

    assertThat(result.code).isEqualTo(2);
    assertThat(result.err).isEqualTo("probe: cannot read config file " + missing + ": no such file\n");
  }

  /** Beside a probe that runs on the same port, as a new config is checked before it is rolled out. */
  @Test
  void checkConfigSummarisesAValidFileAndStartsNothing() throws Exception {
    try (ServerSocket http = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path config = Files.writeString(dir.resolve("probe.yaml"), "http: {host: 127.0.0.1, port: "
          + http.getLocalPort() + "}\n" + TWO_TARGETS);

      Result result = run("--check-config", config.toString());

      assertThat(result.code).isZero();
      assertThat(result.out).isEqualTo("probe config OK: 2 targets (1 tls), shard 0/1, transport vertx\n");
      assertThat(result.err).isEmpty();
    }
  }

  @Test
  void checkConfigRefusesAnInvalidFileWithTheMessageAStartStopsWith() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), "shard: {count: 2, index: 2}\ntargets: []\n");

    Result check = run("--check-config", config.toString());
    Result start = run("--config", config.toString());

    assertThat(check.code).isEqualTo(2);
    assertThat(check.err).isEqualTo("probe: shard.index: 2 is outside 0..1 (shard.count is 2)\n")
        .isEqualTo(start.err);
    assertThat(check.out).isEmpty();
  }

  @Test
  void checkConfigRefusesAMissingFileAsAStartDoes() throws Exception {
    Path missing = dir.resolve("missing.yaml");

    Result check = run("--check-config", missing.toString());
    Result start = run("--config", missing.toString());

    assertThat(check.code).isEqualTo(2);
    assertThat(check.err).isEqualTo("probe: cannot read config file " + missing + ": no such file\n")
        .isEqualTo(start.err);
  }

  /** A pod passes its own name as the shard index; the check takes it as that pod's start would. */
  @Test
  void checkConfigAppliesTheEnvironmentAsAStartDoesAndNamesWhatItApplied() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), TWO_TARGETS);
    Map<String, String> pod = Map.of("PROBE_SHARD_COUNT", "2", "PROBE_SHARD_INDEX", "probe-1");
    long held = Stream.of("greeter", "apple").filter(new Shard(1, 2)::holds).count();

    Result second = run(pod, "--check-config", config.toString());
    Map<String, String> podTooMany = Map.of("PROBE_SHARD_COUNT", "2", "PROBE_SHARD_INDEX", "probe-2");
    Result third = run(podTooMany, "--check-config", config.toString());

    assertThat(second.code).isZero();
    assertThat(second.out).isEqualTo("probe config OK: 2 targets (1 tls), shard 1/2 probes " + held
        + ", transport vertx; from the environment: PROBE_SHARD_COUNT, PROBE_SHARD_INDEX\n");
    assertThat(third.code).isEqualTo(2);
    assertThat(third.err).isEqualTo("probe: shard.index (from PROBE_SHARD_INDEX): 'probe-2' is shard 2, which is"
        + " outside 0..1 (shard.count is 2)\n").isEqualTo(run(podTooMany, "--config", config.toString()).err);
  }

  /** Transport epoll is refused at start where Vert.x cannot run it: the check, starting no Vert.x, says the same. */
  @Test
  void checkConfigJudgesTransportEpollAsTheStartsVertxDoes() throws Exception {
    vertx = Instrumentation.vertx(Instrumentation.registry(), true);
    String atStart = BareSockets.unavailable(vertx);
    Path config = Files.writeString(dir.resolve("probe.yaml"), "transport: epoll\n" + TWO_TARGETS);

    Result check = run("--check-config", config.toString());

    assertThat(BareSockets.unavailableHere()).isEqualTo(atStart);
    assertThat(check.code).isEqualTo(atStart == null ? 0 : 2);
  }

  @Test
  void sighupReloadsTheConfigAsADiff() throws Exception {
    vertx = Vertx.vertx();
    int greeterPort = TestGreeter.start(vertx);
    ReloadScenario scenario = new ReloadScenario(greeterPort, ProbeHttp.freePort());
    // Checked too seldom to matter: only the signal can reload.
    Path config = Files.writeString(dir.resolve("probe.yaml"), scenario.before("1h"));
    Path log = dir.resolve("probe.log");
    process = java("--config", config.toString()).redirectOutput(log.toFile()).start();
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("probe running"));
    double keep = scenario.awaitRunning();
    Files.writeString(config, scenario.after("1h"));

    assertThat(sighup(process).waitFor()).isZero();

    scenario.awaitApplied(keep);
    assertThat(Files.readString(log))
        .contains("probe running on transport vertx, probing all 3 targets")
        .contains("reloaded (SIGHUP")
        .contains("1 added, 1 changed, 1 removed, 1 unchanged; probing all 3 targets");
    process.toHandle().destroy(); // SIGTERM
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
  }

  private record Result(int code, String out, String err) {
  }

  private Result run(String... args) throws Exception {
    return run(Map.of(), args);
  }

  /** Runs to its end with {@code environment} added; standard error goes to a file, so neither stream can fill up. */
  private Result run(Map<String, String> environment, String... args) throws Exception {
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    ProcessBuilder builder = java(args).redirectErrorStream(false).redirectError(err.toFile());
    builder.environment().putAll(environment);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out, Files.readString(err));
  }

  /**
   * The JDK sends only SIGTERM and SIGKILL; bash's builtin kill sends SIGHUP, on machines without procps' kill
   * program too (minimal Debian, slim container images).
   */
  private static Process sighup(Process target) throws IOException {
    return new ProcessBuilder("bash", "-c", "kill -HUP \"$1\"", "bash", String.valueOf(target.pid()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** A JVM running the probe's main, without the overrides the environment this test runs in may set. */
  private static ProcessBuilder java(String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        ProbeMain.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(ProbeConfig.ENVIRONMENT::containsKey);
    return builder;
  }
}
