package dev.greetprobe.deploy;

import static dev.greetprobe.deploy.SystemProcesses.STARTUP;
import static dev.greetprobe.deploy.SystemProcesses.jar;
import static dev.greetprobe.deploy.SystemProcesses.startJar;
import static dev.greetprobe.testkit.Ports.freeTcpAndUdp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Http;
import dev.greetprobe.testkit.PrometheusText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Faults provoked on purpose under the running probe: the greeter is killed and started again, the DNS server is
 * stopped and started again, and all the while the config is reloaded every second. The probe reports each fault as
 * what it is, and recovers on its own. The services and dnsmasq are real processes; the faults happen in order, and
 * the reloads go on through all of them.
 */
@Tag("reliability")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultsIT {

  private static final String GREETING = "Thank You for Connecting";
  private static final String GREETER_NAME = "greeter.test";

  private static Path work;
  private static Path greeterJar;
  private static Path greeterConfig;
  private static String greeterReady;
  private static Dnsmasq dns;
  private static ChildProcess greeter;
  private static ChildProcess probe;
  private static String probeUrl;
  private static Path probeConfig;
  private static int greeterPort;
  private static ScheduledExecutorService reloads;
  /** Every reload's answer, in order: its status and body. */
  private static final List<HttpResponse<String>> answers = new CopyOnWriteArrayList<>();

  @BeforeAll
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  static void startTheStackAndReloadEverySecond() throws Exception {
    greeterJar = jar("greeter.jar");
    Path probeJar = jar("probe.jar");
    work = SystemProcesses.workDirectory("faults-it");
    dns = Dnsmasq.start(work.resolve("dnsmasq.log"), freeTcpAndUdp(), Map.of(GREETER_NAME, "127.0.0.1"));

    greeterPort = freeTcpAndUdp();
    int greeterHttpPort = freeTcpAndUdp();
    greeterConfig = Files.writeString(work.resolve("greeter.yaml"), """
        host: 127.0.0.1
        port: %d
        http: {host: 127.0.0.1, port: %d}
        """.formatted(greeterPort, greeterHttpPort));
    greeterReady = "http://127.0.0.1:" + greeterHttpPort + "/health/ready";
    startGreeter();

    int probeHttpPort = freeTcpAndUdp();
    probeUrl = "http://127.0.0.1:" + probeHttpPort;
    probeConfig = Files.writeString(work.resolve("probe.yaml"), probeConfig(probeHttpPort, false));
    probe = startJar("probe", probeJar, probeConfig, work.resolve("probe.log"));
    probe.awaitReady(probeUrl + "/health/ready", STARTUP);

    reloads = Executors.newSingleThreadScheduledExecutor();
    reloads.scheduleAtFixedRate(() -> reload(probeHttpPort), 1, 1, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (reloads != null) {
      reloads.shutdownNow();
      reloads.awaitTermination(5, TimeUnit.SECONDS);
    }
    for (AutoCloseable process : new AutoCloseable[] {probe, greeter, dns}) {
      if (process != null) {
        process.close();
      }
    }
  }

  @Test
  @Order(1)
  void theGreeterKilledIsRefusedAndProbedSuccessfullyOnceItIsBack() throws Exception {
    awaitResults(Map.of("by-name", "success", "by-address", "success"));

    greeter.kill();
    awaitResults(Map.of("by-name", "connect_refused", "by-address", "connect_refused"));

    startGreeter();
    awaitResults(Map.of("by-name", "success", "by-address", "success"));
  }

  @Test
  @Order(2)
  void theDnsServerStoppedTimesOutTheNamedTargetOnlyAndRecovers() throws Exception {
    awaitResults(Map.of("by-name", "success", "by-address", "success"));

    dns.stop();
    awaitResults(Map.of("by-name", "dns_timeout", "by-address", "success"));

    dns.start();
    awaitResults(Map.of("by-name", "success", "by-address", "success"));
  }

  /** Runs last: it reads the answers to the reloads made while the faults above happened. */
  @Test
  @Order(3)
  void everyReloadDuringTheFaultsTookEffectAndKeptTheUnchangedTargets() throws Exception {
    await("ten reloads").atMost(Duration.ofSeconds(15)).until(() -> answers.size() >= 10);

    List<HttpResponse<String>> seen = List.copyOf(answers);
    for (int i = 0; i < seen.size(); i++) {
      HttpResponse<String> answer = seen.get(i);
      assertThat(answer.statusCode()).as("reload %d: %s", i, answer.body()).isEqualTo(200);
      JsonObject diff = new JsonObject(answer.body());
      // The reload toggles one target: it comes (odd reloads) and goes (even ones); the two others stay as they are.
      String toggled = i % 2 == 0 ? "added" : "removed";
      assertThat(diff.getJsonArray(toggled)).as("reload %d: %s", i, diff).containsExactly("sometimes");
      assertThat(diff.getJsonArray("changed")).as("reload %d", i).isEmpty();
      assertThat(diff.getInteger("unchanged")).as("reload %d: %s", i, diff).isEqualTo(2);
    }
    String metrics = Http.body(probeUrl + "/metrics");
    assertThat(metrics).contains("probe_config_last_reload_successful 1.0");
    assertThat(PrometheusText.parse(metrics).value("probe_results_total{result=\"success\",target=\"by-address\"}"))
        .as("the unchanged target's counter, never reset by a reload").isGreaterThan(seen.size());
  }

  private static void startGreeter() {
    greeter = startJar("greeter", greeterJar, greeterConfig, work.resolve("greeter-" + System.nanoTime() + ".log"));
    greeter.awaitReady(greeterReady, STARTUP);
  }

  /** The probe's config: two targets that stay, and one more on every other reload. */
  private static String probeConfig(int httpPort, boolean withSometimes) {
    String config = """
        http: {host: 127.0.0.1, port: %d}
        dns: {servers: ['127.0.0.1:%d']}
        reload: {interval: 1h, http: true}   # only the test's POST /-/reload reloads
        defaults: {interval: 200ms, timeout: 200ms}
        targets:
          - {name: by-name, address: '%s:%d', expect: '^%s$'}
          - {name: by-address, address: '127.0.0.1:%d', expect: '^%s$'}
        """.formatted(httpPort, dns.port(), GREETER_NAME, greeterPort, GREETING, greeterPort, GREETING);
    return withSometimes ? config + "  - {name: sometimes, address: '127.0.0.1:%d'}\n".formatted(greeterPort) : config;
  }

  /** Rewrites the config, toggling one target, and asks for a reload; keeps the answer for the last test. */
  private static void reload(int httpPort) {
    try {
      Files.writeString(probeConfig, probeConfig(httpPort, answers.size() % 2 == 0));
      answers.add(Http.post(probeUrl + "/-/reload", Duration.ofSeconds(5)));
    } catch (Exception e) {
      // The last test finds fewer answers than reloads and says so; the schedule must not stop at the first error.
      e.printStackTrace();
    }
  }

  /** Waits until each named target's last result, as {@code /targets} shows it, is the given one. */
  private static void awaitResults(Map<String, String> expected) {
    await("last results " + expected).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .failFast(probe::assertRunning)
        .untilAsserted(() -> {
          JsonArray targets = new JsonObject(Http.body(probeUrl + "/targets")).getJsonArray("targets");
          for (Map.Entry<String, String> e : expected.entrySet()) {
            JsonObject target = targets.stream().map(JsonObject.class::cast)
                .filter(t -> t.getString("name").equals(e.getKey())).findFirst().orElseThrow();
            assertThat(target.getJsonObject("last")).as(e.getKey()).isNotNull();
            assertThat(target.getJsonObject("last").getString("result")).as("%s: %s", e.getKey(), target)
                .isEqualTo(e.getValue());
          }
        });
  }
}
