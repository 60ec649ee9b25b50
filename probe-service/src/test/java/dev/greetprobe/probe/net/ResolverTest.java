package dev.greetprobe.probe.net;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.probe.config.HostPort;
import dev.greetprobe.probe.config.IpProtocol;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.dns.TestDnsServer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Lookups end with their probe, and a truncated answer is asked again over TCP. */
class ResolverTest {

  private static final Duration QUERY_TIMEOUT = Duration.ofMillis(200);

  private Vertx vertx;
  private Context context;
  private final List<TestDnsServer> servers = Stream.generate(TestDnsServer::start).limit(3).toList();
  private Resolver resolver;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    resolver = new Resolver(new ProbeConfig.Dns(
        servers.stream().map(s -> new HostPort(s.host(), s.port())).toList(), List.of(), 1, QUERY_TIMEOUT));
  }

  @AfterEach
  void tearDown() throws Exception {
    resolver.close();
    servers.forEach(TestDnsServer::close);
    join(vertx.close());
  }

  /**
   * Each server is asked in turn once the last one's query timed out: the second before the probe's deadline, the
   * third never, since the lookup is cancelled at the deadline.
   */
  @Test
  void aLookupSendsNoQueryAfterItsProbesDeadline() {
    servers.forEach(s -> s.silent("blackhole.test"));

    assertThatThrownBy(() -> join(resolver.resolve(context, "blackhole.test", IpProtocol.IP4, Duration.ofMillis(300))))
        .isInstanceOf(ExecutionException.class)
        .satisfies(e -> assertThat(Resolver.classify(e.getCause())).isEqualTo(Result.DNS_TIMEOUT));

    assertThat(servers.get(0).queries("blackhole.test")).isEqualTo(1);
    await().atMost(Duration.ofSeconds(1)).until(() -> servers.get(1).queries("blackhole.test") == 1);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
        .until(() -> servers.get(2).queries("blackhole.test") == 0);
  }

  @Test
  void theQueryTimeoutIsTheConfiguredOneOrTheProbesWhenShorterRoundedUpToAStep() {
    assertThat(Resolver.queryTimeoutMillis(Duration.ofSeconds(2), Duration.ofSeconds(5))).isEqualTo(2000);
    assertThat(Resolver.queryTimeoutMillis(Duration.ofSeconds(2), Duration.ofSeconds(2))).isEqualTo(2000);
    assertThat(Resolver.queryTimeoutMillis(Duration.ofSeconds(2), Duration.ofMillis(1500))).isEqualTo(2000);
    assertThat(Resolver.queryTimeoutMillis(Duration.ofSeconds(5), Duration.ofMillis(1500))).isEqualTo(2000);
    assertThat(Resolver.queryTimeoutMillis(Duration.ofSeconds(5), Duration.ofMillis(300))).isEqualTo(500);
    assertThat(Resolver.queryTimeoutMillis(Duration.ofSeconds(5), Duration.ofMillis(3))).isEqualTo(5);
    assertThat(Resolver.queryTimeoutMillis(Duration.ofMinutes(5), Duration.ofSeconds(70))).isEqualTo(100_000);
  }

  /** Netty counts query IDs per resolver and server: each resolver has its own, and its own socket to send from. */
  @Test
  void lookupsTakeTurnsOverResolversEachWithASocketAndQueryIdsOfItsOwn() throws Exception {
    servers.get(0).answer("greeter.test", "127.0.0.1");

    for (int i = 0; i < 2 * Resolver.RESOLVERS_PER_SETTING; i++) {
      join(resolver.resolve(context, "greeter.test", IpProtocol.IP4, Duration.ofSeconds(1)));
    }

    assertThat(servers.get(0).sourcePorts("greeter.test")).hasSize(Resolver.RESOLVERS_PER_SETTING);
  }

  @Test
  void aTruncatedAnswerIsAskedAgainOverTcpAndItsAddressUsed() throws Exception {
    servers.get(0).answer("big.test", "127.0.0.7").truncated("big.test");

    InetAddress address = join(resolver.resolve(context, "big.test", IpProtocol.IP4, Duration.ofSeconds(2)));

    assertThat(address.getHostAddress()).isEqualTo("127.0.0.7");
    assertThat(servers.get(0).queries("big.test")).isEqualTo(2);
    assertThat(servers.get(0).tcpQueries("big.test")).isEqualTo(1);
  }
}
