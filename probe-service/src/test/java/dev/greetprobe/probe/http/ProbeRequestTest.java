package dev.greetprobe.probe.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.probe.config.Expect;
import dev.greetprobe.probe.config.HostPort;
import dev.greetprobe.probe.config.IpProtocol;
import dev.greetprobe.probe.config.Target;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A {@code /probe} request's target: its timeout rule, and its refusals naming the parameter or header. */
class ProbeRequestTest {

  private static final String HEADER = ProbeRequest.SCRAPE_TIMEOUT_HEADER;
  private static final String NOT_A_DURATION =
      "'soon' is not a duration (a whole number and a unit: ms, s, m or h, as in 500ms or 10s)";
  /** 300 bytes in labels of 60, each one DNS allows. */
  private static final String LONG_NAME = "a".repeat(60) + ("." + "a".repeat(59)).repeat(4);

  static Stream<Arguments> accepted() {
    return Stream.of(
        arguments("neither timeout nor header", request(Map.of(), null), Duration.ofSeconds(5)),
        arguments("header 3 less the offset", request(Map.of(), "3"), Duration.ofMillis(2500)),
        arguments("header 100 capped", request(Map.of(), "100"), Duration.ofSeconds(60)),
        arguments("header 3 with timeout=1s", request(Map.of("timeout", "1s"), "3"), Duration.ofSeconds(1)),
        arguments("header 1.5 shortens timeout=5s", request(Map.of("timeout", "5s"), "1.5"), Duration.ofSeconds(1)),
        arguments("timeout=60s, the cap", request(Map.of("timeout", "60s"), null), Duration.ofSeconds(60)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void theTimeoutIsTheRequestsOrTheScrapesLessTheOffsetCapped(String rule, Callable<Target> make, Duration timeout)
      throws Exception {
    assertThat(make.call().timeout()).isEqualTo(timeout);
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        arguments("header 0.4 leaves nothing", request(Map.of(), "0.4"),
            HEADER + ": 0.4s leaves no time after the margin of 500ms"),
        arguments("header not a number", request(Map.of(), "soon"), HEADER + ": 'soon' is not a number of seconds"),
        arguments("timeout above the cap", request(Map.of("timeout", "5m"), null),
            "timeout: must be above 0 and at most 1m"),
        arguments("timeout 0", request(Map.of("timeout", "0s"), null), "timeout: must be above 0"),
        arguments("timeout not a duration", request(Map.of("timeout", "soon"), null), "timeout: " + NOT_A_DURATION),
        arguments("expect where allow_expect is false",
            (Callable<Target>) () -> ProbeRequest.target(query(Map.of("expect", "x"))::get, h -> null, false),
            "expect: refused: probe_endpoint.allow_expect is false"),
        arguments("tls neither true nor false", request(Map.of("tls", "yes"), null), "tls: 'yes' is not true or false"),
        arguments("no target", (Callable<Target>) () -> ProbeRequest.target(p -> null, h -> null, true),
            "target: is required"),
        arguments("an address without a port",
            (Callable<Target>) () -> ProbeRequest.target(Map.of("target", "db.test")::get, h -> null, true),
            "target: 'db.test' is not host:port (write an IPv6 address as [addr]:port)"),
        arguments("a name of 300 bytes",
            (Callable<Target>) () -> ProbeRequest.target(Map.of("target", LONG_NAME + ":80")::get, h -> null, true),
            "target: " + ConfigException.quote(LONG_NAME + ":80") + " has a host name of 300 bytes, above the 253"
                + " DNS allows"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void aRequestIsRefusedNamingTheParameterOrHeader(String rule, Callable<Target> make, String message) {
    assertThatThrownBy(make::call).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void aRequestSetsOnlyTargetExpectTlsAndTimeout() {
    Map<String, String> query = Map.of("target", "db.test:5432", "expect", "^220", "tls", "true",
        "send", "DROP", "ip_protocol", "ip6", "insecure_skip_verify", "true", "name", "mine");

    assertThat(ProbeRequest.target(query::get, h -> null, true))
        .isEqualTo(new Target("probe", new HostPort("db.test", 5432), Expect.compile("^220"), null,
            new Target.Tls("db.test", null, false), IpProtocol.AUTO, Duration.ofSeconds(5), Duration.ofSeconds(5)));
  }

  private static Callable<Target> request(Map<String, String> parameters, String scrapeTimeout) {
    Map<String, String> headers = scrapeTimeout == null ? Map.of() : Map.of(HEADER, scrapeTimeout);
    return () -> ProbeRequest.target(query(parameters)::get, headers::get, true);
  }

  private static Map<String, String> query(Map<String, String> parameters) {
    Map<String, String> query = new LinkedHashMap<>(Map.of("target", "db.test:5432"));
    query.putAll(parameters);
    return query;
  }
}
