package dev.greetprobe.probe;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.probe.config.ConfigSource;
import dev.greetprobe.probe.dns.TestDnsServer;
import dev.greetprobe.probe.net.Result;
import dev.greetprobe.testkit.Ports;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The running probe as Prometheus and an operator see it over HTTP. */
class ProbeServiceTest {


  private Vertx vertx;
  private TestDnsServer dns;
  private ProbeService service;
  private int greeterPort;
  private int closedPort;

  @BeforeEach
  void start() throws Exception {
    PrometheusMeterRegistry registry = Instrumentation.registry();
    vertx = Instrumentation.vertx(registry, true);
    dns = TestDnsServer.start().answer("greeter.test", "127.0.0.1").nxdomain("missing.test");
    greeterPort = TestGreeter.start(vertx, 1, registry);
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String config = """
        http: {host: 127.0.0.1, port: %d}
        dns: {servers: ['%s']}
        defaults: {interval: 200ms, timeout: 200ms}
        targets:
          - {name: greeter, address: 'greeter.test:%d', expect: '^Thank You for Connecting$'}
          - {name: refused, address: '127.0.0.1:%d'}
          - {name: nowhere, address: 'missing.test:80'}
        """.formatted(Ports.free(), dns.address(), greeterPort, closedPort);
    service = new ProbeService(vertx, registry, new ConfigSource.Fixed(config, "test config", Map.of()), config);
    join(service.start());
  }

  @AfterEach
  void stop() throws Exception {
    join(service.stop());
    join(vertx.close());
    dns.close();
  }

