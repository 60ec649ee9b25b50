package dev.greetprobe.probe;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.common.Transport;
import dev.greetprobe.probe.config.ConfigSource;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import dev.greetprobe.testkit.Ports;
import dev.greetprobe.testkit.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Peers that send what a pattern can only fail to match, slowly: each costs its own probe a bounded amount of work,
 * and never the loop its probe shares with healthy targets, the HTTP endpoint, or shutdown; over each transport.
 */
@ParameterizedClass(name = "transport {0}")
@EnumSource(Transport.class)
class HostileExpectTest {

  @Parameter
  Transport transport;

  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  /** Enough of each that some of both share every event loop. */
  private static final List<String> HEALTHY = IntStream.range(0, 4).mapToObj(i -> "greeter-" + i).toList();
  private static final List<String> HOSTILE = IntStream.range(0, 4).mapToObj(i -> "as-" + i).toList();

  private Vertx vertx;
  private ProbeService service;
  private NetServer xs;

  @BeforeEach
  void start() throws Exception {
    PrometheusMeterRegistry registry = Instrumentation.registry();
    vertx = Instrumentation.vertx(registry, true);
    int greeterPort = TestGreeter.start(vertx, 1, registry);
    NetServer as = TestServers.listen(vertx, socket -> socket.write("a".repeat(30_000)));
    xs = TestServers.listen(vertx, socket -> socket.write("x".repeat(32 * 1024)));
    StringBuilder targets = new StringBuilder();
    String target = "  - {name: %s, address: '127.0.0.1:%d', %s}\n";
    HEALTHY.forEach(name -> targets.append(
        target.formatted(name, greeterPort, "expect: '^Thank You for Connecting$'")));
    HOSTILE.forEach(name -> targets.append(
        target.formatted(name, as.actualPort(), "expect: '^(a+)+b', timeout: 400ms")));
    String config = """
        transport: %s
        http: {host: 127.0.0.1, port: %d}
        defaults: {interval: 500ms, timeout: 200ms}
        targets:
        %s""".formatted(transport.label(), Ports.free(), targets);
    service = new ProbeService(vertx, registry, new ConfigSource.Fixed(config, "test config", Map.of()), config);
    join(service.start());
  }

  @AfterEach
  void stop() throws Exception {
    join(vertx.close());
  }

  /** The first probes run cold, as the JVM loads and compiles the matcher: the schedule is measured after them. */
  @Test
  void aConfigPatternThatBacktracksEndsAtItsDeadlineWhileHealthyTargetsKeepTheirSchedule() throws Exception {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      String metrics = ProbeHttp.metrics(service.httpPort());
      for (String name : HOSTILE) {
        assertThat(PrometheusText.parse(metrics).value(readTimeouts(name))).as(name).isGreaterThanOrEqualTo(2);
      }
    });
    String before = ProbeHttp.metrics(service.httpPort());

    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      String metrics = ProbeHttp.metrics(service.httpPort());
      for (String name : HEALTHY) {
        assertThat(ProbeHttp.successes(metrics, name) - ProbeHttp.successes(before, name)).as(name)
            .isGreaterThanOrEqualTo(6);
        assertThat(PrometheusText.parse(metrics).value(skips(name))).as(name)
            .isEqualTo(PrometheusText.parse(before).value(skips(name)));
      }
      for (String name : HOSTILE) {
        assertThat(PrometheusText.parse(metrics).value(readTimeouts(name))
            - PrometheusText.parse(before).value(readTimeouts(name)))
            .as(name).isGreaterThanOrEqualTo(6);
      }
    });
    ProbeResult last = service.scheduler().schedules().stream()
        .filter(s -> s.target().name().equals(HOSTILE.get(0))).findFirst().orElseThrow().last();
    assertThat(last.result()).isEqualTo(Result.READ_TIMEOUT);
    assertThat(last.received()).hasSize(ProbeResult.RECEIVED_EXCERPT_CHARS);

    join(service.stop());

    assertThat(service.scheduler().waitingSchedules()).isZero();
  }

  @Test
  void aUrlPatternThatBacktracksIsAnsweredByItsDeadlineWhileTheEndpointKeepsAnswering() throws Exception {
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> probe = http.sendAsync(
        request("/probe?target=127.0.0.1:" + xs.actualPort() + "&expect=(x%2Bx%2B)%2By&timeout=2s"),
        HttpResponse.BodyHandlers.ofString());

    HttpResponse<String> live = http.send(request("/health/live"), HttpResponse.BodyHandlers.ofString());
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(probe).as("still within its deadline").isNotDone();

    HttpResponse<String> answer = probe.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("probe_success 0.0");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
  }

  @Test
  void aUrlPatternThatNeedsBacktrackingIsRefusedWithTheReason() throws Exception {
    HttpResponse<String> refused = http.send(request("/probe?target=a.test:80&expect=(%3F%3C%3Da)b"),
        HttpResponse.BodyHandlers.ofString());

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).isEqualTo(
        "expect: '(?<=a)b' uses lookbehind (?<=, which RE2 syntax leaves out: matching it needs backtracking\n");
  }

  private static String readTimeouts(String target) {
    return "probe_results_total{result=\"read_timeout\",target=\"" + target + "\"}";
  }

  private static String skips(String target) {
    return "probe_skipped_total{target=\"" + target + "\"}";
  }

  private HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
        .timeout(Duration.ofSeconds(10)).build();
  }
}
