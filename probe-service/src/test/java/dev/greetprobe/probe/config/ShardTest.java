package dev.greetprobe.probe.config;

import static dev.greetprobe.probe.ProbeHttp.metrics;
import static dev.greetprobe.probe.ProbeHttp.post;
import static dev.greetprobe.probe.ProbeHttp.successes;
import static dev.greetprobe.probe.ProbeHttp.targetNames;
import static dev.greetprobe.probe.ProbeHttp.targets;
import static dev.greetprobe.probe.config.TestTargets.target;
import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.probe.ProbeService;
import dev.greetprobe.probe.TestServers;
import dev.greetprobe.testkit.Ports;
import dev.greetprobe.testkit.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each target is probed by exactly one of the shards, and a change of the target list or the count moves few. */
class ShardTest {

  private static final List<String> NAMES = IntStream.range(0, 1000).mapToObj(i -> "web-" + i + ".example").toList();

  @Test
  void threeShardsOverAThousandTargetsHoldEachOnceAndWithinFifteenPercentOfEachOther() {
    int[] sizes = new int[3];
    for (String name : NAMES) {
      List<Integer> holders = IntStream.range(0, 3).filter(i -> new Shard(i, 3).holds(name)).boxed().toList();
      assertThat(holders).as(name).hasSize(1);
      sizes[holders.get(0)]++;
    }

    IntSummaryStatistics stats = IntStream.of(sizes).summaryStatistics();
    assertThat(stats.getSum()).isEqualTo(1000);
    assertThat((double) stats.getMax() / stats.getMin()).as("sizes %s", List.of(sizes[0], sizes[1], sizes[2]))
        .isLessThanOrEqualTo(1.15);
  }

  @Test
  void aFourthShardTakesAboutAQuarterOfTheTargetsAndMovesNoOthers() {
    int moved = 0;
    for (String name : NAMES) {
      int before = Shard.owner(name, 3);
      int after = Shard.owner(name, 4);
      if (after != before) {
        assertThat(after).as("%s moves only to the new shard", name).isEqualTo(3);
        moved++;
      }
    }

    assertThat(moved).as("targets moved").isBetween(200, 333);
  }

  @Test
  void editingTheTargetListMovesNoOtherTarget() {
    Shard shard = new Shard(1, 3);
    List<Target> before = NAMES.stream().map(n -> target(n + ":80").name(n).build()).toList();
    List<Target> after = new ArrayList<>(before.subList(100, 1000));
    IntStream.range(1000, 1100).forEach(i -> after.add(target("new-" + i + ":80").name("new-" + i).build()));

    Set<Target> heldBefore = new HashSet<>(ShardAssignment.of(shard, before).held());
    ShardAssignment assignment = ShardAssignment.of(shard, after);

    for (Target t : before.subList(100, 1000)) {
      assertThat(assignment.held().contains(t)).as(t.name()).isEqualTo(heldBefore.contains(t));
    }
    assertThat(assignment.total()).isEqualTo(1000);
    assertThat(assignment.elsewhere()).isEqualTo(1000 - assignment.held().size());
  }

  /** Running instances, as pods of a StatefulSet would run them. */
  @Nested
  class Running {

    @TempDir
    Path dir;

