package dev.greetprobe.probe;

import static dev.greetprobe.probe.ProbeHttp.metrics;
import static dev.greetprobe.probe.ProbeHttp.targetNames;
import static dev.greetprobe.probe.ProbeHttp.targets;
import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.probe.config.Membership;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.dns.TestDnsServer;
import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.JavaCommand;
import dev.greetprobe.testkit.Ports;
import dev.greetprobe.testkit.PrometheusText;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A fleet of probe processes on loopback, each with its own HTTP port and identity, learning its peers from a DNS
 * server the test controls, as pods learn them from their headless Service: 300 targets against local greeters are
 * each held by exactly {@code replicas} peers; a peer killed with SIGKILL and taken out of DNS, as Kubernetes takes out
 * a pod that is no longer ready, has each of its targets probed by a survivor within a refresh and an interval; a peer
 * that joins takes only its share; and an empty or failed answer changes nothing.
 */
class FleetIT {

  private static final String PEERS = "probe.fleet.test";
  private static final List<String> NAMES = IntStream.range(0, 300).mapToObj(i -> "greeter-" + i).toList();
  private static final Duration REFRESH = Duration.ofSeconds(1);
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  /** A lookup and an apply take some milliseconds, more on a machine whose two cores run four JVMs. */
  private static final Duration LOOKUP_AND_APPLY = Duration.ofMillis(500);
  /** A probe's answer slower than a request's timeout, on a machine this loaded, is asked again within it. */
  private static final Duration SETTLES = Duration.ofSeconds(30);
  private static final Duration STARTS = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  private Vertx vertx;
  private TestDnsServer dns;
  private final List<Integer> greeters = new ArrayList<>();
  /** The running probes by identity, and their HTTP ports. */
  private final Map<String, ChildProcess> running = new LinkedHashMap<>();
  private final Map<String, Integer> ports = new HashMap<>();

  @BeforeEach
  void startTheGreetersAndTheDnsServer() throws Exception {
    vertx = Vertx.vertx();
    dns = TestDnsServer.start();
    for (int i = 0; i < 2; i++) {
      greeters.add(TestGreeter.start(vertx, 1, new SimpleMeterRegistry()));
    }
  }

  @AfterEach
  void stopEverything() throws Exception {
    running.values().forEach(ChildProcess::close);
    join(vertx.close());
    dns.close();
  }

  @ParameterizedTest(name = "replicas {0}")
  @ValueSource(ints = {1, 2})
  void onceTheMembershipSettlesEveryTargetIsHeldByExactlyReplicasPeers(int replicas) throws Exception {
    List<String> peers = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
    startFleet(peers, replicas);

    await("every target held by " + replicas).atMost(SETTLES).ignoreException(HttpTimeoutException.class).untilAsserted(() ->
        assertThat(holders()).allSatisfy((name, held) -> assertThat(held).as(name).hasSize(replicas)));
    for (String peer : peers) {
      PrometheusText metrics = PrometheusText.parse(metrics(ports.get(peer)));
      assertThat(metrics.value("probe_shard_peers")).isEqualTo(3);
      assertThat(metrics.value("probe_targets{ownership=\"held\"}")
          + metrics.value("probe_targets{ownership=\"elsewhere\"}")).isEqualTo(NAMES.size());
    }
  }

  @Test
  void afterAPeerIsKilledEachOfItsTargetsIsProbedByASurvivorWithinARefreshAndAnInterval() throws Exception {
    List<String> peers = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
    startFleet(peers, 1);
    await().atMost(SETTLES).ignoreException(HttpTimeoutException.class).untilAsserted(() ->
        assertThat(holders()).allSatisfy((name, held) -> assertThat(held).as(name).hasSize(1)));
    List<String> orphaned = targetNames(targets(ports.get("127.0.0.3")));

    running.remove("127.0.0.3").kill();
    dns.only(PEERS, List.of("127.0.0.1", "127.0.0.2"));
    Instant removed = Instant.now();

    Map<String, Instant> firstProbe = new HashMap<>();
    await("a survivor's first probe of each of the killed peer's " + orphaned.size() + " targets")
        .atMost(SETTLES).ignoreException(HttpTimeoutException.class).untilAsserted(() -> {
          for (String survivor : running.keySet()) {
            for (Object entry : targets(ports.get(survivor)).getJsonArray("targets")) {
              JsonObject target = (JsonObject) entry;
              JsonArray history = target.getJsonArray("history");
              if (orphaned.contains(target.getString("name")) && !history.isEmpty()) {
                firstProbe.putIfAbsent(target.getString("name"),
                    Instant.parse(history.getJsonObject(0).getString("finished_at")));
              }
            }
          }
          assertThat(firstProbe.keySet()).containsExactlyInAnyOrderElementsOf(orphaned);
        });
    Duration longest = firstProbe.values().stream().map(at -> Duration.between(removed, at))
        .max(Duration::compareTo).orElseThrow();
    assertThat(longest).as("the last of the killed peer's targets probed again, after it left DNS")
        .isLessThanOrEqualTo(REFRESH.plus(INTERVAL).plus(LOOKUP_AND_APPLY));
    assertThat(holders()).allSatisfy((name, held) -> assertThat(held).as(name).hasSize(1));
  }

