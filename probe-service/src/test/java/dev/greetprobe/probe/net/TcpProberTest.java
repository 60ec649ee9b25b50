package dev.greetprobe.probe.net;

import static dev.greetprobe.probe.config.TestTargets.target;
import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.common.Transport;
import dev.greetprobe.greeter.GreeterService;
import dev.greetprobe.greeter.config.GreeterConfig;
import dev.greetprobe.probe.TestGreeter;
import dev.greetprobe.probe.TestServers;
import dev.greetprobe.probe.config.HostPort;
import dev.greetprobe.probe.config.IpProtocol;
import dev.greetprobe.probe.config.Phase;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.dns.TestDnsServer;
import dev.greetprobe.probe.epoll.BareSockets;
import dev.greetprobe.probe.schedule.ProbeVerticle;
import dev.greetprobe.testkit.LoopbackConfigs;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every result the contract names, each provoked for real on loopback, over each transport: where the transports
 * differ, one of them fails here.
 */
@ParameterizedClass(name = "transport {0}")
@EnumSource(Transport.class)
class TcpProberTest {

  @Parameter
  Transport transport;

  private static final String GREETING_RE = "^Thank You for Connecting$";

  private Vertx vertx;
  private TestDnsServer dns;
  private Resolver resolver;
  private Prober prober;
  private int greeterPort;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    dns = TestDnsServer.start();
    resolver = new Resolver(new ProbeConfig.Dns(List.of(new HostPort(dns.host(), dns.port())), List.of(), 1,
        Duration.ofMillis(500)));
    prober = deploy(resolver);
    greeterPort = TestGreeter.start(vertx);
    dns.answer("greeter.test", "127.0.0.1");
  }

  @AfterEach
  void tearDown() throws Exception {
    join(vertx.close());
    resolver.close();
    dns.close();
  }

  /** A probe verticle of the transport under test, resolving with {@code resolver}. */
  private Prober deploy(Resolver resolver) throws Exception {
    ProbeVerticle verticle = new ProbeVerticle(transport == Transport.EPOLL
        ? TcpProber.factory(resolver, BareSockets::connection) : TcpProber.factory(resolver));
    join(vertx.deployVerticle(verticle));
    return verticle;
  }

  private ProbeResult probe(Target target) throws Exception {
    return join(prober.probe(target));
  }

  @Nested
  class Success {

    @Test
    void theRealGreeterIsResolvedConnectedAndItsGreetingMatched() throws Exception {
      ProbeResult result = probe(target("greeter.test:" + greeterPort).expect(GREETING_RE).build());

      assertThat(result.result()).isEqualTo(Result.SUCCESS);
      assertThat(result.received()).isEqualTo("Thank You for Connecting");
      assertThat(result.address().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(result.ipProtocol()).isEqualTo(4);
      assertThat(result.phases()).containsOnlyKeys(Phase.RESOLVE, Phase.CONNECT, Phase.FIRST_BYTE);
      assertThat(dns.queries("greeter.test")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void everyProbeResolvesAfresh() throws Exception {
      Target target = target("greeter.test:" + greeterPort).ipProtocol(IpProtocol.IP4).build();
      probe(target);
      probe(target);
      probe(target);

      assertThat(dns.queries("greeter.test")).isEqualTo(3);
    }

    @Test
    void withoutExpectOrSendConnectingIsEnough() throws Exception {
      ProbeResult result = probe(target("127.0.0.1:" + greeterPort).build());

      assertThat(result.result()).isEqualTo(Result.SUCCESS);
      assertThat(result.received()).isNull();
      assertThat(result.phases()).containsOnlyKeys(Phase.RESOLVE, Phase.CONNECT);
    }

    @Test
    void sendIsWrittenAndTheReplyMatched() throws Exception {
      NetServer echo = TestServers.echo(vertx);

      ProbeResult result = probe(target("127.0.0.1:" + echo.actualPort()).send("PING 42\r\n").expect("^PING 42").build());

      assertThat(result.result()).isEqualTo(Result.SUCCESS);
      assertThat(result.received()).isEqualTo("PING 42\r\n");
    }

    @Test
    void anIpv6OnlyNameIsProbedOverIpv6() throws Exception {
      dns.answer("v6.test", "::1");
      NetServer server = TestServers.listen(vertx, new NetServerOptions().setHost("::1").setPort(0), s -> s.end(
          io.vertx.core.buffer.Buffer.buffer("hi")));

      ProbeResult result = probe(target("v6.test:" + server.actualPort()).ipProtocol(IpProtocol.IP6).expect("hi").build());

      assertThat(result.result()).isEqualTo(Result.SUCCESS);
      assertThat(result.ipProtocol()).isEqualTo(6);
    }
  }

  @Nested
  class Dns {

    @Test
    void anUnknownNameIsNxdomain() throws Exception {
      dns.nxdomain("missing.test");

      ProbeResult result = probe(target("missing.test:80").build());

      assertThat(result.result()).isEqualTo(Result.DNS_NXDOMAIN);
      assertThat(result.detail()).startsWith("missing.test: ");
      assertThat(result.address()).isNull();
      assertThat(result.phases()).containsOnlyKeys(Phase.RESOLVE);
    }

    @Test
    void aServerThatNeverAnswersIsADnsTimeout() throws Exception {
      dns.silent("blackhole.test");

      ProbeResult result = probe(target("blackhole.test:80").build());

      assertThat(result.result()).isEqualTo(Result.DNS_TIMEOUT);
    }

    @Test
    void theDeadlineDuringResolutionIsADnsTimeout() throws Exception {
      dns.delay("slow.test", Duration.ofSeconds(5));

      ProbeResult result = probe(target("slow.test:80").timeout(Duration.ofMillis(300)).build());

      assertThat(result.result()).isEqualTo(Result.DNS_TIMEOUT);
      assertThat(result.duration()).isBetween(Duration.ofMillis(300), Duration.ofMillis(1000));
    }

    @Test
    void servfailIsADnsError() throws Exception {
      dns.servfail("broken.test");

      ProbeResult result = probe(target("broken.test:80").build());

      assertThat(result.result()).isEqualTo(Result.DNS_ERROR);
      assertThat(result.detail()).contains("SERVFAIL");
    }

    @Test
    void aShortNameIsTriedWithTheSearchDomainsAsAKubernetesPodWould() throws Exception {
      dns.answer("greeter.greetprobe.svc.cluster.local", "127.0.0.1");
      try (Resolver searching = new Resolver(new ProbeConfig.Dns(List.of(new HostPort(dns.host(), dns.port())),
          List.of("greetprobe.svc.cluster.local", "svc.cluster.local"), 5, Duration.ofMillis(500)))) {
        Prober prober = deploy(searching);

        ProbeResult result = join(prober.probe(target("greeter:" + greeterPort).ipProtocol(IpProtocol.IP4).build()));

        assertThat(result.result()).as(result.detail()).isEqualTo(Result.SUCCESS);
        assertThat(dns.queries("greeter.greetprobe.svc.cluster.local")).isEqualTo(1);
      }
    }

    @Test
    void aNameWithoutAnAddressOfTheWantedFamilyIsADnsError() throws Exception {
      ProbeResult result = probe(target("greeter.test:" + greeterPort).ipProtocol(IpProtocol.IP6).build());

      assertThat(result.result()).isEqualTo(Result.DNS_ERROR);
    }
  }

  @Nested
  class Connect {

    @Test
    void aClosedPortIsRefused() throws Exception {
      int closed;
      try (ServerSocket s = new ServerSocket(0)) {
        closed = s.getLocalPort();
      }

      ProbeResult result = probe(target("greeter.test:" + closed).build());

      assertThat(result.result()).isEqualTo(Result.CONNECT_REFUSED);
      assertThat(result.detail()).isEqualTo("connection refused by 127.0.0.1 port " + closed);
      assertThat(result.address()).isNotNull();
      assertThat(result.phases()).containsOnlyKeys(Phase.RESOLVE, Phase.CONNECT);
    }

    @Test
    void aListenerWhoseBacklogIsFullDropsTheSynAndTimesOut() throws Exception {
      List<Socket> fillers = new ArrayList<>();
      try (ServerSocket full = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        // Never accepted: once the queue holds backlog + 1 connections, the kernel drops further SYNs.
        for (int i = 0; i < 2; i++) {
          Socket s = new Socket();
          s.connect(new InetSocketAddress("127.0.0.1", full.getLocalPort()), 1000);
          fillers.add(s);
        }

        ProbeResult result = probe(target("127.0.0.1:" + full.getLocalPort()).timeout(Duration.ofMillis(500)).build());

        assertThat(result.result()).isEqualTo(Result.CONNECT_TIMEOUT);
        assertThat(result.duration()).isBetween(Duration.ofMillis(450), Duration.ofMillis(1500));
      } finally {
        for (Socket s : fillers) {
          s.close();
        }
      }
    }
  }

  @Nested
  class Tls {

    private final SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    private NetServer server;

    @BeforeEach
    void startTlsServer() throws Exception {
      dns.answer("localhost", "127.0.0.1");
      server = TestServers.listen(vertx, new NetServerOptions().setSsl(true).setKeyCertOptions(certificate.keyCertOptions()),
          s -> s.end(io.vertx.core.buffer.Buffer.buffer("Thank You for Connecting")));
    }

    @Test
    void aServerThatAnswersInPlainTextIsATlsErrorThatQuotesWhatItSaid() throws Exception {
      ProbeResult result = probe(target("localhost:" + greeterPort).tls("localhost", null, false).build());

      assertThat(result.result()).isEqualTo(Result.TLS_ERROR);
      assertThat(result.detail()).isEqualTo("the server answered in plain text, not TLS: \"Thank You for Connecting\"");
    }

    @Test
    void aSelfSignedCertificateFailsVerification() throws Exception {
      ProbeResult result = probe(target("localhost:" + server.actualPort()).tls("localhost", null, false).build());

      assertThat(result.result()).isEqualTo(Result.TLS_ERROR);
      assertThat(result.phases()).containsKey(Phase.TLS);
    }

    @Test
    void trustingItsCaMakesTheHandshakeAndGreetingSucceed() throws Exception {
      ProbeResult result = probe(target("localhost:" + server.actualPort())
          .tls("localhost", Path.of(certificate.certificatePath()), false).expect(GREETING_RE).build());

      assertThat(result.result()).as(result.detail()).isEqualTo(Result.SUCCESS);
      assertThat(result.phases()).containsOnlyKeys(Phase.RESOLVE, Phase.CONNECT, Phase.TLS, Phase.FIRST_BYTE);
      assertThat(result.certExpiry()).isAfter(Instant.now());
    }

    @Test
    void aServerNameTheCertificateDoesNotCoverFailsVerification() throws Exception {
      ProbeResult result = probe(target("localhost:" + server.actualPort())
          .tls("other.example", Path.of(certificate.certificatePath()), false).build());

      assertThat(result.result()).as(result.detail()).isEqualTo(Result.TLS_ERROR);
    }

    @Test
    void insecureSkipVerifyAcceptsAnyCertificate() throws Exception {
      ProbeResult result = probe(target("localhost:" + server.actualPort()).tls("localhost", null, true).build());

      assertThat(result.result()).as(result.detail()).isEqualTo(Result.SUCCESS);
      assertThat(result.certExpiry()).isNotNull();
    }

    @Test
    void aPlaintextServerIsATlsError() throws Exception {
      ProbeResult result = probe(target("127.0.0.1:" + greeterPort).tls("localhost", null, true).build());

      assertThat(result.result()).isEqualTo(Result.TLS_ERROR);
    }
  }

  /** The real greeter with mutual TLS: the probe presents a client certificate the greeter trusts. */
  @Nested
  class MutualTls {

    private final SelfSignedCertificate server = SelfSignedCertificate.create("localhost");
    private final SelfSignedCertificate client = SelfSignedCertificate.create("probe");
    private int port;

    @BeforeEach
    void startGreeterRequiringClientCertificates() throws Exception {
      GreeterConfig config = TestGreeter.config(LoopbackConfigs.greeter().with("listeners", 1).with("backlog", 128)
          .with("tls", Map.of("cert_file", server.certificatePath(), "key_file", server.privateKeyPath(),
              "client_ca_file", client.certificatePath(), "client_auth", "required")));
      GreeterService greeter = new GreeterService(vertx, config, Instrumentation.registry());
      join(greeter.start());
      port = greeter.greetingPort();
    }

    @Test
    void withItsClientCertificateTheProbeReadsTheGreeting() throws Exception {
      ProbeResult result = probe(target("localhost:" + port).tls("localhost", Path.of(server.certificatePath()), false)
          .clientCertificate(Path.of(client.certificatePath()), Path.of(client.privateKeyPath()))
          .expect(GREETING_RE).build());

      assertThat(result.result()).as(result.detail()).isEqualTo(Result.SUCCESS);
      assertThat(result.received()).isEqualTo("Thank You for Connecting");
    }

    @Test
    void withoutOneTheGreeterRefusesItAsATlsError() throws Exception {
      ProbeResult result = probe(target("localhost:" + port).tls("localhost", Path.of(server.certificatePath()), false)
          .expect(GREETING_RE).build());

      assertThat(result.result()).as(result.detail()).isEqualTo(Result.TLS_ERROR);
      assertThat(result.received()).isNullOrEmpty();
    }
  }

  @Nested
  class Read {

    @Test
    void aServerThatSendsNothingIsAReadTimeout() throws Exception {
      NetServer silent = TestServers.silent(vertx);

      ProbeResult result = probe(target("127.0.0.1:" + silent.actualPort()).expect("x").timeout(Duration.ofMillis(300)).build());

      assertThat(result.result()).isEqualTo(Result.READ_TIMEOUT);
      assertThat(result.duration()).isBetween(Duration.ofMillis(300), Duration.ofMillis(1000));
    }

    @Test
    void aGreetingThatDoesNotMatchFromAPeerThatClosesIsABannerMismatch() throws Exception {
      NetServer wrong = TestServers.delayed(vertx, "Go away", Duration.ZERO);

      ProbeResult result = probe(target("127.0.0.1:" + wrong.actualPort()).expect(GREETING_RE).build());

      assertThat(result.result()).isEqualTo(Result.BANNER_MISMATCH);
      assertThat(result.detail()).endsWith("expect never matched what it sent (7 bytes: \"Go away\")");
      assertThat(result.received()).isEqualTo("Go away");
    }

    /** The peer might still have sent what matches: the deadline, not the text, ended the read. */
    @Test
    void textThatDoesNotMatchFromAPeerThatHoldsTheConnectionIsAReadTimeoutWithTheText() throws Exception {
      NetServer holding = TestServers.listen(vertx, socket -> socket.write("220 busy\r\n"));

      ProbeResult result = probe(target("127.0.0.1:" + holding.actualPort()).expect("^220 ready")
          .timeout(Duration.ofMillis(300)).build());

      assertThat(result.result()).isEqualTo(Result.READ_TIMEOUT);
      assertThat(result.detail())
          .isEqualTo("expect did not match within 300ms, the connection still open, after 10 bytes: \"220 busy\\r\\n\"");
      assertThat(result.received()).isEqualTo("220 busy\r\n");
    }

    @Test
    void expectIsMatchedAgainstEverythingReadSoFarAndTheResultKeepsAnExcerpt() throws Exception {
      String banner = "x".repeat(20_000) + " READY";
      NetServer talkative = TestServers.delayed(vertx, banner, Duration.ZERO);

      ProbeResult result = probe(target("127.0.0.1:" + talkative.actualPort()).expect("READY$").build());

      assertThat(result.result()).as(result.detail()).isEqualTo(Result.SUCCESS);
      assertThat(result.received()).isEqualTo(banner.substring(0, ProbeResult.RECEIVED_EXCERPT_CHARS));
    }

    @Test
    void aPeerThatTalksPastTheReadLimitWithoutMatchingIsABannerMismatch() throws Exception {
      NetServer endless = TestServers.listen(vertx,
          socket -> socket.write(Buffer.buffer("x".repeat(2 * TcpProber.MAX_READ_BYTES))));

      ProbeResult result = probe(target("127.0.0.1:" + endless.actualPort()).expect("READY").build());

      assertThat(result.result()).isEqualTo(Result.BANNER_MISMATCH);
      assertThat(result.detail()).isEqualTo("no match in the first " + TcpProber.MAX_READ_BYTES + " bytes");
      assertThat(result.received()).hasSize(ProbeResult.RECEIVED_EXCERPT_CHARS);
    }

    /** Java's regex backtracked through 2^n ways of splitting the x's here, pinning the loop past any deadline. */
    @Test
    void aCatastrophicPatternAgainstAPeerThatSends32KibAndHoldsEndsAtTheDeadline() throws Exception {
      NetServer holding = TestServers.listen(vertx, socket -> socket.write("x".repeat(32 * 1024)));

      ProbeResult result = probe(target("127.0.0.1:" + holding.actualPort()).expect("(x+x+)+y")
          .timeout(Duration.ofMillis(500)).build());

      assertThat(result.result()).isEqualTo(Result.READ_TIMEOUT);
      assertThat(result.detail()).contains("after 32768 bytes, starting \"xxxx");
      assertThat(result.duration()).isBetween(Duration.ofMillis(500), Duration.ofMillis(1500));
    }

    /** Rescanning all of it at every chunk, a trickle of 64 KiB held a loop far beyond any deadline. */
    @Test
    void aPeerTricklingTheReadLimitInSmallChunksIsABannerMismatchAtTheLimit() throws Exception {
      NetServer trickling = TestServers.listen(vertx, socket -> {
        long[] sent = {0};
        vertx.setPeriodic(1, id -> {
          socket.write("x".repeat(512));
          sent[0] += 512;
          if (sent[0] >= TcpProber.MAX_READ_BYTES) {
            vertx.cancelTimer(id);
          }
        });
      });

      ProbeResult result = probe(target("127.0.0.1:" + trickling.actualPort()).expect(".*y")
          .timeout(Duration.ofSeconds(5)).build());

      assertThat(result.result()).as(result.detail()).isEqualTo(Result.BANNER_MISMATCH);
      assertThat(result.detail()).isEqualTo("no match in the first " + TcpProber.MAX_READ_BYTES + " bytes");
    }

    /** Java's regex recursed once per character here and overflowed its stack, which read as a mismatch. */
    @Test
    void aRepeatedAlternationOver32KibMatchesWithoutOverflowingTheStack() throws Exception {
      NetServer as = TestServers.delayed(vertx, "a".repeat(32 * 1024), Duration.ZERO);

      ProbeResult result = probe(target("127.0.0.1:" + as.actualPort()).expect("^(a|b)*$").build());

      assertThat(result.result()).as(result.detail()).isEqualTo(Result.SUCCESS);
    }

    @Test
    void aCloseBeforeAnyByteIsClosedEarly() throws Exception {
      NetServer closing = TestServers.closing(vertx);

      ProbeResult result = probe(target("127.0.0.1:" + closing.actualPort()).expect(GREETING_RE).build());

      assertThat(result.result()).isEqualTo(Result.CLOSED_EARLY);
    }
  }

  @Nested
  class Timing {

    private Target greeter;

    /** The first probe in a JVM loads the classes of every phase, which would stretch the times this checks. */
    @BeforeEach
    void warmUp() throws Exception {
      greeter = target("greeter.test:" + greeterPort).ipProtocol(IpProtocol.IP4).expect(GREETING_RE).build();
      assertThat(probe(greeter).result()).isEqualTo(Result.SUCCESS);
    }

    @Test
    void aGreetingSentOnAcceptArrivesWithinMillisecondsOfTheConnect() throws Exception {
      ProbeResult result = probe(greeter);

      assertThat(result.result()).isEqualTo(Result.SUCCESS);
      assertThat(result.phases().get(Phase.FIRST_BYTE)).isLessThan(Duration.ofMillis(50));
    }

    @Test
    void aDnsAnswerDelayedBy200msShowsInTheResolvePhase() throws Exception {
      dns.answer("slow.test", "127.0.0.1").delay("slow.test", Duration.ofMillis(200));

      ProbeResult result = probe(target("slow.test:" + greeterPort).ipProtocol(IpProtocol.IP4).build());

      assertThat(result.result()).isEqualTo(Result.SUCCESS);
      assertThat(result.phases().get(Phase.RESOLVE)).isBetween(Duration.ofMillis(200), Duration.ofMillis(300));
    }

    @Test
    void aGreetingDelayedBy300msShowsInTheFirstBytePhase() throws Exception {
      NetServer slow = TestServers.delayed(vertx, "Thank You for Connecting", Duration.ofMillis(300));

      ProbeResult result = probe(target("127.0.0.1:" + slow.actualPort()).expect(GREETING_RE).build());

      assertThat(result.result()).isEqualTo(Result.SUCCESS);
      // The server's timer starts at its accept, a little before the client sees the connection complete and starts
      // the phase: the phase may read slightly under the delay, never much under it.
      assertThat(result.phases().get(Phase.FIRST_BYTE)).isBetween(Duration.ofMillis(250), Duration.ofMillis(450));
    }

    @Test
    void oneDeadlineBoundsEveryPhaseTogether() throws Exception {
      dns.answer("slow.test", "127.0.0.1").delay("slow.test", Duration.ofMillis(250));
      NetServer slow = TestServers.delayed(vertx, "Thank You for Connecting", Duration.ofMillis(300));

      ProbeResult result = probe(target("slow.test:" + slow.actualPort()).ipProtocol(IpProtocol.IP4)
          .expect(GREETING_RE).timeout(Duration.ofMillis(400)).build());

      assertThat(result.result()).isEqualTo(Result.READ_TIMEOUT);
      assertThat(result.duration()).isBetween(Duration.ofMillis(400), Duration.ofMillis(550));
    }
  }

}