    @Test
    void twoInstancesSplitTheTargetsAndEachShowsOnlyItsOwn() throws Exception {
      PrometheusMeterRegistry registry = Instrumentation.registry();
      Vertx vertx = Instrumentation.vertx(registry, true);
      try {
        NetServer server = TestServers.delayed(vertx, "hello", Duration.ZERO);
        List<String> names = IntStream.range(0, 20).mapToObj(i -> "t" + i).toList();
        int[] ports = {Ports.free(), Ports.free()};
        // One file for both, as one ConfigMap serves every pod; each pod names itself in the environment.
        Path config = Files.writeString(dir.resolve("probe.yaml"), config(9181, 2, names, server));
        List<ProbeService> services = new ArrayList<>();
        for (int index = 0; index < 2; index++) {
          ConfigSource source = new ConfigSource.File(config,
              Map.of("PROBE_SHARD_INDEX", "probe-" + index, "PROBE_HTTP_PORT", String.valueOf(ports[index])));
          PrometheusMeterRegistry own = index == 0 ? registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
          ProbeService service = new ProbeService(vertx, own, source, join(source.read(vertx)));
          join(service.start());
          services.add(service);
        }

        Set<String> seen = new HashSet<>();
        for (int index = 0; index < 2; index++) {
          JsonObject targets = targets(ports[index]);
          List<String> held = targetNames(targets);
          assertThat(targets.getJsonObject("shard")).isEqualTo(new JsonObject().put("index", index).put("count", 2));
          assertThat(targets.getInteger("elsewhere")).isEqualTo(20 - held.size());
          assertThat(held).isNotEmpty().allSatisfy(name -> assertThat(seen.add(name)).as(name + " in one shard").isTrue());
          int shard = index;
          await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = metrics(ports[shard]);
            assertThat(PrometheusText.parse(metrics).value("probe_targets{ownership=\"held\"}")).isEqualTo(held.size());
            assertThat(PrometheusText.parse(metrics).value("probe_config_targets")).isEqualTo(20);
            assertThat(PrometheusText.parse(metrics).value("probe_shard_index")).isEqualTo(shard);
            assertThat(PrometheusText.parse(metrics).value("probe_shards")).isEqualTo(2);
            for (String name : names) {
              assertThat(successes(metrics, name) >= 1).as(name).isEqualTo(held.contains(name));
            }
          });
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(names);
        for (ProbeService service : services) {
          join(service.stop());
        }
      } finally {
        join(vertx.close());
      }
    }

    @Test
    void raisingTheShardCountOnReloadDropsTheTargetsTheNewShardTakes() throws Exception {
      PrometheusMeterRegistry registry = Instrumentation.registry();
      Vertx vertx = Instrumentation.vertx(registry, true);
      try {
        NetServer server = TestServers.delayed(vertx, "hello", Duration.ZERO);
        List<String> names = IntStream.range(0, 30).mapToObj(i -> "t" + i).toList();
        int port = Ports.free();
        Path config = Files.writeString(dir.resolve("probe.yaml"), config(port, 1, names, server));
        ConfigSource source = new ConfigSource.File(config, Map.of());
        ProbeService service = new ProbeService(vertx, registry, source, join(source.read(vertx)));
        join(service.start());
        List<String> taken = names.stream().filter(n -> Shard.owner(n, 2) == 1).toList();
        List<String> kept = names.stream().filter(n -> Shard.owner(n, 2) == 0).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
          String metrics = metrics(port);
          return names.stream().allMatch(n -> successes(metrics, n) >= 2);
        });
        double keptRuns = successes(metrics(port), kept.get(0));

        Files.writeString(config, config(port, 2, names, server));
        JsonObject summary = new JsonObject(post(port, "/-/reload").body());

        assertThat(summary.getJsonArray("removed").getList()).containsExactlyElementsOf(taken);
        assertThat(summary.getInteger("unchanged")).isEqualTo(kept.size());
        assertThat(summary.getInteger("elsewhere")).isEqualTo(taken.size());
        String metrics = metrics(port);
        assertThat(taken).allSatisfy(n -> assertThat(metrics).doesNotContain("target=\"" + n + "\""));
        assertThat(successes(metrics, kept.get(0))).isGreaterThanOrEqualTo(keptRuns);
        assertThat(PrometheusText.parse(metrics).value("probe_targets{ownership=\"held\"}")).isEqualTo(kept.size());
        assertThat(PrometheusText.parse(metrics).value("probe_config_targets")).isEqualTo(30);
        join(service.stop());
      } finally {
        join(vertx.close());
      }
    }

    private String config(int httpPort, int shards, List<String> names, NetServer server) {
      StringBuilder yaml = new StringBuilder()
          .append("http: {host: 127.0.0.1, port: ").append(httpPort).append("}\n")
          .append("reload: {interval: 1h, http: true}\n")
          .append("shard: {count: ").append(shards).append("}\n")
          .append("defaults: {interval: 100ms, timeout: 100ms}\n")
          .append("targets:\n");
      names.forEach(n -> yaml.append("  - {name: ").append(n).append(", address: '127.0.0.1:")
          .append(server.actualPort()).append("', expect: '^hello$'}\n"));
      return yaml.toString();
    }
  }
}
