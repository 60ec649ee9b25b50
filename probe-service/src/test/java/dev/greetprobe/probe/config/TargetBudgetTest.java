package dev.greetprobe.probe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greetprobe.common.ConfigException;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TargetBudgetTest {

  private static final int TARGETS = 1000;
  /** A heap that holds exactly this many targets with no texts. */
  private static final TargetBudget BUDGET =
      new TargetBudget(TargetBudget.RESERVED_BYTES + TARGETS * TargetBudget.BYTES_PER_TARGET);

  /** One send of the largest size, written once and aliased by every target: each probe still writes its own. */
  @Test
  void aSendSharedThroughAnAliasIsCountedOnceForEachTarget() {
    ProbeConfig shared = ProbeConfig.parse(targets("send: *big", "send: &big " + "x".repeat(4096)), "test", Map.of());
    ProbeConfig plain = ProbeConfig.parse(targets("", ""), "test", Map.of());

    assertThatCode(() -> BUDGET.check(ShardAssignment.of((Shard) plain.shard(), plain.targets()))).doesNotThrowAnyException();
    assertThatThrownBy(() -> BUDGET.check(ShardAssignment.of((Shard) shared.shard(), shared.targets())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("would probe 1000 targets")
        .hasMessageContaining("less their send, expect and label texts: 8000 KiB");
  }

  /** Labels are held as text, and written again on every series of the target a scrape writes. */
  @Test
  void aTargetsLabelsCountForTheirTextAndEachOfItsSeries() {
    ProbeConfig labelled = ProbeConfig.parse(targets("labels: {team: payments, env: prod}",
        "labels: {team: payments, env: prod}"), "test", Map.of());

    // Held: "team", "payments", "env", "prod" at two bytes a character, and two labels' objects. Written:
    // ,team="payments",env="prod" on each series, and in each encoding kept.
    long perTarget = 2 * 19 + 2 * TargetLabels.OBJECT_BYTES + (TargetLabels.MAX_SERIES + TargetLabels.KEPT_ENCODINGS) * 27;
    assertThat(TargetBudget.textBytes(labelled.targets().get(0))).isEqualTo(perTarget);
    assertThatThrownBy(() -> BUDGET.check(ShardAssignment.of((Shard) labelled.shard(), labelled.targets())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("less their send, expect and label texts: " + TARGETS * perTarget / 1024 + " KiB");
  }

  /** {@code first} is the first target's extra key, {@code rest} every other's. */
  private static String targets(String rest, String first) {
    return "targets:\n" + IntStream.range(0, TARGETS)
        .mapToObj(i -> "  - {name: t" + i + ", address: 'a.test:25'" + (i == 0 ? extra(first) : extra(rest)) + "}")
        .collect(Collectors.joining("\n")) + "\n";
  }

  private static String extra(String key) {
    return key.isEmpty() ? "" : ", " + key;
  }
}
