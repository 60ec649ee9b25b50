package dev.greetprobe.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.util.Map;
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
}
