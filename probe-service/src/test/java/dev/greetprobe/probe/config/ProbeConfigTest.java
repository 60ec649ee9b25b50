package dev.greetprobe.probe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.ConfigFile;
import dev.greetprobe.common.Histograms;
import dev.greetprobe.common.HttpLimits;
import dev.greetprobe.common.Transport;
import dev.greetprobe.probe.ProbeMain;
import dev.greetprobe.testkit.AliasBomb;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

public class ProbeConfigTest {

  @Test
  void theBuiltInConfigProbesAppleAndTheLocalGreeter() throws Exception {
    ProbeConfig config;
    try (InputStream in = ProbeMain.class.getResourceAsStream("/default-config.yaml")) {
      config = ProbeConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in", Map.of());
    }

    assertThat(config.http().port()).isEqualTo(9181);
    assertThat(config.dns().system()).isTrue();
    assertThat(config.targets()).extracting(Target::name).containsExactly("apple", "greeter");
    assertThat(config.targets().get(0).address()).isEqualTo(new HostPort("www.apple.com", 80));
    assertThat(config.targets().get(1).address()).isEqualTo(new HostPort("localhost", 12345));
    assertThat(config.targets().get(1).expect().pattern()).isEqualTo("^Thank You for Connecting$");
    assertThat(config.targets().get(1).interval()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void everyKeyIsRead() throws Exception {
    ProbeConfig config = load(fixture("valid-full.yaml"));

    assertThat(config.http()).isEqualTo(new ProbeConfig.Http("127.0.0.1", 9999, HttpLimits.DEFAULT));
    assertThat(config.probeEndpoint()).isEqualTo(new ProbeConfig.ProbeEndpoint(true, 8,
        ProbeAllowList.parse(List.of("10.0.0.0/8", "::1", "*.svc.cluster.local:12345")), false));
    assertThat(config.histograms()).isEqualTo(Histograms.NATIVE);
    assertThat(config.status()).isEqualTo(new ProbeConfig.Status(120));
    assertThat(config.dns()).isEqualTo(new ProbeConfig.Dns(
        List.of(new HostPort("127.0.0.1", 5353), new HostPort("::1", 53)), List.of("svc.cluster.local"), 2,
        Duration.ofMillis(500)));
    Target apple = config.targets().get(0);
    assertThat(apple.interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(apple.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(apple.ipProtocol()).isEqualTo(IpProtocol.IP4);
    assertThat(apple.tls()).isNull();
    Target greeter = config.targets().get(1);
    assertThat(greeter.interval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(greeter.timeout()).isEqualTo(Duration.ofMillis(500));
    Target smtp = config.targets().get(2);
    assertThat(smtp.address()).isEqualTo(new HostPort("2001:db8::25", 25));
    assertThat(smtp.send()).isEqualTo("EHLO probe\r\n");
    assertThat(smtp.ipProtocol()).isEqualTo(IpProtocol.IP6);
    assertThat(config.targets().get(3).tls()).isEqualTo(new Target.Tls("greeter.example", null, true));
    assertThat(config.reload()).isEqualTo(new ProbeConfig.Reload(Duration.ofSeconds(30), Duration.ofSeconds(20), true,
        Duration.ofSeconds(3)));
    assertThat(config.shard()).isEqualTo(new Shard(2, 3));
  }

  @Test
  void withoutReloadOrShardKeysTheFileIsCheckedEveryFiveSecondsAndOneInstanceProbesAll() {
    ProbeConfig config = ProbeConfig.from(null, Map.of());

    assertThat(config.reload().interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.status().history()).as("status.history").isEqualTo(60);
    assertThat(config.shard()).isEqualTo(new Shard(0, 1));
  }

  @Test
  void withoutProbeEndpointKeysProbeAnswersAnyTargetAndExpectSixtyFourAtOnce() {
    assertThat(ProbeConfig.from(null, Map.of()).probeEndpoint()).isEqualTo(ProbeConfig.ProbeEndpoint.DEFAULT)
        .isEqualTo(new ProbeConfig.ProbeEndpoint(true, 64, ProbeAllowList.parse(List.of()), true));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"2, 2", "probe-2, 2", "greetprobe-probe-0, 0", "probe-10, 10"})
  void theShardIndexIsANumberOrAStatefulSetPodName(String index, int expected) {
    ProbeConfig config = ProbeConfig.from(null, Map.of("PROBE_SHARD_COUNT", "12", "PROBE_SHARD_INDEX", index));

    assertThat(config.shard()).isEqualTo(new Shard(expected, 12));
  }

  @Test
  void aPodOutsideTheShardCountIsRefusedNamingItsOrigin() {
    assertThatThrownBy(() -> ProbeConfig.parse("shard: {count: 3}", "test", Map.of("PROBE_SHARD_INDEX", "probe-3")))
        .hasMessage("shard.index (from PROBE_SHARD_INDEX): 'probe-3' is shard 3, which is outside 0..2 (shard.count is 3)");
  }

  @Test
  void withPeersTheInstancesComeFromDnsRefreshedEveryFiveSecondsOneATargetAndSelfFromTheEnvironment() {
    ProbeConfig config = ProbeConfig.parse("shard: {peers: probe.greetprobe.svc.cluster.local}\ntargets: []",
        "test", Map.of("PROBE_SHARD_SELF", "10.0.0.7"));

    assertThat(config.shard())
        .isEqualTo(new Peers("probe.greetprobe.svc.cluster.local", "10.0.0.7", Duration.ofSeconds(5), 1));
  }

  @Test
  void aPeerNamesItselfByAnAddressInTheFormTheAnswersGiveIt() {
    ProbeConfig config = ProbeConfig.parse(
        "shard: {peers: probe.test, self: '0:0:0:0:0:0:0:1', refresh: 1s, replicas: 2}\ntargets: []", "test",
        Map.of());

    assertThat(config.shard()).isEqualTo(new Peers("probe.test", "0:0:0:0:0:0:0:1", Duration.ofSeconds(1), 2));
    assertThat(ProbeConfig.parse("shard: {peers: probe.test, self: '::1'}\ntargets: []", "test", Map.of()).shard())
        .extracting(shard -> ((Peers) shard).self()).isEqualTo("0:0:0:0:0:0:0:1");
  }

  @Test
  void configuredDnsServersDropTheHostsSearchDomainsUnlessGiven() {
    ProbeConfig config = ProbeConfig.from(Map.of("dns", Map.of("servers", List.of("10.0.0.53"))), Map.of());

    assertThat(config.dns().search()).isEmpty();
    assertThat(config.dns().servers()).containsExactly(new HostPort("10.0.0.53", 53));
  }

  @Test
  void twoLoadsOfOneFileGiveEqualTargets() throws Exception {
    assertThat(load(fixture("valid-full.yaml")))
        .isEqualTo(load(fixture("valid-full.yaml")));
  }

  @Test
  void histogramsAreClassicAndNativeUnlessTheConfigDropsOne() {
    assertThat(ProbeConfig.from(null, Map.of()).histograms()).isEqualTo(Histograms.BOTH);
    assertThat(ProbeConfig.from(Map.of("metrics", Map.of("histograms", "native")), Map.of()).histograms())
        .isEqualTo(Histograms.NATIVE);
    assertThat(ProbeConfig.from(Map.of("metrics", Map.of("histograms", "classic")), Map.of()).histograms())
        .isEqualTo(Histograms.CLASSIC);
  }

  @Test
  void probesConnectThroughVertxUnlessTheConfigOrTheEnvironmentSaysEpoll() {
    assertThat(ProbeConfig.from(null, Map.of()).transport()).isEqualTo(Transport.VERTX);
    assertThat(ProbeConfig.from(Map.of("transport", "epoll"), Map.of()).transport()).isEqualTo(Transport.EPOLL);
    assertThat(ProbeConfig.from(Map.of("transport", "epoll"), Map.of("PROBE_TRANSPORT", "vertx")).transport())
        .isEqualTo(Transport.VERTX);
    assertThatThrownBy(() -> ProbeConfig.from(null, Map.of("PROBE_TRANSPORT", "nio")))
        .hasMessage("transport (from PROBE_TRANSPORT): 'nio' is neither vertx nor epoll");
  }

  @Test
  void theEnvironmentOverridesTheHttpPort() {
    ProbeConfig config = ProbeConfig.from(null, Map.of("PROBE_HTTP_PORT", "9999"));

    assertThat(config.http().port()).isEqualTo(9999);
    assertThatThrownBy(() -> ProbeConfig.from(null, Map.of("PROBE_HTTP_PORT", "x")))
        .hasMessage("http.port (from PROBE_HTTP_PORT): 'x' is not a whole number");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      invalid-unknown-target-key.yaml              | target 'a': colour: unknown key (known keys here: address, ca_file, cert_file, expect, insecure_skip_verify, interval, ip_protocol, key_file, labels, name, send, server_name, timeout, tls)
      invalid-port-too-high.yaml                   | target 'db': address: port 70000 is outside 1..65535
      invalid-address-without-port.yaml            | target 'db': address: 'db.test' is not host:port (write an IPv6 address as [addr]:port)
      invalid-duplicate-name.yaml                  | target 'a': name: 'a' is used by another target
      invalid-name-characters.yaml                 | target 'a b': name: 'a b' may hold only letters, digits, '_', '.' and '-'
      invalid-missing-name.yaml                    | targets[0]: name: is required
      invalid-missing-address.yaml                 | target 'a': address: is required
      invalid-misspelt-address.yaml                | target 'a': address: is required (is adress here a misspelling of it?)
      invalid-misspelt-target-key.yaml             | target 'a': timout: unknown key (did you mean timeout? known keys here: address, ca_file, cert_file, expect, insecure_skip_verify, interval, ip_protocol, key_file, labels, name, send, server_name, timeout, tls)
      invalid-expect-regex.yaml                    | target 'a': expect: '(unclosed' is not a regular expression: missing closing )
      invalid-expect-backreference.yaml            | target 'a': expect: '(a)\\1' uses a backreference \\1, which RE2 syntax leaves out: matching it needs backtracking
      invalid-expect-lookahead.yaml                | target 'a': expect: 'a(?!b)' uses lookahead (?!, which RE2 syntax leaves out: matching it needs backtracking
      invalid-expect-possessive.yaml               | target 'a': expect: 'a*+b' uses a possessive quantifier *+, which RE2 syntax leaves out: matching it needs backtracking
      invalid-expect-too-large.yaml                | target 'a': expect: '((a{1000}){1000}){1000}' is too large: it would compile to more than 512 instructions, above the limit of 128
      invalid-timeout-exceeds-interval.yaml        | target 'a': timeout: 10s exceeds the interval of 5s
      invalid-interval-not-a-duration.yaml         | target 'a': interval: 'often' is not a duration (a whole number and a unit: ms, s, m or h, as in 500ms or 10s)
      invalid-interval-too-long.yaml               | target 'a': interval: '2562048h' is above the maximum of 24h
      invalid-default-timeout-too-long.yaml        | defaults.timeout: '2562048h' is above the maximum of 24h
      invalid-reload-timeout-too-long.yaml         | reload.timeout: '999999999h' is above the maximum of 24h
      invalid-server-name-without-tls.yaml         | target 'a': server_name: is set, but tls is false
      invalid-ca-file-missing.yaml                 | target 'a': ca_file: 'no-such-ca.pem' is not a readable file
      invalid-ip-protocol.yaml                     | target 'a': ip_protocol: 'ipx' is not ip4, ip6 or auto
      invalid-dns-server-name.yaml                 | dns.servers: 'dns.example' is not an IP address (a DNS server cannot be a name)
      invalid-default-timeout-exceeds-interval.yaml | defaults.timeout: 2s exceeds the interval of 1s
      invalid-empty-send.yaml                      | target 'a': send: must not be empty
      invalid-send-too-large.yaml                  | target 'a': send: is longer than the limit of 4096 bytes
      invalid-targets-not-a-list.yaml              | targets: must be a list, not a mapping
      invalid-target-not-a-mapping.yaml            | targets[0]: must be a mapping of keys to values, not 'a.test:80'
      invalid-http-port.yaml                       | http.port: 0 is outside 1..65535
      invalid-probe-endpoint-max-concurrent.yaml   | probe_endpoint.max_concurrent: 0 is outside 1..10000
      invalid-probe-endpoint-allow.yaml            | probe_endpoint.allow: '10.0.0.0/33' has a prefix longer than the address
      invalid-probe-endpoint-allow-pattern.yaml    | probe_endpoint.allow: 'greeter' is neither a CIDR range nor a host:port pattern (as in *.svc.cluster.local:12345 or greeter:*)
      invalid-probe-endpoint-allow-expect.yaml     | probe_endpoint.allow_expect: 'no' is not true or false
      invalid-reload-interval.yaml                 | reload.interval: 10ms is below the minimum of 100ms
      invalid-shard-count.yaml                     | shard.count: 0 is outside 1..1000
      invalid-status-history.yaml                  | status.history: 0 is outside 1..1000
      invalid-shard-index-outside-count.yaml       | shard.index: 3 is outside 0..2 (shard.count is 3)
      invalid-shard-index-not-a-pod-name.yaml      | shard.index: 'probe' is neither a shard number nor a pod name ending in -N (as in probe-2)
      invalid-shard-peers-with-count.yaml          | shard.count: is set, but so is shard.peers: the peers come from DNS, not from a count and an index
      invalid-shard-replicas-without-peers.yaml    | shard.replicas: is set, but shard.peers is not (it belongs to sharing the targets with the peers DNS lists)
      invalid-shard-self-missing.yaml              | shard.self: is required with shard.peers: this instance's IP address, as the peers' records give it (a pod's status.podIP)
      invalid-shard-self-not-an-address.yaml       | shard.self: 'probe-0' is not an IP address (the peers are the address records of shard.peers)
      invalid-shard-peers-not-a-name.yaml          | shard.peers: 'probe:9181' is not a DNS name (the name whose records list the ready peers, as in probe.greetprobe.svc.cluster.local)
      invalid-shard-refresh.yaml                   | shard.refresh: 10ms is below the minimum of 100ms
      invalid-shard-replicas.yaml                  | shard.replicas: 0 is outside 1..10
      invalid-empty.yaml                           | config file {file} holds no YAML document (it is empty, or only comments)
      invalid-comments-only.yaml                   | config file {file} holds no YAML document (it is empty, or only comments)
      invalid-targets-missing.yaml                 | targets: is required (write targets: [] for a probe with no targets)
      invalid-targets-without-value.yaml           | targets: has no value (write targets: [] for a probe with no targets)
      invalid-not-utf8.yaml                        | config file {file} is not UTF-8: the byte at offset 23 (line 2) is not part of a character
      invalid-deep-nesting.yaml                    | config file {file} nests lists and mappings deeper than 32 levels (line 1, column 41)
      invalid-alias-bomb-as-name.yaml              | targets[0]: name: must be a text, not a list
      invalid-alias-bomb-in-dns-servers.yaml       | dns.servers[0]: must be a text, not a list
      invalid-reload-timeout.yaml                  | reload.timeout: 0s is below the minimum of 100ms
      invalid-transport.yaml                       | transport: 'netty' is neither vertx nor epoll
      invalid-metrics-histograms.yaml              | metrics.histograms: 'sparse' is none of classic, native, both
      """)
  void eachInvalidFileIsRefusedNamingTheTargetAndKey(String file, String message) throws Exception {
    assertThatThrownBy(() -> load(fixture(file)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message.replace("{file}", fixture(file).toString()));
  }

  /**
   * Every list-typed key of the config, each holding an alias bomb: its first entry is refused before anything turns
   * the list into text, in a message of one line.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      targets              | targets[0]: must be a mapping of keys to values, not a list
      probe_endpoint.allow | probe_endpoint.allow[0]: must be a text, not a list
      dns.servers          | dns.servers[0]: must be a text, not a list
      dns.search           | dns.search[0]: must be a text, not a list
      """)
  void anAliasBombInAnyListIsRefusedByItsFirstEntry(String key, String message) {
    String yaml = AliasBomb.at(key) + (key.equals("targets") ? "" : "targets: []\n");

    assertThatThrownBy(() -> ProbeConfig.parse(yaml, "test", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void aValueIsQuotedInAMessageCutToItsFirst200Characters() throws Exception {
    String name = "'" + "x".repeat(200) + "... (1000 characters)'";

    assertThatThrownBy(() -> load(fixture("invalid-long-name.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("target " + name + ": name: " + name + " may hold only letters, digits, '_', '.' and '-'");
  }

  /** {@code targets: []} says the probe is to probe nothing, which an empty or half-written file cannot say. */
  @Test
  void anEmptyTargetListIsAConfigWhenWrittenOut() throws Exception {
    ConfigSource source = new ConfigSource.Fixed("targets: []", "test", Map.of());

    assertThat(source.parse("targets: []").targets()).isEmpty();
  }

  @Test
  void aClientCertificateNeedsItsKey(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path cert = java.nio.file.Files.writeString(dir.resolve("probe.crt"), "PEM");
    Map<String, Object> target = Map.of("name", "a", "address", "a.test:443", "tls", true, "cert_file", cert.toString());

    assertThatThrownBy(() -> ProbeConfig.from(Map.of("targets", List.of(target)), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("target 'a': key_file: is required with cert_file");
  }

  @Test
  void invalidYamlIsRefusedWithTheFileName() {
    assertThatThrownBy(() -> ProbeConfig.parse("targets: [", "config file x.yaml", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config file x.yaml is not valid YAML");
  }

  private static ProbeConfig load(Path file) throws Exception {
    ConfigSource source = new ConfigSource.File(file, Map.of());
    return source.parse(ConfigFile.read(file));
  }

  public static Path fixture(String name) throws URISyntaxException {
    return Path.of(ProbeConfigTest.class.getResource("/config/" + name).toURI());
  }
}
