package dev.greetprobe.probe;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.common.NativeEpoll;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.config.Shard;
import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Command;
import dev.greetprobe.testkit.JavaCommand;
import dev.greetprobe.testkit.Ports;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
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

  private static final Duration WITHIN = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private ChildProcess probe;
  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    if (probe != null) {
      probe.close();
    }
    if (vertx != null) {
      join(vertx.close());
    }
  }

  @Test
  void helpListsTheEnvironmentOverrides() throws Exception {
    ChildProcess.Exit result = run("--help");

    assertThat(result.code()).isZero();
    assertThat(result.out()).contains("--config FILE").contains("--check-config FILE").contains("check HOST:PORT")
        .contains("SIGHUP").contains("POST /-/reload").contains("PROBE_SHARD_COUNT").contains("PROBE_SHARD_INDEX");
  }

  @Test
  void aConfigErrorAtStartNamesTheKeyAndExitsTwo() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), "shard: {count: 2, index: 2}\n");

    ChildProcess.Exit result = run("--config", config);

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).isEqualTo("probe: shard.index: 2 is outside 0..1 (shard.count is 2)\n");
  }

  @Test
  void aMissingConfigFileExitsTwo() throws Exception {
    Path missing = dir.resolve("missing.yaml");

    ChildProcess.Exit result = run("--config", missing);

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).isEqualTo("probe: cannot read config file " + missing + ": no such file\n");
  }

  /** Beside a probe that runs on the same port, as a new config is checked before it is rolled out. */
  @Test
  void checkConfigSummarisesAValidFileAndStartsNothing() throws Exception {
    try (ServerSocket http = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path config = Files.writeString(dir.resolve("probe.yaml"), "http: {host: 127.0.0.1, port: "
          + http.getLocalPort() + "}\n" + TWO_TARGETS);

      ChildProcess.Exit result = run("--check-config", config);

      assertThat(result.code()).isZero();
      assertThat(result.out()).isEqualTo("probe config OK: 2 targets (1 tls), shard 0/1, transport vertx\n");
      assertThat(result.err()).isEmpty();
    }
  }

  @Test
  void checkConfigRefusesAnInvalidFileWithTheMessageAStartStopsWith() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), "shard: {count: 2, index: 2}\ntargets: []\n");

    ChildProcess.Exit check = run("--check-config", config);
    ChildProcess.Exit start = run("--config", config);

    assertThat(check.code()).isEqualTo(2);
    assertThat(check.err()).isEqualTo("probe: shard.index: 2 is outside 0..1 (shard.count is 2)\n")
        .isEqualTo(start.err());
    assertThat(check.out()).isEmpty();
  }

  /** A duration a {@code long} of nanoseconds cannot hold once passed --check-config and then stopped the start. */
  @Test
  void checkConfigRefusesADurationPastItsMaximumAsAStartDoes() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"),
        "targets:\n  - {name: a, address: 127.0.0.1:1, interval: 2562048h, timeout: 2562048h}\n");

    ChildProcess.Exit check = run("--check-config", config);
    ChildProcess.Exit start = run("--config", config);

    assertThat(check.code()).isEqualTo(2);
    assertThat(check.err()).isEqualTo("probe: target 'a': interval: '2562048h' is above the maximum of 24h\n")
        .isEqualTo(start.err());
    assertThat(start.code()).isEqualTo(2);
  }

  @Test
  void checkConfigRefusesAMissingFileAsAStartDoes() throws Exception {
    Path missing = dir.resolve("missing.yaml");

    ChildProcess.Exit check = run("--check-config", missing);
    ChildProcess.Exit start = run("--config", missing);

    assertThat(check.code()).isEqualTo(2);
    assertThat(check.err()).isEqualTo("probe: cannot read config file " + missing + ": no such file\n")
        .isEqualTo(start.err());
  }

  /** A pod passes its own name as the shard index; the check takes it as that pod's start would. */
  @Test
  void checkConfigAppliesTheEnvironmentAsAStartDoesAndNamesWhatItApplied() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), TWO_TARGETS);
    Map<String, String> pod = Map.of("PROBE_SHARD_COUNT", "2", "PROBE_SHARD_INDEX", "probe-1");
    long held = Stream.of("greeter", "apple").filter(new Shard(1, 2)::holds).count();

    ChildProcess.Exit second = run(pod, "--check-config", config);
    Map<String, String> podTooMany = Map.of("PROBE_SHARD_COUNT", "2", "PROBE_SHARD_INDEX", "probe-2");
    ChildProcess.Exit third = run(podTooMany, "--check-config", config);

    assertThat(second.code()).isZero();
    assertThat(second.out()).isEqualTo("probe config OK: 2 targets (1 tls), shard 1/2 probes " + held
        + ", transport vertx; from the environment: PROBE_SHARD_COUNT, PROBE_SHARD_INDEX\n");
    assertThat(third.code()).isEqualTo(2);
    assertThat(third.err()).isEqualTo("probe: shard.index (from PROBE_SHARD_INDEX): 'probe-2' is shard 2, which is"
        + " outside 0..1 (shard.count is 2)\n").isEqualTo(run(podTooMany, "--config", config).err());
  }

  /** A pod of a fleet names itself by its IP; the check says whose peers it shares the targets with. */
  @Test
  void checkConfigOfAPeerNamesItsPeersAndItselfFromTheEnvironment() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"),
        "shard: {peers: probe.greetprobe.svc.cluster.local, replicas: 2}\n" + TWO_TARGETS);

    ChildProcess.Exit check = run(Map.of("PROBE_SHARD_SELF", "10.0.0.7"), "--check-config", config);
    ChildProcess.Exit nameless = run(Map.of("PROBE_SHARD_SELF", "probe-0"), "--check-config", config);

    assertThat(check.code()).isZero();
    assertThat(check.out()).isEqualTo("probe config OK: 2 targets (1 tls), peers from"
        + " probe.greetprobe.svc.cluster.local as 10.0.0.7, replicas 2, transport vertx; from the environment:"
        + " PROBE_SHARD_SELF\n");
    assertThat(nameless.code()).isEqualTo(2);
    assertThat(nameless.err()).isEqualTo("probe: shard.self (from PROBE_SHARD_SELF): 'probe-0' is not an IP address"
        + " (the peers are the address records of shard.peers)\n");
  }

  /** Transport epoll is refused at start where Vert.x cannot run it: the check, starting no Vert.x, says the same. */
  @Test
  void checkConfigJudgesTransportEpollAsTheStartsVertxDoes() throws Exception {
    vertx = Instrumentation.vertx(Instrumentation.registry(), true);
    Optional<String> atStart = NativeEpoll.refusal(vertx);
    Path config = Files.writeString(dir.resolve("probe.yaml"), "transport: epoll\n" + TWO_TARGETS);

    ChildProcess.Exit check = run("--check-config", config);

    assertThat(NativeEpoll.refusalHere()).isEqualTo(atStart);
    assertThat(check.code()).isEqualTo(atStart.isEmpty() ? 0 : 2);
  }

  @Test
  void sighupReloadsTheConfigAsADiff() throws Exception {
    vertx = Vertx.vertx();
    int greeterPort = TestGreeter.start(vertx);
    ReloadScenario scenario = new ReloadScenario(greeterPort, Ports.free());
    // Checked too seldom to matter: only the signal can reload.
    Path config = Files.writeString(dir.resolve("probe.yaml"), scenario.before("1h"));
    probe = ChildProcess.start("probe", probe("--config", config), dir.resolve("probe.log"));
    probe.awaitLine("probe running", WITHIN);
    double keep = scenario.awaitRunning();
    Files.writeString(config, scenario.after("1h"));

    probe.signal("HUP");

    scenario.awaitApplied(keep);
    assertThat(probe.output())
        .contains("probe running on transport vertx, probing all 3 targets")
        .contains("reloaded (SIGHUP")
        .contains("1 added, 1 changed, 1 removed, 1 unchanged; probing all 3 targets");
    probe.signalTerm();
    assertThat(probe.awaitExit(Duration.ofSeconds(20))).isZero();
  }

  private static ChildProcess.Exit run(Object... args) {
    return run(Map.of(), args);
  }

  /** Runs to its end with {@code environment} added. */
  private static ChildProcess.Exit run(Map<String, String> environment, Object... args) {
    return ChildProcess.run(probe(args).withEnvironment(environment), WITHIN);
  }

  /** A JVM running the probe's main, without the overrides the environment this test runs in may set. */
  private static Command probe(Object... args) {
    return JavaCommand.mainClass(ProbeMain.class).arguments(args).withoutEnvironment(ProbeConfig.ENVIRONMENT.keySet());
  }
}
