package dev.greetprobe.probe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.ConfigReader;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A config's targets: its timing rule and the fields every entry point shares. The other two entry points' own rules
 * are their tests' ({@code ProbeRequestTest}, {@code CheckCommandTargetTest}).
 */
class TargetFactoryTest {

  private static final String NOT_A_DURATION =
      "'soon' is not a duration (a whole number and a unit: ms, s, m or h, as in 500ms or 10s)";
  private static final String LONG_LABEL = "a".repeat(64);

  static Stream<Arguments> accepted() {
    return Stream.of(
        arguments("config: a timeout within the interval", config(Map.of("timeout", "3s", "interval", "5s")),
            Duration.ofSeconds(3)),
        arguments("config: the defaults' timeout", config(Map.of()), Duration.ofSeconds(5)),
        arguments("config: a timeout equal to the interval", config(Map.of("timeout", "5s", "interval", "5s")),
            Duration.ofSeconds(5)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void aConfigTargetsTimeoutIsWithinItsInterval(String rule, Callable<Target> make, Duration timeout)
      throws Exception {
    assertThat(make.call().timeout()).isEqualTo(timeout);
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        arguments("config: timeout above the interval", config(Map.of("timeout", "10s", "interval", "5s")),
            "target 'db': timeout: 10s exceeds the interval of 5s"),
        arguments("config: the defaults' timeout above their interval",
            defaultsThen(Map.of("timeout", "20s")), "defaults.timeout: 20s exceeds the interval of 10s"),
        arguments("config: interval below 100ms", config(Map.of("interval", "50ms", "timeout", "10ms")),
            "target 'db': interval: 50ms is below the minimum of 100ms"),
        arguments("config: timeout 0", config(Map.of("timeout", "0s")), "target 'db': timeout: must be above 0"),
        arguments("config: timeout not a duration", config(Map.of("timeout", "soon")),
            "target 'db': timeout: " + NOT_A_DURATION),
        arguments("config: an address without a port", configAt("db.test", Map.of()),
            "target 'db': address: 'db.test' is not host:port (write an IPv6 address as [addr]:port)"),
        arguments("config: a label of 64 bytes", configAt(LONG_LABEL + ".test:80", Map.of()),
            "target 'db': address: '" + LONG_LABEL + ".test:80' has a label of 64 bytes, above the 63 DNS allows"),
        arguments("config: a CA file that cannot be read", config(Map.of("tls", "true", "ca_file", "no-such-ca.pem")),
            "target 'db': ca_file: 'no-such-ca.pem' is not a readable file"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void aConfigTargetIsRefusedNamingTheKey(String rule, Callable<Target> make, String message) {
    assertThatThrownBy(make::call).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  void givenFieldsAreNamedAsTheirEntryPointNamesThem() {
    assertThatThrownBy(() -> TargetFactory.fromCheck(Map.of("address", "db.test:5432", "timeout", "0s"),
        Map.of("address", "HOST", "timeout", "--deadline")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("--deadline: must be above 0");
  }

  private static Callable<Target> config(Map<String, String> settings) {
    return configAt("db.test:5432", settings);
  }

  private static Callable<Target> configAt(String address, Map<String, String> settings) {
    Map<String, Object> entry = new LinkedHashMap<>(Map.of("name", "db", "address", address));
    entry.putAll(settings);
    return () -> TargetFactory.fromConfig(ConfigReader.element(entry, "target 'db'"),
        TargetFactory.defaults(ConfigReader.root(null).section("defaults")));
  }

  private static Callable<Target> defaultsThen(Map<String, String> defaults) {
    return () -> TargetFactory.fromConfig(ConfigReader.element(Map.of("name", "db", "address", "db.test:5432"),
        "target 'db'"), TargetFactory.defaults(ConfigReader.root(Map.of("defaults", defaults)).section("defaults")));
  }
}
