package dev.greetprobe.probe;

import static dev.greetprobe.probe.ProbeHttp.metrics;
import static dev.greetprobe.probe.ProbeHttp.successes;
import static dev.greetprobe.probe.ProbeHttp.targetNames;
import static dev.greetprobe.probe.ProbeHttp.targets;
import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.probe.config.ConfigSource;
import dev.greetprobe.probe.config.Membership;
import dev.greetprobe.probe.dns.TestDnsServer;
import dev.greetprobe.testkit.Ports;
import dev.greetprobe.testkit.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Probes that share their targets with the peers a DNS name lists, in one JVM, each with its own identity and HTTP
 * port, and a DNS server the test controls: every target is held by exactly {@code replicas} peers, a peer that goes
 * from the answer has its targets taken over, one that joins takes only its share, and a bad answer changes nothing.
 */
class PeersTest {

  private static final String PEERS = "probe.fleet.test";
  private static final List<String> NAMES = IntStream.range(0, 60).mapToObj(i -> "t" + i).toList();
  private static final Duration SETTLES = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private Vertx vertx;
  private TestDnsServer dns;
  private NetServer greeter;
  /** The running peers by identity, and their HTTP ports. */
  private final Map<String, ProbeService> running = new LinkedHashMap<>();
  private final Map<String, Integer> ports = new HashMap<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Instrumentation.vertx(Instrumentation.registry(), true);
    dns = TestDnsServer.start();
    greeter = TestServers.delayed(vertx, "hello", Duration.ZERO);
  }

  @AfterEach
  void stop() throws Exception {
    for (ProbeService service : running.values()) {
      join(service.stop());
    }
    join(vertx.close());
    dns.close();
  }

  @ParameterizedTest(name = "replicas {0}")
  @ValueSource(ints = {1, 2})
  void onceThePeersSeeEachOtherEveryTargetIsProbedByExactlyReplicasOfThem(int replicas) throws Exception {
    List<String> peers = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
    dns.only(PEERS, peers);
    for (String peer : peers) {
      peer(peer, replicas);
    }

    await().atMost(SETTLES).untilAsserted(() -> assertThat(holders()).allSatisfy((name, held) ->
        assertThat(held).as(name).hasSize(replicas)));
    for (String peer : peers) {
      JsonObject targets = targets(ports.get(peer));
      assertThat(targets.getJsonObject("membership").getJsonArray("peers").getList()).isEqualTo(peers);
      assertThat(targets.getJsonObject("membership").getString("error")).isNull();
      assertThat(targets.getJsonArray("targets").stream().map(t -> (JsonObject) t)).allSatisfy(target ->
          assertThat(target.getJsonArray("holders").getList()).hasSize(replicas).contains(peer));
      String metrics = metrics(ports.get(peer));
      PrometheusText text = PrometheusText.parse(metrics);
      assertThat(text.value("probe_shard_peers")).isEqualTo(3);
      assertThat(text.value("probe_targets{ownership=\"held\"}") + text.value("probe_targets{ownership=\"elsewhere\"}"))
          .isEqualTo(NAMES.size());
      await().atMost(SETTLES).untilAsserted(() -> assertThat(targetNames(targets(ports.get(peer))))
          .allSatisfy(name -> assertThat(successes(metrics(ports.get(peer)), name)).as(name).isPositive()));
      assertThat(ProbeHttp.get(ports.get(peer), "/").body())
          .as("the status page says whom this peer shares the targets with, and who probes each")
          .contains(peer + " among 3 peers (127.0.0.1, 127.0.0.2, 127.0.0.3), replicas " + replicas + ", refreshed ")
          .contains("probed by ");
    }
  }

  @Test
  void whenAPeerGoesFromTheAnswerTheOthersTakeItsTargetsAndKeepTheirOwnAsTheyWere() throws Exception {
    List<String> peers = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
    dns.only(PEERS, peers);
    for (String peer : peers) {
      peer(peer, 1);
    }
    await().atMost(SETTLES).untilAsserted(() -> assertThat(holders()).allSatisfy((name, held) ->
        assertThat(held).as(name).hasSize(1)));
    Map<String, List<String>> before = new HashMap<>();
    for (String peer : List.of("127.0.0.1", "127.0.0.2")) {
      before.put(peer, targetNames(targets(ports.get(peer))));
      String kept = before.get(peer).get(0);
      await().atMost(SETTLES).until(() -> successes(metrics(ports.get(peer)), kept) >= 2);
    }
    Map<String, Double> keptRuns = new HashMap<>();
    for (String peer : before.keySet()) {
      keptRuns.put(peer, successes(metrics(ports.get(peer)), before.get(peer).get(0)));
    }

    join(running.remove("127.0.0.3").stop());
    dns.only(PEERS, List.of("127.0.0.1", "127.0.0.2"));

    await().atMost(SETTLES).untilAsserted(() -> {
      Map<String, Set<String>> holders = holders();
      assertThat(holders).allSatisfy((name, held) -> assertThat(held).as(name).hasSize(1));
      for (String name : NAMES) {
        String holder = holders.get(name).iterator().next();
        assertThat(successes(metrics(ports.get(holder)), name)).as(name + " on " + holder).isPositive();
      }
    });
    for (String peer : before.keySet()) {
      List<String> now = targetNames(targets(ports.get(peer)));
      assertThat(now).as("%s keeps what it held", peer).containsAll(before.get(peer));
      assertThat(successes(metrics(ports.get(peer)), before.get(peer).get(0)))
          .as("a kept target's series go on from where they were").isGreaterThanOrEqualTo(keptRuns.get(peer));
      assertThat(PrometheusText.parse(metrics(ports.get(peer))).value("probe_shard_membership_changes_total"))
          .isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void aPeerThatJoinsProbesItsShareAtOnceAndTheOthersGiveUpOnlyThat() throws Exception {
    List<String> two = List.of("127.0.0.1", "127.0.0.2");
    List<String> three = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
    dns.only(PEERS, two);
    for (String peer : two) {
      peer(peer, 1);
    }
    await().atMost(SETTLES).untilAsserted(() -> assertThat(holders()).allSatisfy((name, held) ->
        assertThat(held).as(name).hasSize(1)));
    Map<String, List<String>> before = new HashMap<>();
    for (String peer : two) {
      before.put(peer, targetNames(targets(ports.get(peer))));
    }
    List<String> share = NAMES.stream().filter(new Membership(three, "127.0.0.3", 1)::holds).toList();

    peer("127.0.0.3", 1);
    assertThat(targetNames(targets(ports.get("127.0.0.3"))))
        .as("before the answer lists it, the joining peer probes its share as if it were listed")
        .containsExactlyInAnyOrderElementsOf(share);
    dns.only(PEERS, three);

    await().atMost(SETTLES).untilAsserted(() -> assertThat(holders()).allSatisfy((name, held) ->
        assertThat(held).as(name).hasSize(1)));
    for (String peer : two) {
      List<String> given = new ArrayList<>(before.get(peer));
      given.removeAll(targetNames(targets(ports.get(peer))));
      assertThat(given).as("what %s gave up", peer).isSubsetOf(share);
    }
    assertThat(targetNames(targets(ports.get("127.0.0.3")))).containsExactlyInAnyOrderElementsOf(share);
  }

  @Test
  void anEmptyAFailedOrAnUnansweredLookupChangesNothingAndIsCountedAndShown() throws Exception {
    List<String> peers = List.of("127.0.0.1", "127.0.0.2");
    dns.only(PEERS, peers);
    for (String peer : peers) {
      peer(peer, 1);
    }
    await().atMost(SETTLES).untilAsserted(() -> assertThat(holders()).allSatisfy((name, held) ->
        assertThat(held).as(name).hasSize(1)));
    Map<String, List<String>> before = new HashMap<>();
    for (String peer : peers) {
      before.put(peer, targetNames(targets(ports.get(peer))));
    }

    for (Consumer<String> bad : List.<Consumer<String>>of(dns::empty, dns::nxdomain, dns::servfail, dns::silent)) {
      Map<String, Double> failures = new HashMap<>();
      for (String peer : peers) {
        failures.put(peer, refreshFailures(peer));
      }
      bad.accept(PEERS);
      for (String peer : peers) {
        await().atMost(SETTLES).until(() -> refreshFailures(peer) >= failures.get(peer) + 2);
        JsonObject targets = targets(ports.get(peer));
        assertThat(targets.getJsonObject("membership").getString("error")).isNotNull();
        assertThat(targets.getJsonObject("membership").getJsonArray("peers").getList()).isEqualTo(peers);
        assertThat(targetNames(targets)).containsExactlyInAnyOrderElementsOf(before.get(peer));
        assertThat(PrometheusText.parse(metrics(ports.get(peer))).value("probe_shard_membership_changes_total"))
            .isEqualTo(1);
      }
      dns.only(PEERS, peers);
    }
  }

  @ParameterizedTest(name = "no records: {0}")
  @ValueSource(strings = {"NXDOMAIN", "NODATA"})
  void theFirstPeerOfAFleetWhoseNameHasNoRecordsYetProbesEveryTarget(String answer) throws Exception {
    if (answer.equals("NODATA")) {
      dns.empty(PEERS);
    }
    peer("127.0.0.1", 2);

    assertThat(targetNames(targets(ports.get("127.0.0.1")))).containsExactlyInAnyOrderElementsOf(NAMES);
  }

  @Test
  void aPeerWhoseFirstLookupFailsIsNotReadyAndProbesNothingUntilAnAnswerComes() throws Exception {
    dns.servfail(PEERS);
    Future<Void> started = starting("127.0.0.1", 1);
    int port = ports.get("127.0.0.1");
    await().atMost(SETTLES).ignoreExceptions().until(() -> refreshFailures("127.0.0.1") >= 2);

    assertThat(started.isComplete()).isFalse();
    assertThat(ProbeHttp.get(port, "/health/ready").statusCode()).isEqualTo(503);
    assertThat(targetNames(targets(port))).isEmpty();

    dns.only(PEERS, List.of("127.0.0.2"));
    join(started);
    assertThat(ProbeHttp.get(port, "/health/ready").statusCode()).isEqualTo(200);
    assertThat(targetNames(targets(port))).containsExactlyInAnyOrderElementsOf(
        NAMES.stream().filter(new Membership(List.of("127.0.0.1", "127.0.0.2"), "127.0.0.1", 1)::holds).toList());
  }

  private void peer(String self, int replicas) throws Exception {
    join(starting(self, replicas));
  }

  private Future<Void> starting(String self, int replicas) throws Exception {
    int port = Ports.free();
    Path config = Files.writeString(dir.resolve(self + ".yaml"), config(port, replicas));
    ConfigSource source = new ConfigSource.File(config, Map.of("PROBE_SHARD_SELF", self));
    ProbeService service = new ProbeService(vertx, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), source,
        join(source.read(vertx)));
    running.put(self, service);
    ports.put(self, port);
    return service.start();
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

  private String config(int httpPort, int replicas) {
    StringBuilder yaml = new StringBuilder()
        .append("http: {host: 127.0.0.1, port: ").append(httpPort).append("}\n")
        .append("reload: {interval: 1h}\n")
        .append("dns: {servers: ['").append(dns.address()).append("'], query_timeout: 100ms}\n")
        .append("shard: {peers: ").append(PEERS).append(", refresh: 100ms, replicas: ").append(replicas).append("}\n")
        .append("defaults: {interval: 200ms, timeout: 100ms}\n")
        .append("targets:\n");
    NAMES.forEach(n -> yaml.append("  - {name: ").append(n).append(", address: '127.0.0.1:")
        .append(greeter.actualPort()).append("', expect: '^hello$'}\n"));
    return yaml.toString();
  }
}
