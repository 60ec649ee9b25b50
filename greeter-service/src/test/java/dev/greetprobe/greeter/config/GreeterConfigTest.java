package dev.greetprobe.greeter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greetprobe.common.ConfigDocument;
import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.Histograms;
import dev.greetprobe.common.HttpLimits;
import dev.greetprobe.common.Transport;
import dev.greetprobe.testkit.AliasBomb;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GreeterConfigTest {

  @org.junit.jupiter.api.io.TempDir
  Path dir;

  @Test
  void withoutAFileTheDefaultsAreTheLabsServer() {
    GreeterConfig config = GreeterConfig.load(null, Map.of());

    assertThat(config.port()).isEqualTo(12345);
    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.greeting()).isEqualTo("Thank You for Connecting");
    assertThat(config.http().port()).isEqualTo(9180);
    assertThat(config.listeners()).as("one per event loop").isZero();
    assertThat(config.logConnections()).isFalse();
    assertThat(config.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void everyKeyIsRead() throws Exception {
    GreeterConfig config = GreeterConfig.load(fixture("valid-full.yaml"), Map.of());

    assertThat(config).isEqualTo(new GreeterConfig("127.0.0.1", 2345, "Hello, world\n", 3, 128,
        Duration.ofSeconds(2), true, new GreeterConfig.Http("127.0.0.1", 9999, HttpLimits.DEFAULT), null, GreeterConfig.Access.EVERYONE,
        GreeterConfig.Limits.DEFAULT, false, Transport.EPOLL, Histograms.CLASSIC));
  }

  @Test
  void theProxyProtocolIsASectionThatNamesTheProxiesToTrust() {
    GreeterConfig section = GreeterConfig.from(Map.of("proxy_protocol", Map.of("trusted", List.of("10.0.0.0/8"))),
        Map.of());
    GreeterConfig everyone = GreeterConfig.from(
        Map.of("proxy_protocol", Map.of("trusted", List.of("0.0.0.0/0", "::/0"))), Map.of());

    assertThat(section.proxyProtocol()).isTrue();
    assertThat(section.access().trustedProxies()).containsExactly("10.0.0.0/8");
    assertThat(everyone.access().trustedProxies()).containsExactly("0.0.0.0/0", "::/0");
    assertThat(GreeterConfig.from(Map.of("proxy_protocol", Map.of("enabled", false)), Map.of()).proxyProtocol())
        .isFalse();
  }

  /** Any client that reaches the port directly could otherwise write a header naming any address. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      proxy_protocol: true                                  | | proxy_protocol
      'proxy_protocol: {enabled: true}'                     | | proxy_protocol.trusted
      'proxy_protocol: {trusted: []}'                       | | proxy_protocol.trusted
      'port: 2345'                                          | true | proxy_protocol (from GREETER_PROXY_PROTOCOL)
      """)
  void theProxyProtocolWithoutATrustedProxyIsRefusedSayingHowToTrustEveryone(String yaml, String variable,
      String key) {
    Map<String, String> environment = variable == null ? Map.of() : Map.of("GREETER_PROXY_PROTOCOL", variable);

    assertThatThrownBy(() -> GreeterConfig.from(ConfigDocument.parse(yaml, "test"), environment))
        .isInstanceOf(ConfigException.class)
        .hasMessage(key + ": the PROXY protocol is on, but no proxy is trusted, so any client could name any"
            + " address: list the load balancers in proxy_protocol.trusted, or trust every peer on purpose with"
            + " trusted: [0.0.0.0/0, ::/0]");
  }

  /**
   * Every list-typed key of the config, each holding an alias bomb: its first entry is refused before anything turns
   * the list into text, in a message of one line.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      access.allow           | access.allow[0]: must be a text, not a list
      access.deny            | access.deny[0]: must be a text, not a list
      proxy_protocol.trusted | proxy_protocol.trusted[0]: must be a text, not a list
      """)
  void anAliasBombInAnyListIsRefusedByItsFirstEntry(String key, String message) {
    assertThatThrownBy(() -> GreeterConfig.from(ConfigDocument.parse(AliasBomb.at(key), "test"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void aGreetingLongerThan4MibIsRefused() {
    String greeting = "x".repeat(GreeterConfig.MAX_GREETING_BYTES + 1);

    assertThatThrownBy(() -> GreeterConfig.from(Map.of("greeting", greeting), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("greeting: is longer than the limit of 4 MiB");
    assertThat(GreeterConfig.from(Map.of("greeting", greeting.substring(1)), Map.of()).greetingBytes())
        .hasSize(GreeterConfig.MAX_GREETING_BYTES);
  }

  @Test
  void theTransportIsVertxUnlessTheFileOrTheEnvironmentSaysEpoll() throws Exception {
    assertThat(GreeterConfig.load(null, Map.of()).transport()).isEqualTo(Transport.VERTX);
    assertThat(GreeterConfig.load(null, Map.of("GREETER_TRANSPORT", "epoll")).transport()).isEqualTo(Transport.EPOLL);
    assertThat(GreeterConfig.load(fixture("valid-full.yaml"), Map.of("GREETER_TRANSPORT", "vertx")).transport())
        .isEqualTo(Transport.VERTX);
    assertThatThrownBy(() -> GreeterConfig.load(null, Map.of("GREETER_TRANSPORT", "nio")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("transport (from GREETER_TRANSPORT): 'nio' is neither vertx nor epoll");
  }

  @Test
  void listenersAreAlsoReadUnderTheirOldNameInstancesButNotUnderBoth() {
    assertThat(GreeterConfig.from(Map.of("instances", 3), Map.of()).listeners()).isEqualTo(3);
    assertThat(GreeterConfig.load(null, Map.of("GREETER_INSTANCES", "3")).listeners()).isEqualTo(3);
    assertThat(GreeterConfig.load(null, Map.of("GREETER_LISTENERS", "3")).listeners()).isEqualTo(3);
    assertThatThrownBy(() -> GreeterConfig.from(Map.of("listeners", 2), Map.of("GREETER_INSTANCES", "3")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("instances (from GREETER_INSTANCES): is the old name of listeners, which is set too; set only"
            + " listeners");
  }

  @Test
  void theEnvironmentOverridesTheFile() throws Exception {
    GreeterConfig config = GreeterConfig.load(fixture("valid-full.yaml"), Map.of(
        "GREETER_PORT", "4000",
        "GREETER_HOST", "::",
        "GREETER_GREETING", "Hi",
        "GREETER_HTTP_PORT", "4001",
        "GREETER_LOG_CONNECTIONS", "false"));

    assertThat(config.port()).isEqualTo(4000);
    assertThat(config.host()).isEqualTo("::");
    assertThat(config.greeting()).isEqualTo("Hi");
    assertThat(config.http().port()).isEqualTo(4001);
    assertThat(config.http().host()).isEqualTo("127.0.0.1");
    assertThat(config.logConnections()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      invalid-unknown-key.yaml            | prot: unknown key (did you mean port? known keys here: access, backlog, drain_timeout, greeting, host, http, instances, limits, listeners, log_connections, metrics, port, proxy_protocol, tls, transport)
      invalid-unknown-nested-key.yaml     | http.path: unknown key (known keys here: header_timeout, host, idle_timeout, max_connections, port)
      invalid-port-zero.yaml              | port: 0 is outside 1..65535
      invalid-port-too-high.yaml          | port: 70000 is outside 1..65535
      invalid-port-a-list.yaml            | port: must be a whole number, not a list
      invalid-empty-greeting.yaml         | greeting: must not be empty
      invalid-bad-duration.yaml           | drain_timeout: 'soon' is not a duration (a whole number and a unit: ms, s, m or h, as in 500ms or 10s)
      invalid-duration-too-long.yaml      | limits.handshake_timeout: '2562048h' is above the maximum of 24h
      invalid-section-not-a-mapping.yaml  | http: must be a mapping of keys to values, not '9180'
      invalid-not-a-mapping.yaml          | the config must be a mapping of keys to values, not a list
      invalid-tls-without-cert.yaml       | tls.cert_file: is required
      invalid-tls-unreadable-cert.yaml    | tls.cert_file: 'no-such.crt' is not a readable file
      invalid-acl-prefix.yaml             | access.deny: '10.0.0.0/33' has a prefix longer than the address
      invalid-acl-not-an-address.yaml     | access.allow: 'example.com' is not an address or CIDR range
      invalid-burst-without-tokens.yaml   | limits.burst_per_source: must be at least 1 when rate_per_source is set
      invalid-max-connections.yaml        | limits.max_connections: -1 is outside 0..10000000
      invalid-empty.yaml                  | config file {file} holds no YAML document (it is empty, or only comments)
      invalid-comments-only.yaml          | config file {file} holds no YAML document (it is empty, or only comments)
      invalid-not-utf8.yaml               | config file {file} is not UTF-8: the byte at offset 25 (line 2) is not part of a character
      invalid-deep-nesting.yaml           | config file {file} nests lists and mappings deeper than 32 levels (line 1, column 42)
      invalid-alias-bomb-as-port.yaml     | port: must be a whole number, not a list
      invalid-alias-bomb-in-list.yaml     | access.allow[0]: must be a text, not a list
      invalid-alias-bomb-as-key.yaml      | config file {file}: a key must be a text, not a list (line 1, column 3)
      invalid-transport.yaml              | transport: 'io_uring' is neither vertx nor epoll
      invalid-proxy-trusted.yaml          | proxy_protocol.trusted: 'the load balancer' is not an address or CIDR range
      invalid-metrics-histograms.yaml     | metrics.histograms: 'sparse' is none of classic, native, both
      invalid-listeners-and-instances.yaml | instances: is the old name of listeners, which is set too; set only listeners
      invalid-listeners-too-many.yaml     | listeners: 2000 is outside 0..1024
      """)
  void eachInvalidFileIsRefusedWithItsKeyAndReason(String file, String message) throws Exception {
    assertThatThrownBy(() -> GreeterConfig.load(fixture(file), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message.replace("{file}", fixture(file).toString()));
  }

  @Test
  void aValueIsQuotedInAMessageCutToItsFirst200Characters() throws Exception {
    assertThatThrownBy(() -> GreeterConfig.load(fixture("invalid-long-value.yaml"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("drain_timeout: '" + "x".repeat(200) + "... (1000 characters)' is not a duration (a whole number"
            + " and a unit: ms, s, m or h, as in 500ms or 10s)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      invalid-duplicate-key.yaml | duplicate key port
      invalid-not-yaml.yaml      | is not valid YAML
      """)
  void malformedYamlIsRefusedWithTheParsersWords(String file, String message) throws Exception {
    assertThatThrownBy(() -> GreeterConfig.load(fixture(file), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file)
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', textBlock = """
      GREETER_PORT            | abc   | port (from GREETER_PORT): 'abc' is not a whole number
      GREETER_HTTP_PORT       | 9e3   | http.port (from GREETER_HTTP_PORT): '9e3' is not a whole number
      GREETER_PORT            | 99999 | port (from GREETER_PORT): 99999 is outside 1..65535
      GREETER_DRAIN_TIMEOUT   | 10    | drain_timeout (from GREETER_DRAIN_TIMEOUT): '10' is not a duration (a whole number and a unit: ms, s, m or h, as in 500ms or 10s)
      GREETER_LOG_CONNECTIONS | yes   | log_connections (from GREETER_LOG_CONNECTIONS): 'yes' is not true or false
      """)
  void aBadEnvironmentValueNamesTheVariable(String variable, String value, String message) {
    assertThatThrownBy(() -> GreeterConfig.load(null, Map.of(variable, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void accessLimitsAndProxyProtocolAreRead() {
    GreeterConfig config = GreeterConfig.from(Map.of(
        "access", Map.of("allow", List.of("10.0.0.0/8", "2001:db8::/32"), "deny", List.of("10.6.6.6")),
        "limits", Map.of("max_connections", 50, "rate_per_source", 20, "handshake_timeout", "2s"),
        "proxy_protocol", Map.of("trusted", List.of("192.0.2.1"))), Map.of());

    assertThat(config.access()).isEqualTo(new GreeterConfig.Access(List.of("10.0.0.0/8", "2001:db8::/32"),
        List.of("10.6.6.6"), List.of("192.0.2.1")));
    assertThat(config.limits()).isEqualTo(new GreeterConfig.Limits(50, 20, 20, 10_000, Duration.ofSeconds(2),
        Duration.ofSeconds(10)));
    assertThat(config.proxyProtocol()).isTrue();
    assertThat(config.tls()).isNull();
  }

  /** Mutated configs, for a bounded time: each loads or is refused with a ConfigException, never anything else. */
  @Test
  void randomlyMutatedConfigsAreLoadedOrRefusedCleanly() throws Exception {
    String valid = java.nio.file.Files.readString(fixture("valid-full.yaml"));
    java.util.Random random = new java.util.Random(7);
    String alphabet = ":-[]{}#&*!|>'\"%@` \n\t0123456789abcdefghijklmnopqrstuvwxyz.,/";
    int refused = 0;
    for (int i = 0; i < 3000; i++) {
      StringBuilder text = new StringBuilder(valid);
      for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
        int at = random.nextInt(text.length());
        switch (random.nextInt(3)) {
          case 0 -> text.deleteCharAt(at);
          case 1 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("fuzz.yaml"), text);
      try {
        GreeterConfig.load(file, Map.of());
      } catch (ConfigException expected) {
        assertThat(expected.getMessage()).isNotBlank();
        refused++;
      }
    }
    assertThat(refused).as("most mutations break something").isGreaterThan(1000);
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> GreeterConfig.load(Path.of("no-such-greeter.yaml"), Map.of()))
        .hasMessageStartingWith("cannot read config file no-such-greeter.yaml");
  }

  static Path fixture(String name) throws URISyntaxException {
    return Path.of(GreeterConfigTest.class.getResource("/config/" + name).toURI());
  }
}
