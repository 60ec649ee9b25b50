package dev.greetprobe.probe.http;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.probe.ProbeService;
import dev.greetprobe.probe.TestGreeter;
import dev.greetprobe.probe.TestServers;
import dev.greetprobe.probe.config.ConfigSource;
import dev.greetprobe.probe.dns.TestDnsServer;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /probe} probes whatever a request names: who may ask, for what, and how many at once. */
class ProbeEndpointTest {

  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private Vertx vertx;
  private TestDnsServer dns;
  private ProbeService service;
  private int greeterPort;
  private NetServer silent;
  private final AtomicInteger accepted = new AtomicInteger();

  @BeforeEach
  void startServers() throws Exception {
    PrometheusMeterRegistry registry = Instrumentation.registry();
    vertx = Instrumentation.vertx(registry, true);
    dns = TestDnsServer.start().answer("greeter.test", "127.0.0.1");
    greeterPort = TestGreeter.start(vertx, 1, registry);
    silent = TestServers.listen(vertx, socket -> accepted.incrementAndGet());
  }

  @AfterEach
  void stop() throws Exception {
    if (service != null) {
      join(service.stop());
    }
    join(vertx.close());
    dns.close();
  }

  private void start(String probeEndpoint) throws Exception {
    start(probeEndpoint, "[]");
  }

  private void start(String probeEndpoint, String targets) throws Exception {
    String config = """
        http: {host: 127.0.0.1, port: %d}
        probe_endpoint: %s
        dns: {servers: ['%s']}
        targets: %s
        """.formatted(Ports.free(), probeEndpoint, dns.address(), targets);
    ConfigSource source = new ConfigSource.Fixed(config, "test config", Map.of());
    service = new ProbeService(vertx, Instrumentation.registry(), source, config);
    join(service.start());
  }

