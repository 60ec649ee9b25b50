package dev.greetprobe.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.probe.config.Expect;
import dev.greetprobe.probe.config.HostPort;
import dev.greetprobe.probe.config.IpProtocol;
import dev.greetprobe.probe.config.Target;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code check}'s arguments as the target it probes: its defaults, its options, its refusals naming the option. */
class CheckCommandTargetTest {

  /** 254 bytes in labels DNS allows. */
  private static final String LONG_NAME = ("a".repeat(60) + ("." + "a".repeat(59)).repeat(4)).substring(0, 254);

  @Test
  void checkProbesByItsOwnDefaults() {
    assertThat(CheckCommand.target(List.of("db.test:5432")))
        .isEqualTo(new Target("check", new HostPort("db.test", 5432), null, null, null, IpProtocol.AUTO,
            Duration.ofSeconds(5), Duration.ofSeconds(5)));
  }

  @Test
  void aTimeoutHasNoCapAndNoInterval() {
    assertThat(CheckCommand.target(List.of("db.test:5432", "--timeout", "5m")).timeout())
        .isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void checkTakesEveryOptionItsUsageLists() {
    Target target = CheckCommand.target(List.of("db.test:5432", "--expect", "^220", "--send", "HELO\r\n",
        "--tls", "--insecure", "--timeout", "2s", "--ip6"));

    assertThat(target).isEqualTo(new Target("check", new HostPort("db.test", 5432), Expect.compile("^220"),
        "HELO\r\n", new Target.Tls("db.test", null, true), IpProtocol.IP6, Duration.ofSeconds(2),
        Duration.ofSeconds(2)));
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        arguments(List.of("db.test:5432", "--timeout", "0s"), "--timeout: must be above 0"),
        arguments(List.of("db.test:5432", "--timeout", "soon"),
            "--timeout: 'soon' is not a duration (a whole number and a unit: ms, s, m or h, as in 500ms or 10s)"),
        arguments(List.of("db.test:5432", "--insecure"), "--insecure: is set, but --tls is false"),
        arguments(List.of("db.test:5432", "--expect"), "--expect needs a value"),
        arguments(List.of("db.test:5432", "--verbose"), "unknown option --verbose"),
        arguments(List.of(), "HOST:PORT: is required"),
        arguments(List.of(LONG_NAME + ":80"), "HOST:PORT: " + ConfigException.quote(LONG_NAME + ":80")
            + " has a host name of 254 bytes, above the 253 DNS allows"),
        arguments(List.of("db.test"), "HOST:PORT: 'db.test' is not host:port (write an IPv6 address as [addr]:port)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void anArgumentIsRefusedNamedAsItWasTyped(List<String> args, String message) {
    assertThatThrownBy(() -> CheckCommand.target(args)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