  @Test
  void metricsShowEachTargetsResultWithBlackboxNames() {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String metrics = get("/metrics").body();
      assertThat(metrics)
          .contains("probe_success{target=\"greeter\"} 1.0")
          .contains("probe_success{target=\"refused\"} 0.0")
          .contains("probe_success{target=\"nowhere\"} 0.0")
          .contains("probe_ip_protocol{target=\"greeter\"} 4.0")
          .contains("probe_targets{ownership=\"held\"} 3.0")
          .contains("probe_config_targets 3.0")
          .contains("probe_shard_index 0.0")
          .contains("probe_shards 1.0")
          .contains("probe_config_last_reload_successful 1.0")
          .contains("probe_transport_info{transport=\"vertx\"} 1")
          .containsPattern("probe_results_total\\{result=\"success\",target=\"greeter\"} [1-9]")
          .containsPattern("probe_results_total\\{result=\"connect_refused\",target=\"refused\"} [1-9]")
          .containsPattern("probe_results_total\\{result=\"dns_nxdomain\",target=\"nowhere\"} [1-9]")
          .containsPattern("probe_phase_duration_seconds_count\\{phase=\"first_byte\",target=\"greeter\"} [1-9]")
          .containsPattern("probe_dns_lookup_time_seconds\\{target=\"greeter\"} [0-9]");
    });
  }

  @Test
  void everyPhaseAndResultSeriesExistsFromTheFirstProbe() throws Exception {
    String metrics = get("/metrics").body();

    for (String phase : List.of("resolve", "connect", "first_byte")) {
      assertThat(metrics).contains("probe_phase_duration_seconds_count{phase=\"" + phase + "\",target=\"greeter\"}");
    }
    for (String phase : List.of("resolve", "connect")) {
      assertThat(metrics).contains("probe_phase_duration_seconds_count{phase=\"" + phase + "\",target=\"nowhere\"}");
    }
    for (Result result : Result.values()) {
      assertThat(metrics).contains("probe_results_total{result=\"" + result.label() + "\",target=\"greeter\"}");
    }
  }

  @Test
  void aPhaseATargetNeverGoesThroughHasNoHistogram() throws Exception {
    String metrics = get("/metrics").body();

    assertThat(metrics)
        .doesNotContain("phase=\"tls\"")
        .doesNotContain("probe_phase_duration_seconds_count{phase=\"first_byte\",target=\"nowhere\"}");
  }

  @Test
  void targetsListsEachTargetWithItsLastResult() {
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
      HttpResponse<String> response = get("/targets");
      assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
      JsonObject body = new JsonObject(response.body());
      assertThat(body.getString("transport")).isEqualTo("vertx");
      assertThat(body.getJsonObject("shard")).isEqualTo(new JsonObject().put("index", 0).put("count", 1));
      assertThat(body.getInteger("elsewhere")).isZero();
      List<JsonObject> targets = body.getJsonArray("targets").stream().map(JsonObject.class::cast).toList();
      assertThat(targets).as("in the order of their names").extracting(t -> t.getString("name"))
          .containsExactly("greeter", "nowhere", "refused");
      JsonObject greeter = targets.get(0);
      assertThat(greeter.getString("expect")).isEqualTo("^Thank You for Connecting$");
      assertThat(greeter.getJsonObject("last").getString("result")).isEqualTo("success");
      assertThat(greeter.getJsonObject("last").getString("received")).isEqualTo("Thank You for Connecting");
      assertThat(greeter.getJsonObject("last").getJsonObject("phases_seconds").fieldNames())
          .containsExactly("resolve", "connect", "first_byte");
      assertThat(targets.get(1).getJsonObject("last").getString("result")).isEqualTo("dns_nxdomain");
      assertThat(targets.get(2).getJsonObject("last").getString("result")).isEqualTo("connect_refused");
    });
  }

  @Test
  void targetsSaysSinceWhenEachTargetIsUpOrDownAndItsUptime() {
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
      List<JsonObject> targets = new JsonObject(get("/targets").body()).getJsonArray("targets").stream()
          .map(JsonObject.class::cast).toList();
      JsonObject up = targets.get(0).getJsonObject("state");
      assertThat(up.getString("state")).isEqualTo("up");
      assertThat(up.getJsonArray("changes").getJsonObject(0).getString("result")).isEqualTo("success");
      JsonObject down = targets.get(2).getJsonObject("state");
      assertThat(down.getString("state")).isEqualTo("down");
      assertThat(Instant.parse(down.getString("since")))
          .isEqualTo(Instant.parse(down.getJsonArray("changes").getJsonObject(0).getString("at")));
      JsonObject uptime = targets.get(0).getJsonObject("uptime");
      assertThat(uptime.getDouble("1h")).isEqualTo(1.0);
      assertThat(uptime.getDouble("7d")).isEqualTo(1.0);
      assertThat(targets.get(2).getJsonObject("uptime").getDouble("24h")).isZero();
      assertThat(Instant.parse(uptime.getString("counting_since"))).isBefore(Instant.now());
    });
  }

  @Test
  void transportEpollIsRefusedWhereVertxRunsWithoutItsNativeTransport() throws Exception {
    Vertx nio = Vertx.vertx(new VertxOptions().setPreferNativeTransport(false));
    String config = "transport: epoll\nhttp: {host: 127.0.0.1, port: " + Ports.free() + "}\ntargets: []\n";
    try {
      assertThatThrownBy(() -> new ProbeService(nio, Instrumentation.registry(),
          new ConfigSource.Fixed(config, "test config", Map.of()), config))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("transport: epoll needs Vert.x on Linux's native epoll transport, but Vert.x runs"
              + " without its native transport");
    } finally {
      join(nio.close());
    }
  }

  @Test
  void probeAnswersAOneOffProbeTheBlackboxWay() throws Exception {
    HttpResponse<String> ok = get("/probe?target=127.0.0.1:" + greeterPort + "&expect="
        + URLEncoder.encode("^Thank You", StandardCharsets.UTF_8));

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    assertThat(ok.body())
        .contains("# TYPE probe_success gauge")
        .contains("probe_success 1.0")
        .contains("probe_failed_due_to_regex 0.0")
        .contains("probe_ip_protocol 4.0")
        .contains("probe_tcp_duration_seconds{phase=\"first_byte\"}")
        .containsPattern("probe_duration_seconds [0-9.E-]+");

    HttpResponse<String> refused = get("/probe?target=127.0.0.1:" + closedPort);
    assertThat(refused.body()).contains("probe_success 0.0");
  }

  @Test
  void probeRefusesABadRequestWithTheReason() throws Exception {
    assertThat(get("/probe").statusCode()).isEqualTo(400);
    HttpResponse<String> bad = get("/probe?target=nowhere");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).startsWith("target: 'nowhere' is not host:port");
    assertThat(get("/probe?target=a.test:80&timeout=5m").body()).startsWith("timeout: must be above 0 and at most 1m");
  }

  @Test
  void healthIsReadyOnceTargetsAreScheduledAndNotAfterStop() throws Exception {
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
    assertThat(get("/health/ready").statusCode()).isEqualTo(200);

    join(service.stop());

    assertThat(get("/health/ready").statusCode()).isEqualTo(503);
  }

  /** Java's HttpClient offers an h2c upgrade on its first request; the answer must be plain HTTP/1.1, and whole. */
  @Test
  void anH2cUpgradeOfferIsAnsweredInHttp1() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", service.httpPort())) {
      socket.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
          + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));

      assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return ProbeHttp.get(service.httpPort(), path);
  }
}
