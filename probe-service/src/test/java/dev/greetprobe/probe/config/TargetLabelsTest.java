package dev.greetprobe.probe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.ConfigFile;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A target's {@code labels}: Prometheus label names, the same on every target, short values of any text. */
class TargetLabelsTest {

  @Test
  void eachTargetCarriesItsLabelsSortedByName() throws Exception {
    ProbeConfig config = load("valid-labels.yaml");

    assertThat(config.targets().get(0).labels().values())
        .containsExactly(Map.entry("env", "prod"), Map.entry("team", "payments"));
    assertThat(config.targets().get(1).labels().values())
        .containsExactly(Map.entry("env", "prod"), Map.entry("team", "<b>storage</b> & \"ops\" ✓"));
  }

  @Test
  void aTargetWithoutLabelsHasNone() throws Exception {
    ProbeConfig config = ProbeConfig.parse("targets: [{name: a, address: a.test:80}]", "test", Map.of());

    assertThat(config.targets().get(0).labels()).isEqualTo(TargetLabels.NONE);
  }

  @Test
  void targetsDifferingOnlyInALabelValueAreDifferentTargets() {
    TestTargets target = TestTargets.target("a.test:80");

    assertThat(target.labels("team", "payments").build()).isNotEqualTo(target.labels("team", "storage").build());
    assertThat(target.labels("team", "payments").build()).isEqualTo(target.labels("team", "payments").build());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      invalid-label-name.yaml              | target 'a': labels: key 'team-name' is not a label name: letters, digits and '_', not starting with a digit
      invalid-label-double-underscore.yaml | target 'a': labels: key '__team' starts with '__', which Prometheus keeps for its own labels
      invalid-label-reserved.yaml          | target 'a': labels: key 'instance' is reserved: the probe's series or their scrapers already use it
      invalid-label-missing.yaml           | target 'db': labels: key 'env' is missing; every target must carry the same label names (env, team)
      invalid-label-not-on-others.yaml     | target 'db': labels: key 'zone' is not on the other targets; every target must carry the same label names (team)
      invalid-label-on-one-target.yaml     | target 'db': labels: key 'team' is not on the other targets; every target must carry the same label names (none)
      invalid-label-empty-value.yaml       | target 'a': labels.team: must not be empty
      invalid-label-value-too-long.yaml    | target 'a': labels.team: is longer than the limit of 128 bytes
      invalid-label-value-not-a-text.yaml  | target 'a': labels.team: must be a text, not a list
      invalid-labels-not-a-mapping.yaml    | target 'a': labels: must be a mapping of keys to values, not a list
      invalid-labels-too-many.yaml         | target 'a': labels: 17 labels are more than the limit of 16
      invalid-label-name-too-long.yaml     | target 'a': labels: key 'ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt' is longer than the limit of 64 characters
      """)
  void eachInvalidLabelIsRefusedNamingTheTargetAndTheLabel(String file, String message) {
    assertThatThrownBy(() -> load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  /** Every name the probe's own series, or those who scrape them, give a meaning to. */
  @ParameterizedTest
  @ValueSource(strings = {"target", "result", "phase", "le", "quantile", "instance", "job", "module", "reason",
      "ownership", "transport", "namespace", "service", "pod", "container", "endpoint"})
  void aNameTheProbesSeriesAlreadyUseIsRefused(String name) {
    String yaml = "targets: [{name: a, address: a.test:80, labels: {" + name + ": x}}]";

    assertThatThrownBy(() -> ProbeConfig.parse(yaml, "test", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("target 'a': labels: key '" + name + "' is reserved: the probe's series or their scrapers "
            + "already use it");
  }

  private static ProbeConfig load(String fixture) throws Exception {
    Path file = ProbeConfigTest.fixture(fixture);
    return new ConfigSource.File(file, Map.of()).parse(ConfigFile.read(file));
  }
}
