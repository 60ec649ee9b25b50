package dev.greetprobe.probe;

import static dev.greetprobe.probe.TestServers.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as an operator meets it: a real JVM, real signals. */
class ProbeMainTest {

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
    assertThat(result.output).contains("--config FILE").contains("SIGHUP").contains("POST /-/reload")
        .contains("PROBE_SHARD_COUNT").contains("PROBE_SHARD_INDEX");
  }

  @Test
  void aConfigErrorAtStartNamesTheKeyAndExitsTwo() throws Exception {
    Path config = Files.writeString(dir.resolve("probe.yaml"), "shard: {count: 2, index: 2}\n");

    Result result = run("--config", config.toString());

    assertThat(result.code).isEqualTo(2);
    assertThat(result.output).contains("probe: shard.index: 2 is outside 0..1 (shard.count is 2)");
  }

  @Test
  void aMissingConfigFileExitsTwo() throws Exception {
    Path missing = dir.resolve("missing.yaml");

    Result result = run("--config", missing.toString());

    assertThat(result.code).isEqualTo(2);
    assertThat(result.output).contains("probe: cannot read config file " + missing + ": no such file");
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

  private record Result(int code, String output) {
  }

  private Result run(String... args) throws Exception {
    Process p = java(args).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), output);
  }

  /**
   * The JDK sends only SIGTERM and SIGKILL; bash's builtin kill sends SIGHUP, on machines without procps' kill
   * program too (minimal Debian, slim container images).
   */
  private static Process sighup(Process target) throws IOException {
    return new ProcessBuilder("bash", "-c", "kill -HUP \"$1\"", "bash", String.valueOf(target.pid()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static ProcessBuilder java(String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        ProbeMain.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true);
  }
}
