package dev.greetprobe.probe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.ConfigReader;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The three ways a target is described, each entry point's own rule, and the fields they share. */
class TargetFactoryTest {

  private static final String HEADER = TargetFactory.SCRAPE_TIMEOUT_HEADER;
  private static final String NOT_A_DURATION =
      "'soon' is not a duration (a whole number and a unit: ms, s, m or h, as in 500ms or 10s)";
  private static final String LONG_LABEL = "a".repeat(64);
  /** 300 bytes in labels of 60, each one DNS allows. */
  private static final String LONG_NAME = "a".repeat(60) + ("." + "a".repeat(59)).repeat(4);

  static Stream<Arguments> accepted() {
    return Stream.of(
        arguments("config: a timeout within the interval", config(Map.of("timeout", "3s", "interval", "5s")),
            Duration.ofSeconds(3)),
        arguments("config: the defaults' timeout", config(Map.of()), Duration.ofSeconds(5)),
        arguments("config: a timeout equal to the interval", config(Map.of("timeout", "5s", "interval", "5s")),
            Duration.ofSeconds(5)),
        arguments("/probe: neither timeout nor header", request(Map.of(), null), Duration.ofSeconds(5)),
        arguments("/probe: header 3 less the offset", request(Map.of(), "3"), Duration.ofMillis(2500)),
        arguments("/probe: header 100 capped", request(Map.of(), "100"), Duration.ofSeconds(60)),
        arguments("/probe: header 3 with timeout=1s", request(Map.of("timeout", "1s"), "3"), Duration.ofSeconds(1)),
        arguments("/probe: header 1.5 shortens timeout=5s", request(Map.of("timeout", "5s"), "1.5"),
            Duration.ofSeconds(1)),
        arguments("/probe: timeout=60s, the cap", request(Map.of("timeout", "60s"), null), Duration.ofSeconds(60)),
        arguments("check: its default", check(), Duration.ofSeconds(5)),
        arguments("check: no cap and no interval", check("--timeout", "5m"), Duration.ofMinutes(5)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void eachEntryPointGivesTheTimeoutItsRuleSays(String rule, Callable<Target> make, Duration timeout)
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
        arguments("/probe: header 0.4 leaves nothing", request(Map.of(), "0.4"),
            HEADER + ": 0.4s leaves no time after the margin of 500ms"),
        arguments("/probe: header not a number", request(Map.of(), "soon"),
            HEADER + ": 'soon' is not a number of seconds"),
        arguments("/probe: timeout above the cap", request(Map.of("timeout", "5m"), null),
            "timeout: must be above 0 and at most 1m"),
        arguments("/probe: timeout 0", request(Map.of("timeout", "0s"), null), "timeout: must be above 0"),
        arguments("/probe: timeout not a duration", request(Map.of("timeout", "soon"), null),
            "timeout: " + NOT_A_DURATION),
        arguments("/probe: expect where allow_expect is false",
            (Callable<Target>) () -> TargetFactory.fromRequest(query(Map.of("expect", "x"))::get, null, false),
            "expect: refused: probe_endpoint.allow_expect is false"),
        arguments("/probe: tls neither true nor false", request(Map.of("tls", "yes"), null),
            "tls: 'yes' is not true or false"),
        arguments("/probe: no target", (Callable<Target>) () -> TargetFactory.fromRequest(p -> null, null, true),
            "target: is required"),
        arguments("check: --timeout 0", check("--timeout", "0s"), "--timeout: must be above 0"),
        arguments("check: --timeout not a duration", check("--timeout", "soon"), "--timeout: " + NOT_A_DURATION),
        arguments("check: --insecure without --tls", check("--insecure"), "--insecure: is set, but --tls is false"),
        arguments("check: an option without its value", check("--expect"), "--expect needs a value"),
        arguments("check: no HOST:PORT", (Callable<Target>) () -> TargetFactory.fromArguments(List.of()),
            "HOST:PORT: is required"),
        arguments("config: an address without a port", configAt("db.test", Map.of()),
            "target 'db': address: 'db.test' is not host:port (write an IPv6 address as [addr]:port)"),
        arguments("/probe: an address without a port",
            (Callable<Target>) () -> TargetFactory.fromRequest(Map.of("target", "db.test")::get, null, true),
            "target: 'db.test' is not host:port (write an IPv6 address as [addr]:port)"),
        arguments("config: a label of 64 bytes", configAt(LONG_LABEL + ".test:80", Map.of()),
            "target 'db': address: '" + LONG_LABEL + ".test:80' has a label of 64 bytes, above the 63 DNS allows"),
        arguments("/probe: a name of 300 bytes",
            (Callable<Target>) () -> TargetFactory.fromRequest(Map.of("target", LONG_NAME + ":80")::get, null, true),
            "target: " + ConfigException.quote(LONG_NAME + ":80") + " has a host name of 300 bytes, above the 253"
                + " DNS allows"),
        arguments("check: a name of 254 bytes",
            (Callable<Target>) () -> TargetFactory.fromArguments(List.of(LONG_NAME.substring(0, 254) + ":80")),
            "HOST:PORT: " + ConfigException.quote(LONG_NAME.substring(0, 254) + ":80") + " has a host name of 254 bytes, above the 253 DNS"
                + " allows"),
        arguments("check: an address without a port",
            (Callable<Target>) () -> TargetFactory.fromArguments(List.of("db.test")),
            "HOST:PORT: 'db.test' is not host:port (write an IPv6 address as [addr]:port)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void eachEntryPointRefusesWithTheFieldNamedAsItsUserWritesIt(String rule, Callable<Target> make, String message) {
    // A config's refusals are the config's exception; a request's and the command line's, the one their callers answer.
    assertThatThrownBy(make::call)
        .isInstanceOf(rule.startsWith("config") ? ConfigException.class : IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void checkProbesByItsOwnDefaults() {
    assertThat(TargetFactory.fromArguments(List.of("db.test:5432")))
        .isEqualTo(new Target("check", new HostPort("db.test", 5432), null, null, null, IpProtocol.AUTO,
            Duration.ofSeconds(5), Duration.ofSeconds(5)));
  }

  @Test
  void checkTakesEveryOptionItsUsageLists() {
    Target target = TargetFactory.fromArguments(List.of("db.test:5432", "--expect", "^220", "--send", "HELO\r\n",
        "--tls", "--insecure", "--timeout", "2s", "--ip6"));

    assertThat(target).isEqualTo(new Target("check", new HostPort("db.test", 5432), Expect.compile("^220"),
        "HELO\r\n", new Target.Tls("db.test", null, true), IpProtocol.IP6, Duration.ofSeconds(2),
        Duration.ofSeconds(2)));
  }

  @Test
  void aRequestSetsOnlyTargetExpectTlsAndTimeout() {
    Map<String, String> query = Map.of("target", "db.test:5432", "expect", "^220", "tls", "true",
        "send", "DROP", "ip_protocol", "ip6", "insecure_skip_verify", "true", "name", "mine");

    assertThat(TargetFactory.fromRequest(query::get, null, true))
        .isEqualTo(new Target("probe", new HostPort("db.test", 5432), Expect.compile("^220"), null,
            new Target.Tls("db.test", null, false), IpProtocol.AUTO, Duration.ofSeconds(5), Duration.ofSeconds(5)));
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

  private static Callable<Target> request(Map<String, String> parameters, String scrapeTimeout) {
    return () -> TargetFactory.fromRequest(query(parameters)::get, scrapeTimeout, true);
  }

  private static Map<String, String> query(Map<String, String> parameters) {
    Map<String, String> query = new LinkedHashMap<>(Map.of("target", "db.test:5432"));
    query.putAll(parameters);
    return query;
  }

  private static Callable<Target> check(String... options) {
    return () -> TargetFactory.fromArguments(Stream.concat(Stream.of("db.test:5432"), Stream.of(options)).toList());
  }
}