  @Test
  void aPeerThatJoinsTakesOnlyItsShare() throws Exception {
    List<String> two = List.of("127.0.0.1", "127.0.0.2");
    List<String> three = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
    startFleet(two, 1);
    await().atMost(SETTLES).ignoreException(HttpTimeoutException.class).untilAsserted(() ->
        assertThat(holders()).allSatisfy((name, held) -> assertThat(held).as(name).hasSize(1)));
    Map<String, List<String>> before = new HashMap<>();
    for (String peer : two) {
      before.put(peer, targetNames(targets(ports.get(peer))));
    }
    List<String> share = NAMES.stream().filter(new Membership(three, "127.0.0.3", 1)::holds).toList();

    start("127.0.0.3", 1);
    dns.only(PEERS, three);

    await().atMost(SETTLES).ignoreException(HttpTimeoutException.class).untilAsserted(() ->
        assertThat(holders()).allSatisfy((name, held) -> assertThat(held).as(name).hasSize(1)));
    assertThat(targetNames(targets(ports.get("127.0.0.3")))).containsExactlyInAnyOrderElementsOf(share);
    for (String peer : two) {
      List<String> given = new ArrayList<>(before.get(peer));
      given.removeAll(targetNames(targets(ports.get(peer))));
      assertThat(given).as("what %s gave up", peer).isSubsetOf(share);
    }
  }

  @Test
  void anEmptyOrFailedAnswerChangesNothing() throws Exception {
    List<String> peers = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
    startFleet(peers, 1);
    await().atMost(SETTLES).ignoreException(HttpTimeoutException.class).untilAsserted(() ->
        assertThat(holders()).allSatisfy((name, held) -> assertThat(held).as(name).hasSize(1)));
    Map<String, Set<String>> settled = holders();

    for (Consumer<String> bad : List.<Consumer<String>>of(dns::empty, dns::servfail, dns::nxdomain)) {
      Map<String, Double> failures = new HashMap<>();
      for (String peer : peers) {
        failures.put(peer, refreshFailures(peer));
      }
      bad.accept(PEERS);
      for (String peer : peers) {
        await().atMost(SETTLES).ignoreException(HttpTimeoutException.class).until(() -> refreshFailures(peer) >= failures.get(peer) + 2);
      }
      assertThat(holders()).isEqualTo(settled);
      for (String peer : peers) {
        assertThat(targets(ports.get(peer)).getJsonObject("membership").getString("error")).isNotNull();
      }
      dns.only(PEERS, peers);
    }
  }

  /** Starts a probe for each of {@code peers}, which DNS lists as each becomes ready, as a headless Service does. */
  private void startFleet(List<String> peers, int replicas) throws Exception {
    List<String> ready = new ArrayList<>();
    for (String peer : peers) {
      start(peer, replicas);
      ready.add(peer);
      dns.only(PEERS, ready);
    }
  }

  private void start(String self, int replicas) throws Exception {
    int port = Ports.free();
    Path config = Files.writeString(dir.resolve(self + ".yaml"), config(replicas));
    ChildProcess probe = ChildProcess.start("probe " + self,
        JavaCommand.mainClass(ProbeMain.class).options("-Xmx256m", "-XX:+UseSerialGC")
            .arguments("--config", config)
            .withoutEnvironment(ProbeConfig.ENVIRONMENT.keySet())
            .withEnvironment(Map.of("PROBE_SHARD_SELF", self, "PROBE_HTTP_PORT", String.valueOf(port))),
        dir.resolve(self + ".log"));
    running.put(self, probe);
    ports.put(self, port);
    probe.awaitReady("http://127.0.0.1:" + port + "/health/ready", STARTS);
  }

  /** Which running peers hold each target, by their {@code /targets}. */
  private Map<String, Set<String>> holders() throws Exception {
    Map<String, Set<String>> holders = new HashMap<>();
    NAMES.forEach(name -> holders.put(name, new HashSet<>()));
    for (String peer : running.keySet()) {
      targetNames(targets(ports.get(peer))).forEach(name -> holders.get(name).add(peer));
    }
    return holders;
  }

  private double refreshFailures(String peer) throws Exception {
    return PrometheusText.parse(metrics(ports.get(peer))).value("probe_shard_refresh_failures_total");
  }

  private String config(int replicas) {
    StringBuilder yaml = new StringBuilder()
        .append("http: {host: 127.0.0.1}\n")
        .append("reload: {interval: 1h}\n")
        .append("dns: {servers: ['").append(dns.address()).append("'], query_timeout: 500ms}\n")
        .append("shard: {peers: ").append(PEERS).append(", refresh: ").append(REFRESH.toMillis())
        .append("ms, replicas: ").append(replicas).append("}\n")
        .append("defaults: {interval: ").append(INTERVAL.toMillis()).append("ms, timeout: 500ms}\n")
        .append("targets:\n");
    for (int i = 0; i < NAMES.size(); i++) {
      yaml.append("  - {name: ").append(NAMES.get(i)).append(", address: '127.0.0.1:")
          .append(greeters.get(i % greeters.size())).append("', expect: '^Thank You for Connecting$'}\n");
    }
    return yaml.toString();
  }
}
