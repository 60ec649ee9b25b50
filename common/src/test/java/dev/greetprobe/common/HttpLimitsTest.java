package dev.greetprobe.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpLimitsTest {

  @Test
  void withoutKeysTheLimitsAreTheDefaults() {
    assertThat(HttpLimits.read(ConfigReader.root(Map.of()))).isEqualTo(HttpLimits.DEFAULT);
  }

  @Test
  void eachKeyIsReadAndAZeroHeaderTimeoutRefused() {
    assertThat(HttpLimits.read(ConfigReader.root(Map.of("max_connections", 8, "header_timeout", "2s",
        "idle_timeout", "1m")))).isEqualTo(new HttpLimits(8, Duration.ofSeconds(2), Duration.ofMinutes(1)));
    assertThatThrownBy(() -> HttpLimits.read(ConfigReader.root(Map.of("header_timeout", "0s"))))
        .hasMessage("header_timeout: must be above 0");
  }

  /** HTTP clients never take more than an eighth of the descriptors: the rest stay for the service's own sockets. */
  @Test
  void theCapIsAnEighthOfTheFileLimitAtMost() {
    assertThat(HttpLimits.DEFAULT.connectionsWithin(1024)).isEqualTo(128);
    assertThat(HttpLimits.DEFAULT.connectionsWithin(1 << 20)).isEqualTo(256);
  }
}