  @Test
  void aRequestPastMaxConcurrentIsRefusedAtOnceWith429() throws Exception {
    start("{max_concurrent: 2}");
    String held = "/probe?target=127.0.0.1:" + silent.actualPort() + "&expect=x&timeout=3s";
    List<CompletableFuture<HttpResponse<String>>> running = List.of(async(held), async(held));
    awaitRunning(2);

    HttpResponse<String> refused = get(held);

    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.body()).isEqualTo("2 probes are running, probe_endpoint.max_concurrent; try again later\n");
    assertThat(running).noneMatch(CompletableFuture::isDone);
    for (CompletableFuture<HttpResponse<String>> probe : running) {
      assertThat(probe.get(10, TimeUnit.SECONDS).body()).contains("probe_success 0.0");
    }
    assertThat(get("/probe?target=127.0.0.1:" + greeterPort).body()).contains("probe_success 1.0");
  }

  @Test
  void onlyTargetsInTheAllowListAreProbed() throws Exception {
    start("{allow: ['127.0.0.0/8', '*.test:" + greeterPort + "']}");

    assertThat(get("/probe?target=127.0.0.1:" + greeterPort).body()).contains("probe_success 1.0");
    assertThat(get("/probe?target=greeter.test:" + greeterPort).body()).contains("probe_success 1.0");
    HttpResponse<String> elsewhere = get("/probe?target=192.0.2.1:" + greeterPort);
    assertThat(elsewhere.statusCode()).isEqualTo(403);
    assertThat(elsewhere.body()).isEqualTo("target: '192.0.2.1:" + greeterPort + "' is not in probe_endpoint.allow\n");
    assertThat(get("/probe?target=greeter.test:22").statusCode()).isEqualTo(403);
    assertThat(get("/probe?target=localhost:" + greeterPort).statusCode())
        .as("a name is matched by patterns only").isEqualTo(403);
  }

  @Test
  void aHostNameLongerThanDnsCarriesIsRefusedWith400BeforeAnyLookup() throws Exception {
    start("{}");
    String name = "a".repeat(60) + ("." + "a".repeat(59)).repeat(4);

    HttpResponse<String> refused = get("/probe?target=" + name + ":80");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).endsWith(" has a host name of 300 bytes, above the 253 DNS allows\n");
  }

  @Test
  void expectFromTheUrlIsRefusedWhenTheConfigSaysSo() throws Exception {
    start("{allow_expect: false}");

    HttpResponse<String> refused = get("/probe?target=127.0.0.1:" + greeterPort + "&expect=Thank");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).isEqualTo("expect: refused: probe_endpoint.allow_expect is false\n");
    assertThat(get("/probe?target=127.0.0.1:" + greeterPort).body()).contains("probe_success 1.0");
  }

  @Test
  void probeCanBeTurnedOff() throws Exception {
    start("{enabled: false}");

    HttpResponse<String> off = get("/probe?target=127.0.0.1:" + greeterPort);

    assertThat(off.statusCode()).isEqualTo(403);
    assertThat(off.body()).isEqualTo("/probe is turned off (probe_endpoint.enabled is false)\n");
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
  }

  /** As blackbox_exporter does: the probe ends half a second before Prometheus would give up on the scrape. */
  @Test
  void theScrapeTimeoutHeaderLessAMarginBoundsTheProbe() throws Exception {
    start("{}");
    String held = "/probe?target=127.0.0.1:" + silent.actualPort() + "&expect=x";

    HttpResponse<String> answer = http.send(request(held).header("X-Prometheus-Scrape-Timeout-Seconds", "1.5").build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(PrometheusText.parse(answer.body()).value("probe_duration_seconds")).isBetween(1.0, 1.4);
    HttpResponse<String> none = http.send(request(held).header("X-Prometheus-Scrape-Timeout-Seconds", "0.2").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(none.statusCode()).isEqualTo(400);
    assertThat(none.body())
        .startsWith("X-Prometheus-Scrape-Timeout-Seconds: 0.2s leaves no time after the margin of 500ms");
  }

  /** A family a scraper meets on both pages reads the same on both: one definition gives its help, type and unit. */
  @Test
  void probeDescribesTheFamiliesItSharesWithMetricsAsMetricsDoes() throws Exception {
    start("{}", "[{name: greeter, address: '127.0.0.1:" + greeterPort + "', expect: '^Thank You'}]");
    String openMetrics = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    Map<String, List<String>> metrics = descriptions(http.send(request("/metrics").header("accept", openMetrics)
        .build(), HttpResponse.BodyHandlers.ofString()).body());
    HttpResponse<String> probe = http.send(request("/probe?target=127.0.0.1:" + greeterPort + "&expect=%5EThank")
        .header("accept", openMetrics).build(), HttpResponse.BodyHandlers.ofString());
    Map<String, List<String>> oneOff = descriptions(probe.body());

    assertThat(probe.body()).contains("probe_success 1.0");
    Set<String> shared = new TreeSet<>(oneOff.keySet());
    shared.retainAll(metrics.keySet());
    assertThat(shared).containsExactly("probe_dns_lookup_time_seconds", "probe_duration_seconds", "probe_ip_protocol",
        "probe_success");
    for (String family : shared) {
      assertThat(oneOff.get(family)).as(family).isEqualTo(metrics.get(family)).isNotEmpty();
    }
    assertThat(oneOff.get("probe_duration_seconds")).contains("# UNIT probe_duration_seconds seconds");
  }

  /** Each family's {@code # HELP}, {@code # TYPE} and {@code # UNIT} lines, by family. */
  private static Map<String, List<String>> descriptions(String exposition) {
    Map<String, List<String>> byFamily = new TreeMap<>();
    exposition.lines().filter(l -> l.startsWith("# HELP ") || l.startsWith("# TYPE ") || l.startsWith("# UNIT "))
        .forEach(l -> byFamily.computeIfAbsent(l.split(" ")[2], f -> new ArrayList<>()).add(l));
    return byFamily;
  }

  /** Each probe holds a connection to the silent server, which counts them as it accepts them. */
  private void awaitRunning(int probes) {
    await().atMost(Duration.ofSeconds(5)).until(() -> accepted.get() >= probes);
  }

  private CompletableFuture<HttpResponse<String>> async(String path) {
    return http.sendAsync(request(path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
        .timeout(Duration.ofSeconds(10));
  }
}
