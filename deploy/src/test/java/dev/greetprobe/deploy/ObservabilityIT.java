package dev.greetprobe.deploy;

import static dev.greetprobe.deploy.SystemProcesses.jar;
import static dev.greetprobe.deploy.SystemProcesses.startJar;
import static dev.greetprobe.testkit.Ports.freeTcpAndUdp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Command;
import dev.greetprobe.testkit.Http;
import dev.greetprobe.testkit.JavaCommand;
import dev.greetprobe.testkit.PrometheusText;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard and the alert rules against the real thing: both services' jars, a local DNS server (dnsmasq) and a
 * real Prometheus that takes native histograms, scraping them every second with the rules loaded. Three probes, one
 * for each {@code metrics.histograms} mode, are instances of the one probe job, and every dashboard query is asked of
 * each, as the dashboard's instance variable would. Each probe watches four targets: the greeter by a name the DNS
 * server knows, the same name on a TLS port, a closed port, and a name that does not exist.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ObservabilityIT {

  /** The config's metrics.histograms modes; a probe for each. */
  private static final List<String> HISTOGRAM_MODES = List.of("classic", "native", "both");

  /** A phase histogram's classic buckets: 15 bounds and +Inf. */
  private static final int CLASSIC_PHASE_BUCKETS = 16;

  /** Synthesized by Prometheus for every scrape, not exported by a service. */
  private static final Set<String> PROMETHEUS_METRICS = Set.of("up");

  private static final String GREETING = "Thank You for Connecting";
  private static final String GREETER_NAME = "greeter.test";
  private static final String MISSING_NAME = Dnsmasq.MISSING_NAME;
  /** The name that lists the first probe's peers: itself alone. */
  private static final String PEERS_NAME = "probes.greetprobe.test";

  /** Seconds of scrapes, one a second, that the test waits for before it reads the dashboard's queries. */
  private static final int HISTORY_SECONDS = 20;

  /** What Grafana would put in $__rate_interval, $__range and $__interval: windows the scrape history fills. */
  private static final Map<String, String> GRAFANA_BUILTINS = Map.of(
      "__rate_interval", HISTORY_SECONDS / 2 + "s", "__range", HISTORY_SECONDS + "s", "__interval", "1s");

  private static final Duration STARTUP = SystemProcesses.STARTUP;

  private static final Deque<AutoCloseable> running = new ArrayDeque<>();
  private static Path work;
  private static Path promtool;
  private static String greeterMetricsUrl;
  private static String probeOneOffUrl;
  private static String greeterInstance;
  /** Each histogram mode's probe instance (host:port), in {@link #HISTOGRAM_MODES} order. */
  private static final Map<String, String> probeInstances = new LinkedHashMap<>();
  private static PrometheusApi prometheus;

  @BeforeAll
  @Timeout(value = 75, unit = TimeUnit.SECONDS)
  static void startTheServicesDnsAndPrometheus() throws Exception {
    promtool = Tools.require("promtool");
    Path prometheusBinary = Tools.require("prometheus");
    Path greeterJar = jar("greeter.jar");
    Path probeJar = jar("probe.jar");

    work = SystemProcesses.workDirectory("observability-it");

    int dnsPort = freeTcpAndUdp();
    started(Dnsmasq.start(work.resolve("dnsmasq.log"), dnsPort, Map.of(GREETER_NAME, "127.0.0.1",
        PEERS_NAME, "127.0.0.1")));

    int greeterPort = freeTcpAndUdp();
    int greeterHttpPort = freeTcpAndUdp();
    Path greeterConfig = Files.writeString(work.resolve("greeter.yaml"), """
        host: 127.0.0.1
        port: %d
        http: {host: 127.0.0.1, port: %d}
        """.formatted(greeterPort, greeterHttpPort));
    ChildProcess greeter = started(startJar("greeter", greeterJar, greeterConfig, work.resolve("greeter.log")));
    greeterInstance = "127.0.0.1:" + greeterHttpPort;
    greeterMetricsUrl = "http://" + greeterInstance + "/metrics";
    greeter.awaitReady("http://" + greeterInstance + "/health/ready", STARTUP);

    int tlsPort = startTlsGreeter();
    int closedPort = freeTcpAndUdp();
    Path certificate = work.resolve("greeter-test.crt");
    List<ChildProcess> probes = new ArrayList<>();
    for (String mode : HISTOGRAM_MODES) {
      int probeHttpPort = freeTcpAndUdp();
      // The first probe is a fleet of one, its peers from DNS, so that the membership's metrics are exported too.
      String shard = mode.equals(HISTOGRAM_MODES.get(0)) ? "{peers: " + PEERS_NAME + ", self: 127.0.0.1}" : "{}";
      Path probeConfig = Files.writeString(work.resolve("probe-" + mode + ".yaml"), """
        http: {host: 127.0.0.1, port: %d}
        metrics: {histograms: %s}
        shard: %s
        dns:
          servers: ["127.0.0.1:%d"]
        defaults: {interval: 1s, timeout: 500ms}
        targets:
          - name: greeter
            address: %s:%d
            expect: "^%s$"
          - name: secure
            address: %s:%d
            tls: true
            ca_file: "%s"
            expect: "^%s$"
            timeout: 1s   # the first handshake loads the JVM's TLS classes: a third of a second cold
          - name: refused
            address: 127.0.0.1:%d
          - name: missing
            address: %s:%d
        """.formatted(probeHttpPort, mode, shard, dnsPort, GREETER_NAME, greeterPort, GREETING, GREETER_NAME, tlsPort,
          certificate, GREETING, closedPort, MISSING_NAME, greeterPort));
      probes.add(started(startJar("probe " + mode, probeJar, probeConfig, work.resolve("probe-" + mode + ".log"))));
      probeInstances.put(mode, "127.0.0.1:" + probeHttpPort);
    }
    for (int i = 0; i < probes.size(); i++) {
      probes.get(i).awaitReady("http://" + probeInstances.get(HISTOGRAM_MODES.get(i)) + "/health/ready", STARTUP);
    }
    probeOneOffUrl = "http://" + probeInstances.get("both") + "/probe?target=127.0.0.1:" + greeterPort + "&expect="
        + URLEncoder.encode("^" + GREETING + "$", StandardCharsets.UTF_8);

    // A collection in each JVM, so the GC panels have a pause to show however large the heap is.
    List<ChildProcess> services = new ArrayList<>(probes);
    services.add(greeter);
    for (ChildProcess service : services) {
      ChildProcess.Exit gc = ChildProcess.run(Command.of(JavaCommand.jdkTool("jcmd"), service.pid(), "GC.run"),
          STARTUP);
      assertThat(gc.code()).as("jcmd GC.run in %s: %s", service, gc).isZero();
    }

    int prometheusPort = freeTcpAndUdp();
    Files.copy(Project.RULES, work.resolve("rules.yaml"));
    Path prometheusConfig = Files.writeString(work.resolve("prometheus.yml"), """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        rule_files:
          - rules.yaml
        scrape_configs:
          - job_name: greeter
            static_configs:
              - targets: ['%s']
          - job_name: probe
            static_configs:
              - targets: ['%s']
        """.formatted(greeterInstance, String.join("', '", probeInstances.values())));
    ChildProcess prometheusProcess = started(ChildProcess.start("prometheus", Command.of(prometheusBinary,
        "--config.file=" + prometheusConfig, "--enable-feature=native-histograms",
        "--storage.tsdb.path=" + work.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + prometheusPort),
        work.resolve("prometheus.log")));
    String prometheusUrl = "http://127.0.0.1:" + prometheusPort;
    prometheusProcess.awaitReady(prometheusUrl + "/-/ready", STARTUP);
    prometheus = new PrometheusApi(prometheusUrl);

    List<String> scraped = new ArrayList<>(probeInstances.values());
    scraped.add(greeterInstance);
    await("every scrape target up").atMost(STARTUP).failFast(prometheusProcess::assertRunning)
        .untilAsserted(() -> assertThat(samples(prometheus.query("up == 1")))
            .extracting(s -> s.getJsonObject("metric").getString("instance"))
            .containsExactlyInAnyOrderElementsOf(scraped));
    await(HISTORY_SECONDS + "s of scrapes for the dashboard's windows")
        .atMost(Duration.ofSeconds(HISTORY_SECONDS + 20)).pollInterval(Duration.ofSeconds(1))
        .failFast(prometheusProcess::assertRunning)
        .untilAsserted(() -> assertThat(prometheus.query(
            "min(count_over_time(up[" + HISTORY_SECONDS + "s])) >= " + (HISTORY_SECONDS - 1))).hasSize(1));
  }

  @AfterAll
  static void stopEverything() throws Exception {
    while (!running.isEmpty()) {
      running.pop().close();
    }
  }

  @TestFactory
  Stream<DynamicTest> promtoolFindsNoProblemInEitherServicesMetrics() {
    Map<String, String> endpoints = new LinkedHashMap<>();
    endpoints.put("greeter /metrics", greeterMetricsUrl);
    probeInstances.forEach((mode, instance) -> endpoints.put("probe (" + mode + ") /metrics", metricsUrl(instance)));
    endpoints.put("probe /probe", probeOneOffUrl);
    return endpoints.entrySet().stream().map(endpoint -> DynamicTest.dynamicTest(endpoint.getKey(), () -> {
      String metrics = Http.body(endpoint.getValue());
      ChildProcess.Exit check = ChildProcess.run(Command.of(promtool, "check", "metrics").in(work), metrics, STARTUP);

      assertThat(check.text()).as("promtool check metrics on %s", endpoint.getKey()).isEmpty();
      assertThat(check.code()).as("promtool check metrics on %s", endpoint.getKey()).isZero();
    }));
  }

  @Test
  void theVariablesListTheRunningServicesAndTargets() throws Exception {
    Map<String, List<String>> values = variableValues(Dashboard.load());

    assertThat(values).containsEntry("probe_job", List.of("probe"))
        .containsEntry("greeter_job", List.of("greeter"))
        .containsEntry("target", List.of("greeter", "missing", "refused", "secure"));
    List<String> instances = new ArrayList<>(probeInstances.values());
    instances.add(greeterInstance);
    assertThat(values.get("instance")).containsExactlyInAnyOrderElementsOf(instances);
  }

  /** In each histogram mode: the dashboard with the greeter and that mode's probe as its selected instances. */
  @TestFactory
  Stream<DynamicTest> everyQueryOfTheDashboardReturnsDataInEachHistogramMode() throws Exception {
    Dashboard dashboard = Dashboard.load();
    Map<String, List<String>> values = variableValues(dashboard);
    return probeInstances.entrySet().stream().flatMap(probe -> {
      Map<String, List<String>> selected = new LinkedHashMap<>(values);
      selected.put("instance", List.of(greeterInstance, probe.getValue()));
      Map<String, String> substitutions = substitutions(dashboard, selected);
      return dashboard.queries().stream().map(query -> DynamicTest.dynamicTest(probe.getKey() + ": " + query, () -> {
        String promql = Dashboard.substitute(query.expr(), substitutions);
        JsonArray result = prometheus.query(promql);

        assertThat(result).as("%s returns data: %s", query, promql).isNotEmpty();
        assertThat(samples(result)).as("%s has at least one number to draw: %s", query, promql)
            .anySatisfy(sample -> assertThat(PrometheusApi.value(sample)).isFinite());
      }));
    });
  }

  /**
   * What Prometheus keeps of each mode's phase histograms: classic buckets from {@code classic}; the native histogram
   * from {@code native}, and from {@code both}, whose classic buckets a Prometheus that takes native histograms drops.
   */
  @Test
  void prometheusStoresTheHistogramsEachModeExports() throws Exception {
    for (Map.Entry<String, String> probe : probeInstances.entrySet()) {
      String selector = "{job=\"probe\", instance=\"" + probe.getValue() + "\", target=\"greeter\", phase=\"connect\"}";
      boolean classic = probe.getKey().equals("classic");

      assertThat(prometheus.query("probe_phase_duration_seconds_bucket" + selector)).as(probe.getKey() + " classic")
          .hasSize(classic ? CLASSIC_PHASE_BUCKETS : 0);
      assertThat(samples(prometheus.query("probe_phase_duration_seconds" + selector)))
          .as(probe.getKey() + " native").hasSize(classic ? 0 : 1)
          .allSatisfy(sample -> assertThat(sample.containsKey("histogram")).isTrue());
    }
  }

  /**
   * promtool cannot write native histograms as a rule test's input, so here: each alert that reads a histogram, asked
   * of each mode's probe with its threshold as a {@code bool} comparison, has a value for every target that connects.
   */
  @TestFactory
  Stream<DynamicTest> everyAlertOnAHistogramReadsEachHistogramMode() throws Exception {
    List<AlertRule> alerts = AlertRule.load().stream()
        .filter(a -> MetricNames.inPromQl(a.expr()).stream().anyMatch(n -> n.startsWith("probe_phase_duration_seconds")))
        .toList();
    assertThat(alerts).isNotEmpty();
    return alerts.stream().flatMap(alert -> probeInstances.entrySet().stream().map(probe ->
        DynamicTest.dynamicTest(alert.name() + " over " + probe.getKey(), () -> {
          String promql = alert.expr().trim()
              .replaceFirst(">\\s*([0-9.]+)$", "> bool $1")
              .replace("job=\"probe\"", "job=\"probe\", instance=\"" + probe.getValue() + "\"");
          assertThat(promql).as("%s compares with a threshold", alert.name()).contains("> bool");

          assertThat(byTarget(prometheus.query(promql))).as(promql).containsKeys("greeter", "secure", "refused");
        })));
  }

  @Test
  void everyMetricTheDashboardAndTheRulesUseIsExported() throws Exception {
    Set<String> exported = new TreeSet<>(PrometheusText.parse(Http.body(greeterMetricsUrl)).names());
    for (String instance : probeInstances.values()) {
      exported.addAll(PrometheusText.parse(Http.body(metricsUrl(instance))).names());
    }
    Map<String, String> used = new TreeMap<>();
    Dashboard dashboard = Dashboard.load();
    dashboard.queries().forEach(q -> uses(used, q.expr(), q.toString()));
    dashboard.variables().stream().filter(v -> "query".equals(v.getString("type")))
        .forEach(v -> uses(used, Dashboard.variableQuery(v), "variable $" + v.getString("name")));
    AlertRule.load().forEach(a -> uses(used, a.expr(), "alert " + a.name()));

    assertThat(used).containsKeys("probe_success", "probe_phase_duration_seconds_bucket", "greeter_greetings_total",
        "greeter_connections_active", "greeter_connections_accepted_total", "jvm_memory_used_bytes", "up");
    used.keySet().removeAll(PROMETHEUS_METRICS);
    used.forEach((name, user) ->
        assertThat(MetricNames.isExported(name, exported)).as("%s, used by %s, is exported", name, user).isTrue());
  }

  @Test
  void theProbeReportsSuccessForTheGreeterAndTheReasonForEachFailure() throws Exception {
    JsonArray moving = prometheus.query("sum by (target, result) (increase(probe_results_total{job=\"probe\"}["
        + HISTORY_SECONDS + "s])) > 0");
    Map<String, Set<String>> results = new TreeMap<>();
    samples(moving).forEach(s -> results.computeIfAbsent(s.getJsonObject("metric").getString("target"),
        t -> new TreeSet<>()).add(s.getJsonObject("metric").getString("result")));

    assertThat(results).isEqualTo(Map.of(
        "greeter", Set.of("success"),
        "secure", Set.of("success"),
        "refused", Set.of("connect_refused"),
        "missing", Set.of("dns_nxdomain")));
    assertThat(byTarget(prometheus.query("min by (target) (probe_success{job=\"probe\"})"))).isEqualTo(Map.of(
        "greeter", 1.0, "secure", 1.0, "refused", 0.0, "missing", 0.0));
    assertThat(byTarget(prometheus.query("max by (target) (probe_success{job=\"probe\"})"))).isEqualTo(Map.of(
        "greeter", 1.0, "secure", 1.0, "refused", 0.0, "missing", 0.0));
    assertThat(byTarget(prometheus.query("min by (target) (probe_ssl_earliest_cert_expiry{job=\"probe\"}) - time()")))
        .containsOnlyKeys("secure")
        .hasEntrySatisfying("secure", secondsLeft -> assertThat(secondsLeft).isPositive());
  }

  @Test
  void exactlyTheAlertsOfTheFailingTargetsArePending() {
    await("the alerts of the two failing targets").atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      JsonArray alerts = prometheus.alerts();
      Set<String> active = new TreeSet<>();
      for (JsonObject alert : samples(alerts)) {
        JsonObject labels = alert.getJsonObject("labels");
        active.add(labels.getString("alertname") + " " + labels.getString("target", "")
            + (labels.containsKey("result") ? " " + labels.getString("result") : ""));
        // Every alert waits minutes before firing; the test has run for seconds.
        assertThat(alert.getString("state")).as(labels.encode()).isEqualTo("pending");
      }
      assertThat(active).containsExactlyInAnyOrder(
          "ProbeTargetDown refused", "ProbeTargetDown missing",
          "ProbeSuccessRatioLow refused", "ProbeSuccessRatioLow missing",
          "ProbeDnsFailures missing dns_nxdomain");
    });
  }

  @Test
  void everyRuleEvaluatesWithoutError() throws Exception {
    JsonArray groups = prometheus.ruleGroups();
    Set<String> evaluated = new HashSet<>();
    for (JsonObject group : samples(groups)) {
      for (JsonObject rule : samples(group.getJsonArray("rules"))) {
        assertThat(rule.getString("health")).as("%s: %s", rule.getString("name"), rule.getString("lastError"))
            .isEqualTo("ok");
        evaluated.add(rule.getString("name"));
      }
    }
    assertThat(evaluated).containsExactlyInAnyOrderElementsOf(
        AlertRule.load().stream().map(AlertRule::name).toList());
  }

  /** Records, for each metric {@code promql} names, the first user of it. */
  private static void uses(Map<String, String> used, String promql, String user) {
    MetricNames.inPromQl(promql).forEach(name -> used.putIfAbsent(name, user));
  }

  /** Each variable's values as Grafana would list them, variables before it substituted with All. */
  private static Map<String, List<String>> variableValues(Dashboard dashboard) throws Exception {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (JsonObject variable : dashboard.variables()) {
      if (!"query".equals(variable.getString("type"))) {
        continue;
      }
      Dashboard.LabelValues query = Dashboard.LabelValues.parse(Dashboard.variableQuery(variable));
      String selector = Dashboard.substitute(query.selector(), substitutions(dashboard, values));
      values.put(variable.getString("name"), prometheus.labelValues(selector, query.label()).stream().sorted()
          .toList());
    }
    return values;
  }

  /**
   * What Grafana puts in queries with All selected for every variable: the variable's custom all value, or else its
   * values as a regular expression {@code (a|b)} (escaped for a PromQL string, as Grafana escapes them).
   */
  private static Map<String, String> substitutions(Dashboard dashboard, Map<String, List<String>> values) {
    Map<String, String> substitutions = new TreeMap<>(GRAFANA_BUILTINS);
    values.forEach((name, list) -> {
      JsonObject variable = dashboard.variable(name).orElseThrow();
      String all = variable.getString("allValue");
      substitutions.put(name, all != null && !all.isEmpty() ? all
          : list.stream().map(ObservabilityIT::regexEscape).collect(Collectors.joining("|", "(", ")")));
    });
    return substitutions;
  }

  private static String regexEscape(String value) {
    return value.replace("\\", "\\\\\\\\").replaceAll("[$^*{}\\[\\]'+?.()|]", "\\\\\\\\$0");
  }

  private static String metricsUrl(String instance) {
    return "http://" + instance + "/metrics";
  }

  private static List<JsonObject> samples(JsonArray array) {
    return array.stream().map(JsonObject.class::cast).toList();
  }

  private static Map<String, Double> byTarget(JsonArray result) {
    return samples(result).stream().collect(Collectors.toMap(
        s -> s.getJsonObject("metric").getString("target"), PrometheusApi::value));
  }

  private static <T extends AutoCloseable> T started(T resource) {
    running.push(resource);
    return resource;
  }

  /** A TLS server in this JVM that greets as the greeter does, with a certificate for greeter.test. */
  private static int startTlsGreeter() throws Exception {
    Vertx vertx = Vertx.vertx();
    running.push(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    SelfSignedCertificate certificate = SelfSignedCertificate.create(GREETER_NAME);
    Files.copy(Path.of(certificate.certificatePath()), work.resolve("greeter-test.crt"));
    NetServerOptions options = new NetServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
        .setKeyCertOptions(certificate.keyCertOptions());
    NetServer server = vertx.createNetServer(options).connectHandler(socket -> socket.end(Buffer.buffer(GREETING)))
        .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return server.actualPort();
  }
}
