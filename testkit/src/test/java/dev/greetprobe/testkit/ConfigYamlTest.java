package dev.greetprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Configs built as documents, written as the YAML an operator would write. */
class ConfigYamlTest {

  @TempDir
  Path dir;

  @Test
  void dottedKeysAreKeysOfSectionsMadeWhereMissing() {
    ConfigYaml yaml = ConfigYaml.empty().with("port", 2345).with("http.host", "127.0.0.1").with("http.port", 9180);

    assertThat(load(yaml.text())).isEqualTo(Map.of("port", 2345, "http", Map.of("host", "127.0.0.1", "port", 9180)));
  }

  @Test
  void durationsArePathsAndListsOfMapsAreWrittenAsAConfigWritesThem() {
    ConfigYaml yaml = ConfigYaml.empty().with("drain_timeout", Duration.ofMillis(1500))
        .with("tls.cert_file", Path.of("/etc/tls/tls.crt"))
        .with("targets", List.of(Map.of("name", "greeter", "timeout", Duration.ofSeconds(2))));

    assertThat(load(yaml.text())).isEqualTo(Map.of("drain_timeout", "1500ms",
        "tls", Map.of("cert_file", "/etc/tls/tls.crt"),
        "targets", List.of(Map.of("name", "greeter", "timeout", "2000ms"))));
  }

  @Test
  void withLeavesTheDocumentItWasCalledOnAsItWas() {
    ConfigYaml base = ConfigYaml.empty().with("limits.max_connections", 3);

    ConfigYaml changed = base.with("limits.max_connections", 5).with("limits.rate_per_source", 1);

    assertThat(base.document()).isEqualTo(Map.of("limits", Map.of("max_connections", 3)));
    assertThat(changed.document()).isEqualTo(Map.of("limits", Map.of("max_connections", 5, "rate_per_source", 1)));
  }

  @Test
  void aKeyUnderAValueThatIsNotASectionIsRefused() {
    assertThatThrownBy(() -> ConfigYaml.empty().with("http", 9180).with("http.port", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("http.port: http is not a section");
  }

  @Test
  void writesTheTextToAFile() throws Exception {
    Path file = ConfigYaml.empty().with("greeting", "Hello: world").write(dir.resolve("config.yaml"));

    assertThat(load(Files.readString(file))).isEqualTo(Map.of("greeting", "Hello: world"));
  }

  private static Object load(String text) {
    return new Load(LoadSettings.builder().build()).loadFromString(text);
  }
}
