package dev.greetprobe.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parser over the largest file read, in the shapes it once scanned in quadratic time. */
class ConfigDocumentTest {

  /** Only catches a parse that runs away, as the quadratic scan did over a file this size. */
  private static final java.time.Duration HANG = java.time.Duration.ofSeconds(30);

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"a comment", "a plain scalar", "a quoted scalar", "many comment lines"})
  void aFileAtTheSizeLimitParsesWhateverItHolds(String shape) {
    int room = ConfigFile.MAX_BYTES - 32;
    String yaml = switch (shape) {
      case "a comment" -> "port: 1\n#" + "x".repeat(room) + "\n";
      case "a plain scalar" -> "port: 1\ngreeting: " + "x".repeat(room) + "\n";
      case "a quoted scalar" -> "port: 1\ngreeting: '" + "x".repeat(room) + "'\n";
      default -> "port: 1\n" + "# a comment line\n".repeat(room / 17);
    };

    Object document = assertTimeoutPreemptively(HANG, () -> ConfigDocument.parse(yaml, "config file big.yaml"));

    assertThat(document).isInstanceOf(Map.class);
    assertThat(((Map<?, ?>) document).get("port")).isEqualTo(1);
  }

  /** One-letter scalars, a node per two bytes: refused at the cap, not once the whole file is in memory. */
  @Test
  void aDocumentOfMoreNodesThanTheHeapHoldsIsRefusedAsItIsParsed() {
    String yaml = "x: [" + "a, ".repeat(2000) + "a]";

    assertThatThrownBy(() -> ConfigDocument.parse(yaml, "config file x.yaml", 1000))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config file x.yaml holds more than 1000 values (scalars, lists and mappings), more"
            + " than a quarter of the heap (")
        .hasMessageEndingWith(" MiB) holds while parsing (line 1, column " + (4 + 3 * 997 + 1) + ")");
    assertThat(ConfigDocument.maxNodes())
        .isEqualTo(Runtime.getRuntime().maxMemory() / 4 / ConfigDocument.BYTES_PER_NODE);
  }
}
