package dev.greetprobe.probe;

import static dev.greetprobe.probe.ProbeHttp.metrics;
import static dev.greetprobe.probe.ProbeHttp.successes;
import static dev.greetprobe.probe.ProbeHttp.targetNames;
import static dev.greetprobe.probe.ProbeHttp.targets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One reload, the same whatever triggers it: of the targets {@code keep}, {@code change} and {@code gone}, all
 * probing a real greeter, {@code keep} stays as it is, {@code change} gets a shorter timeout, {@code gone} is removed
 * and {@code fresh} is added.
 */
public final class ReloadScenario {

  /** Enough runs that a counter reset by the reload could not have climbed back by the time it is read. */
  private static final int KEPT_RUNS = 8;
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final int greeterPort;
  private final int httpPort;

  public ReloadScenario(int greeterPort, int httpPort) {
    this.greeterPort = greeterPort;
    this.httpPort = httpPort;
  }

  /** The config before the reload; {@code reloadInterval} is how often the file is checked. */
  public String before(String reloadInterval) {
    return config(reloadInterval, target("keep", ""), target("change", ", timeout: 100ms"), target("gone", ""));
  }

  public String after(String reloadInterval) {
    return config(reloadInterval, target("keep", ""), target("change", ", timeout: 90ms"), target("fresh", ""));
  }

  /** A config for the same greeter and HTTP port, with these target entries. */
  public String config(String reloadInterval, String... targets) {
    return """
        http: {host: 127.0.0.1, port: %d}
        reload: {interval: %s, http: true, settle: 200ms}
        defaults: {interval: 100ms, timeout: 100ms}
        targets:
        %s
        """.formatted(httpPort, reloadInterval,
        Stream.of(targets).map(t -> "  - " + t).collect(Collectors.joining("\n")));
  }

  /** A target probing the greeter; {@code extra} adds keys, as in {@code ", timeout: 90ms"}. */
  public String target(String name, String extra) {
    return "{name: " + name + ", address: '127.0.0.1:" + greeterPort + "', expect: '^Thank You for Connecting$'"
        + extra + "}";
  }

  /** Waits until the targets of {@link #before} are all probing; returns how often {@code keep} has succeeded. */
  public double awaitRunning() throws Exception {
    await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
      String metrics = metrics(httpPort);
      assertThat(successes(metrics, "keep")).isGreaterThanOrEqualTo(KEPT_RUNS);
      assertThat(successes(metrics, "change")).isGreaterThanOrEqualTo(1);
      assertThat(successes(metrics, "gone")).isGreaterThanOrEqualTo(1);
    });
    return successes(metrics(httpPort), "keep");
  }

  /**
   * Waits until the reload shows, then checks it was a diff: {@code keep}'s counter carried on from
   * {@code keepBefore}, {@code gone}'s series are gone, {@code fresh} probes, {@code change} runs its new settings.
   */
  public void awaitApplied(double keepBefore) throws Exception {
    await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
      String metrics = metrics(httpPort);
      assertThat(successes(metrics, "fresh")).isGreaterThanOrEqualTo(1);
      assertThat(metrics).doesNotContain("target=\"gone\"");
    });
    double keepAfter = successes(metrics(httpPort), "keep");
    assertThat(keepAfter).as("keep's counter carries on from its old value").isGreaterThanOrEqualTo(keepBefore);
    await().atMost(WAIT).ignoreExceptions()
        .untilAsserted(() -> assertThat(successes(metrics(httpPort), "keep")).isGreaterThan(keepAfter));
    await().atMost(WAIT).ignoreExceptions()
        .untilAsserted(() -> assertThat(successes(metrics(httpPort), "change")).isGreaterThanOrEqualTo(1));

    JsonObject targets = targets(httpPort);
    assertThat(targetNames(targets)).as("in the order of their names").containsExactly("change", "fresh", "keep");
    assertThat(targets.getJsonArray("targets").getJsonObject(0).getString("timeout")).isEqualTo("90ms");
    String metrics = metrics(httpPort);
    assertThat(metrics)
        .contains("probe_targets{ownership=\"held\"} 3.0")
        .contains("probe_config_last_reload_successful 1.0");
  }
}
