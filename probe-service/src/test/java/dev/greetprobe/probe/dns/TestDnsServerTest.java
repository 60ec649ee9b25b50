package dev.greetprobe.probe.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.resolver.dns.DnsErrorCauseException;
import io.netty.resolver.dns.DnsNameResolverTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.dns.AddressResolverOptions;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.dns.DnsException;
import io.vertx.core.dns.DnsResponseCode;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.resolver.NameResolver;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class TestDnsServerTest {

  private static final int QUERY_TIMEOUT_MS = 500;

  private TestDnsServer dns;

  @BeforeEach
  void startServer() {
    dns = TestDnsServer.start();
  }

  @AfterEach
  void stopServer() {
    dns.close();
  }

  @Test
  void bindsAnEphemeralLoopbackPort() {
    assertThat(dns.port()).isPositive();
    assertThat(dns.address()).isEqualTo("127.0.0.1:" + dns.port());
  }

  /** Raw queries through Vert.x's DnsClient: one question in, the server's reply out, no retries or caching. */
  @Nested
  class WithDnsClient {

    private DnsClient client;

    @BeforeEach
    void createClient(Vertx vertx) {
      client = vertx.createDnsClient(new DnsClientOptions()
          .setHost(dns.host())
          .setPort(dns.port())
          .setQueryTimeout(QUERY_TIMEOUT_MS));
    }

    @Test
    void answersEveryARecordOfAName(VertxTestContext testContext) {
      dns.answer("greeter.test", "127.0.0.1").answer("greeter.test", "127.0.0.2");

      client.resolveA("greeter.test").onComplete(testContext.succeeding(addresses -> testContext.verify(() -> {
        assertThat(addresses).containsExactlyInAnyOrder("127.0.0.1", "127.0.0.2");
        testContext.completeNow();
      })));
    }

    @Test
    void answersAaaaRecords(VertxTestContext testContext) {
      dns.answer("greeter.test", "::1");

      client.resolveAAAA("greeter.test").onComplete(testContext.succeeding(addresses -> testContext.verify(() -> {
        assertThat(addresses).containsExactly("0:0:0:0:0:0:0:1");
        testContext.completeNow();
      })));
    }

    @Test
    void answersOtherTypesOfAKnownNameWithNoData(VertxTestContext testContext) {
      dns.answer("v4.test", "127.0.0.1").answer("v6.test", "::1");

      Future.all(client.resolveAAAA("v4.test"), client.resolveA("v6.test"), client.resolveMX("v4.test"))
          .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
            assertThat(all.<List<String>>resultAt(0)).isEmpty();
            assertThat(all.<List<String>>resultAt(1)).isEmpty();
            assertThat(all.<List<?>>resultAt(2)).isEmpty();
            testContext.completeNow();
          })));
    }

    @Test
    void answersNxdomainForNamedAndUnknownNames(VertxTestContext testContext) {
      dns.nxdomain("missing.test");

      Future<List<String>> named = client.resolveA("missing.test");
      Future<List<String>> unknown = client.resolveA("never-configured.test");

      Future.join(named, unknown).onComplete(joined -> testContext.verify(() -> {
        assertThat(List.of(named, unknown)).allSatisfy(query -> {
          assertThat(query.cause()).isInstanceOf(DnsException.class);
          assertThat(((DnsException) query.cause()).code()).isEqualTo(DnsResponseCode.NXDOMAIN);
        });
        testContext.completeNow();
      }));
    }

    @Test
    void answersServfail(VertxTestContext testContext) {
      dns.servfail("broken.test");

      client.resolveA("broken.test").onComplete(testContext.failing(err -> testContext.verify(() -> {
        assertThat(err).isInstanceOf(DnsException.class);
        assertThat(((DnsException) err).code()).isEqualTo(DnsResponseCode.SERVFAIL);
        testContext.completeNow();
      })));
    }

    @Test
    void clearForgetsTheRules(VertxTestContext testContext) {
      dns.answer("greeter.test", "127.0.0.1").clear("greeter.test");

      client.resolveA("greeter.test").onComplete(testContext.failing(err -> testContext.verify(() -> {
        assertThat(((DnsException) err).code()).isEqualTo(DnsResponseCode.NXDOMAIN);
        testContext.completeNow();
      })));
    }

    @Test
    void delaysTheAnswerWithoutHoldingUpOtherNames(VertxTestContext testContext) {
      dns.answer("slow.test", "127.0.0.1").delay("slow.test", Duration.ofMillis(200));
      dns.answer("fast.test", "127.0.0.2");

      long start = System.nanoTime();
      Future<List<String>> slow = client.resolveA("slow.test");
      client.resolveA("fast.test")
          .onComplete(testContext.succeeding(fast -> testContext.verify(() ->
              assertThat(slow.isComplete()).as("slow answer pending when the fast one arrives").isFalse())))
          .compose(fast -> slow)
          .onComplete(testContext.succeeding(addresses -> testContext.verify(() -> {
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(200);
            assertThat(addresses).containsExactly("127.0.0.1");
            testContext.completeNow();
          })));
    }

    @Test
    void silentNameTimesOut(VertxTestContext testContext) {
      dns.silent("blackhole.test");

      client.resolveA("blackhole.test").onComplete(testContext.failing(err -> testContext.verify(() -> {
        assertThat(err).isInstanceOf(DnsNameResolverTimeoutException.class).hasMessageContaining("timed out");
        assertThat(dns.queries("blackhole.test")).isEqualTo(1);
        testContext.completeNow();
      })));
    }

    @Test
    void countsQueriesPerNameIgnoringCaseAndTrailingDot(VertxTestContext testContext) {
      dns.answer("greeter.test", "127.0.0.1");

      // One after another: the client merges concurrent identical questions (case-insensitively) into one query.
      client.resolveA("greeter.test")
          .compose(first -> client.resolveA("Greeter.TEST"))
          .compose(mixedCase -> client.resolveAAAA("greeter.test.").map(mixedCase))
          .onComplete(testContext.succeeding(mixedCase -> testContext.verify(() -> {
            // The mixed-case query is answered too: the answer echoes the name as asked.
            assertThat(mixedCase).containsExactly("127.0.0.1");
            assertThat(dns.queries("greeter.test")).isEqualTo(3);
            assertThat(dns.queries("GREETER.test.")).isEqualTo(3);
            assertThat(dns.queries("other.test")).isZero();
            testContext.completeNow();
          })));
    }

    @Test
    void dropsMalformedDatagramsAndKeepsServing(Vertx vertx, VertxTestContext testContext) {
      dns.answer("greeter.test", "127.0.0.1");

      vertx.createDatagramSocket()
          .send(Buffer.buffer(new byte[] {0x12, 0x34, 0x01}), dns.port(), dns.host())
          .compose(sent -> client.resolveA("greeter.test"))
          .onComplete(testContext.succeeding(addresses -> testContext.verify(() -> {
            assertThat(addresses).containsExactly("127.0.0.1");
            testContext.completeNow();
          })));
    }
  }

  /**
   * The resolver behind {@code NetClient.connect(port, host)}: Netty's DnsNameResolver configured from
   * {@link AddressResolverOptions}. It asks A and AAAA, so counts here are "at least".
   */
  @Nested
  class AsAddressResolverServer {

    private Vertx resolverVertx;
    private NameResolver resolver;

    @BeforeEach
    void createVertx() {
      resolverVertx = Vertx.vertx(new VertxOptions().setAddressResolverOptions(new AddressResolverOptions()
          .addServer(dns.address())
          .setOptResourceEnabled(false)
          .setCacheMaxTimeToLive(0)
          .setQueryTimeout(QUERY_TIMEOUT_MS)
          // One query per address type: with 1 the AAAA question is never sent and IPv6-only names fail.
          .setMaxQueries(2)
          // No /etc/hosts and no resolv.conf search domains, so only this server is consulted.
          .setHostsValue(Buffer.buffer(""))
          .setSearchDomains(List.of())));
      resolver = ((VertxInternal) resolverVertx).nameResolver();
    }

    @AfterEach
    void closeVertx(VertxTestContext testContext) {
      resolverVertx.close().onComplete(testContext.succeedingThenComplete());
    }

    @Test
    void resolvesIpv4AndIpv6OnlyNames(VertxTestContext testContext) {
      dns.answer("greeter.test", "127.0.0.1").answer("v6.test", "::1");

      Future.all(resolver.resolve("greeter.test"), resolver.resolve("v6.test"))
          .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
            assertThat(all.<InetAddress>resultAt(0).getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(all.<InetAddress>resultAt(1).getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
            testContext.completeNow();
          })));
    }

    @Test
    void eachResolveAsksTheServerAgain(VertxTestContext testContext) {
      dns.answer("greeter.test", "127.0.0.1");

      resolver.resolve("greeter.test")
          .compose(first -> {
            dns.clear("greeter.test").answer("greeter.test", "127.0.0.2");
            return resolver.resolve("greeter.test").map(second -> List.of(first, second));
          })
          .onComplete(testContext.succeeding(both -> testContext.verify(() -> {
            assertThat(both).extracting(InetAddress::getHostAddress).containsExactly("127.0.0.1", "127.0.0.2");
            assertThat(dns.queries("greeter.test")).isGreaterThanOrEqualTo(2);
            testContext.completeNow();
          })));
    }

    @Test
    void nxdomainIsAnUnknownHostCausedByTheResponseCode(VertxTestContext testContext) {
      dns.nxdomain("missing.test");

      resolver.resolve("missing.test").onComplete(testContext.failing(err -> testContext.verify(() -> {
        assertThat(err).isInstanceOf(UnknownHostException.class).hasMessageContaining("missing.test");
        assertThat(err.getCause()).isInstanceOf(DnsErrorCauseException.class);
        assertThat(((DnsErrorCauseException) err.getCause()).getCode())
            .isEqualTo(io.netty.handler.codec.dns.DnsResponseCode.NXDOMAIN);
        testContext.completeNow();
      })));
    }

    @Test
    void silenceIsAnUnknownHostCausedByATimeout(VertxTestContext testContext) {
      dns.silent("blackhole.test");

      resolver.resolve("blackhole.test").onComplete(testContext.failing(err -> testContext.verify(() -> {
        assertThat(err).isInstanceOf(UnknownHostException.class);
        assertThat(err.getCause()).isInstanceOf(DnsNameResolverTimeoutException.class);
        testContext.completeNow();
      })));
    }

    @Test
    void netClientConnectsThroughIt(VertxTestContext testContext) {
      dns.answer("greeter.test", "127.0.0.1");
      NetServer server = resolverVertx.createNetServer().connectHandler(socket -> socket.end());

      server.listen(0, "127.0.0.1")
          .compose(listening -> resolverVertx.createNetClient().connect(listening.actualPort(), "greeter.test"))
          .onComplete(testContext.succeeding(socket -> testContext.verify(() -> {
            assertThat(socket.remoteAddress().hostAddress()).isEqualTo("127.0.0.1");
            assertThat(dns.queries("greeter.test")).isPositive();
            testContext.completeNow();
          })));
    }
  }
}
