package dev.greetprobe.greeter;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.common.Transport;
import dev.greetprobe.testkit.ConfigYaml;
import dev.greetprobe.testkit.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Access control, limits and the PROXY protocol: who is greeted, who is closed, and how each refusal is counted. */
abstract class GreeterAdmissionTest {

  /** The transport these tests run against. */
  abstract Transport transport();

  private static final byte[] GREETING = "Thank You for Connecting".getBytes(StandardCharsets.US_ASCII);
  private static final InetAddress HOST_A = address("127.0.0.1");
  private static final InetAddress HOST_B = address("127.0.0.2");

  @TempDir
  Path dir;

  private PrometheusMeterRegistry registry;
  private Vertx vertx;
  private GreeterService service;

  @BeforeEach
  void createVertx() {
    registry = Instrumentation.registry();
    vertx = Instrumentation.vertx(registry, true);
  }

  @AfterEach
  void closeVertx() throws Exception {
    join(vertx.close());
  }

  @Test
  void aDeniedAddressIsClosedBeforeAnyGreetingAndCounted() throws Exception {
    start(config().with("access.allow", List.of("127.0.0.0/8", "::1")).with("access.deny", List.of("127.0.0.2/32")));

    assertThat(connectFrom(HOST_A)).isEqualTo(GREETING);
    assertThat(connectFrom(HOST_B)).isEmpty();
    await().untilAsserted(() -> assertThat(rejected("acl")).isEqualTo(1));
    assertThat(greetings()).isEqualTo(1);
  }

  @Test
  void anAddressOutsideTheAllowListIsClosed() throws Exception {
    start(config().with("access.allow", List.of("127.0.0.1/32")));

    assertThat(connectFrom(HOST_B)).isEmpty();
    assertThat(connectFrom(HOST_A)).isEqualTo(GREETING);
    await().untilAsserted(() -> assertThat(rejected("acl")).isEqualTo(1));
  }

  @Test
  void aFloodFromOneSourceHitsItsRateLimitWhileAnotherSourceIsStillGreeted() throws Exception {
    start(config().with("limits.rate_per_source", 5).with("limits.burst_per_source", 5)
        .with("limits.handshake_timeout", Duration.ofSeconds(5)));

    int floodGreeted = 0;
    for (int i = 0; i < 50; i++) {
      floodGreeted += connectFrom(HOST_B).length == GREETING.length ? 1 : 0;
    }
    int otherGreeted = 0;
    for (int i = 0; i < 5; i++) {
      otherGreeted += connectFrom(HOST_A).length == GREETING.length ? 1 : 0;
    }

    // The burst of 5, and at most a few more refilled at 5 a second while the flood ran.
    assertThat(floodGreeted).isBetween(5, 15);
    assertThat(otherGreeted).isEqualTo(5);
    int refused = 50 - floodGreeted;
    await().untilAsserted(() -> assertThat(rejected("rate_limit")).isEqualTo(refused));
  }

  @Test
  void connectionNPlusOneIsRefusedWhileNAreHeldOpen() throws Exception {
    TestPki ca = TestPki.authority("test CA");
    startWithTls(ca, config().with("limits.max_connections", 3)
        .with("limits.handshake_timeout", Duration.ofSeconds(20)));

    // Clients that connect and never start their TLS handshake hold their connections open.
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        held.add(new Socket("127.0.0.1", service.greetingPort()));
      }
      await().untilAsserted(() -> assertThat(activeConnections()).isEqualTo(3));

      try (Socket fourth = new Socket("127.0.0.1", service.greetingPort())) {
        fourth.setSoTimeout(5000);
        assertThat(readUntilClosed(fourth)).isEmpty();
      }
      await().untilAsserted(() -> assertThat(rejected("max_connections")).isEqualTo(1));
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    await().untilAsserted(() -> assertThat(activeConnections()).isZero());
    try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) TestPki.trusting(ca.certificate).getSocketFactory()
        .createSocket("127.0.0.1", service.greetingPort())) {
      socket.setSoTimeout(5000);
      assertThat(socket.getInputStream().readAllBytes()).as("a slot is free again").isEqualTo(GREETING);
    }
  }

  @Test
  void proxyProtocolV1TellsTheAccessPolicyTheRealClient() throws Exception {
    start(config().with("access.deny", List.of("10.0.0.0/8")).with("proxy_protocol.trusted", List.of("127.0.0.0/8", "::1")));

    assertThat(sendAndRead(ascii("PROXY TCP4 192.0.2.10 10.0.0.1 40000 12345\r\n"))).isEqualTo(GREETING);
    assertThat(sendAndRead(ascii("PROXY TCP4 10.1.2.3 10.0.0.1 40000 12345\r\n"))).isEmpty();
    await().untilAsserted(() -> assertThat(rejected("acl")).isEqualTo(1));
  }

  @Test
  void proxyProtocolV2TellsTheAccessPolicyTheRealClient() throws Exception {
    start(config().with("access.deny", List.of("2001:db8::/32")).with("proxy_protocol.trusted", List.of("127.0.0.0/8", "::1")));

    assertThat(sendAndRead(proxyV2("192.0.2.10", "10.0.0.1"))).isEqualTo(GREETING);
    assertThat(sendAndRead(proxyV2("2001:db8::7", "2001:db8::1"))).isEmpty();
    await().untilAsserted(() -> assertThat(rejected("acl")).isEqualTo(1));
  }

  @Test
  void aClientThatSendsNoProxyHeaderIsClosedAfterTheHandshakeTimeoutAndCounted() throws Exception {
    start(config().with("limits.handshake_timeout", Duration.ofMillis(300)).with("proxy_protocol.trusted", List.of("127.0.0.0/8", "::1")));

    try (Socket silent = new Socket("127.0.0.1", service.greetingPort())) {
      silent.setSoTimeout(5000);
      assertThat(readUntilClosed(silent)).isEmpty();
    }
    await().untilAsserted(() -> assertThat(rejected("timeout")).isEqualTo(1));
    await().untilAsserted(() -> assertThat(activeConnections()).isZero());
    assertThat(greetings()).isZero();
  }

  /** Clients that never send their header used to stay open past the limit: admission waited for the header. */
  @Test
  void connectionsWaitingForTheirProxyHeaderCountAgainstMaxConnections() throws Exception {
    start(config().with("limits.max_connections", 5).with("limits.handshake_timeout", Duration.ofSeconds(20))
        .with("proxy_protocol.trusted", List.of("127.0.0.0/8", "::1")));

    List<Socket> silent = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        silent.add(new Socket("127.0.0.1", service.greetingPort()));
      }
      await().untilAsserted(() -> assertThat(rejected("max_connections")).isEqualTo(15));
      assertThat(activeConnections()).isEqualTo(5);
    } finally {
      for (Socket socket : silent) {
        socket.close();
      }
    }
    await().untilAsserted(() -> assertThat(activeConnections()).isZero());
    assertThat(sendAndRead(ascii("PROXY TCP4 192.0.2.10 10.0.0.1 40000 12345\r\n"))).isEqualTo(GREETING);
  }

  /**
   * A v2 header may claim 64 KiB, and a thousand held while their bytes trickled in would pin up to that much each:
   * the greeter keeps no more of one than a header needs, and refuses it once it has sent more.
   */
  @Test
  void aV2HeaderLongerThanAHeaderNeedsIsRefusedOnceItPassesTheCap() throws Exception {
    start(config().with("limits.handshake_timeout", Duration.ofSeconds(20)).with("proxy_protocol.trusted", List.of("127.0.0.0/8", "::1")));
    ByteBuffer start = ByteBuffer.allocate(16 + 4096);
    start.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
    start.put((byte) 0x21).put((byte) 0x11).putShort((short) 0xFFFF);

    long sent = System.nanoTime();
    assertThat(sendAndRead(start.array())).isEmpty();

    assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("refused long before the 20 s header timeout")
        .isLessThan(Duration.ofSeconds(10));
    await().untilAsserted(() -> assertThat(rejected("proxy_protocol")).isEqualTo(1));
    assertThat(rejected("timeout")).isZero();
  }

  /** Anyone who reaches the port directly could otherwise claim any source, dodging the access rules and rates. */
  @Test
  void aProxyHeaderFromOutsideTheTrustedProxiesIsRefusedAndCounted() throws Exception {
    start(config().with("access.deny", List.of("127.0.0.0/8"))
        .with("proxy_protocol", Map.of("trusted", List.of("127.0.0.1/32"))));

    byte[] header = ascii("PROXY TCP4 192.0.2.10 10.0.0.1 40000 12345\r\n");
    assertThat(sendFrom(HOST_A, header)).as("through the trusted proxy").isEqualTo(GREETING);
    assertThat(sendFrom(HOST_B, header)).as("straight from a denied client").isEmpty();
    await().untilAsserted(() -> assertThat(rejected("untrusted_proxy")).isEqualTo(1));
    assertThat(rejected("acl")).isZero();
  }

  /** A refusal before the header is its reason's count alone, not also client_closed as the connection ends. */
  @Test
  void aConnectionRefusedBeforeItsProxyHeaderIsCountedOnceUnderItsReason() throws Exception {
    start(config().with("proxy_protocol.trusted", List.of("127.0.0.1/32")));

    for (int i = 0; i < 5; i++) {
      assertThat(connectFrom(HOST_B)).isEmpty();
    }

    await().untilAsserted(() -> assertThat(rejected("untrusted_proxy")).isEqualTo(5));
    await().untilAsserted(() -> assertThat(activeConnections()).isZero());
    assertThat(PrometheusText.parse(registry.scrape()).sum("greeter_connections_rejected_total"))
        .as("every reason together").isEqualTo(5);
  }

  /** A v2 header for a UDP flow names its client as a TCP one does; that client is the one admitted. */
  @Test
  void aV2UdpHeaderTellsTheAccessPolicyTheRealClient() throws Exception {
    start(config().with("access.deny", List.of("192.0.2.0/24")).with("proxy_protocol.trusted", List.of("127.0.0.0/8", "::1")));

    assertThat(sendAndRead(proxyV2((byte) 0x12, "198.51.100.7", "10.0.0.1"))).isEqualTo(GREETING);
    assertThat(sendAndRead(proxyV2((byte) 0x12, "192.0.2.10", "10.0.0.1"))).isEmpty();
    await().untilAsserted(() -> assertThat(rejected("acl")).isEqualTo(1));
  }

  @Test
  void tlsAfterAProxyHeaderGreetsTheClientTheHeaderNames() throws Exception {
    TestPki ca = TestPki.authority("test CA");
    startWithTls(ca, config().with("access.deny", List.of("10.0.0.0/8")).with("proxy_protocol.trusted", List.of("127.0.0.0/8", "::1")));

    assertThat(proxiedTls(ca, "PROXY TCP4 192.0.2.10 10.0.0.1 40000 12345\r\n")).isEqualTo(GREETING);
    assertThatThrownBy(() -> proxiedTls(ca, "PROXY TCP4 10.1.2.3 10.0.0.1 40000 12345\r\n"))
        .as("the denied client gets no handshake").isInstanceOf(IOException.class);
    await().untilAsserted(() -> assertThat(rejected("acl")).isEqualTo(1));
  }

  /** A load balancer may pass the client's hello on in the same segment as the header it writes ahead of it. */
  @Test
  void aClientHelloInTheSameSegmentAsItsProxyHeaderIsAnswered() throws Exception {
    TestPki ca = TestPki.authority("test CA");
    startWithTls(ca, config().with("proxy_protocol.trusted", List.of("127.0.0.0/8", "::1")));

    for (int i = 0; i < 3; i++) {
      try (Socket socket = new HeaderAheadOfFirstWrite(ascii("PROXY TCP4 192.0.2.10 10.0.0.1 40000 12345\r\n"))) {
        socket.connect(new InetSocketAddress("127.0.0.1", service.greetingPort()), 5000);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(5000);
        try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) TestPki.trusting(ca.certificate)
            .getSocketFactory().createSocket(socket, "localhost", service.greetingPort(), true)) {
          assertThat(tls.getInputStream().readAllBytes()).as("connection %d", i).isEqualTo(GREETING);
        }
      }
    }
  }

  /** A socket whose first write (a TLS client's hello) goes out in one piece with {@code header} in front of it. */
  private static final class HeaderAheadOfFirstWrite extends Socket {

    private final byte[] header;
    private boolean written;

    HeaderAheadOfFirstWrite(byte[] header) {
      this.header = header;
    }

    @Override
    public java.io.OutputStream getOutputStream() throws IOException {
      java.io.OutputStream out = super.getOutputStream();
      return new java.io.FilterOutputStream(out) {
        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
          if (written) {
            out.write(bytes, offset, length);
            return;
          }
          written = true;
          byte[] segment = java.util.Arrays.copyOf(header, header.length + length);
          System.arraycopy(bytes, offset, segment, header.length, length);
          out.write(segment);
        }
      };
    }
  }

  /** Sends a PROXY v1 header, then shakes hands over TLS on the same connection and reads to the end. */
  private byte[] proxiedTls(TestPki ca, String header) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", service.greetingPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(ascii(header));
      try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) TestPki.trusting(ca.certificate).getSocketFactory()
          .createSocket(socket, "localhost", service.greetingPort(), true)) {
        return tls.getInputStream().readAllBytes();
      }
    }
  }

  @Test
  void aGarbageProxyHeaderIsClosedAndCounted() throws Exception {
    start(config().with("proxy_protocol.trusted", List.of("127.0.0.0/8", "::1")));

    assertThat(sendAndRead(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))).isEmpty();
    await().untilAsserted(() -> assertThat(rejected("proxy_protocol")).isEqualTo(1));
    assertThat(greetings()).isZero();
  }

  @Test
  void randomBytesAsAProxyHeaderNeverEscapeToTheEventLoopNorLeaveAConnectionOpen() throws Exception {
    start(config().with("limits.handshake_timeout", Duration.ofMillis(500)).with("proxy_protocol.trusted", List.of("127.0.0.0/8", "::1")));
    Random random = new Random(42);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    int sent = 0;
    while (System.nanoTime() < deadline) {
      byte[] junk = new byte[1 + random.nextInt(120)];
      random.nextBytes(junk);
      if (random.nextBoolean()) {
        System.arraycopy(ascii("PROXY "), 0, junk, 0, Math.min(6, junk.length)); // get past the first check
      }
      assertThat(sendAndRead(junk)).as("junk %d", sent).isNotEqualTo(GREETING);
      sent++;
    }

    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(activeConnections()).isZero());
    assertThat(sendAndRead(ascii("PROXY TCP4 192.0.2.10 10.0.0.1 40000 12345\r\n")))
        .as("still greeting after %d junk headers", sent).isEqualTo(GREETING);
  }

  private void start(ConfigYaml config) throws Exception {
    service = new GreeterService(vertx, TestConfig.parse(config), registry);
    join(service.start());
  }

  /** Starts {@code base} with TLS on, serving a certificate for localhost that {@code ca} issued. */
  private void startWithTls(TestPki ca, ConfigYaml base) throws Exception {
    TestPki.Issued server = ca.issue("localhost");
    start(base.with("tls.cert_file", server.writeCertificate(dir.resolve("tls.crt")))
        .with("tls.key_file", server.writeKey(dir.resolve("tls.key"))));
  }

  /** Two listeners on loopback, no limit on connections and a short drain; each test adds what it is about. */
  private ConfigYaml config() {
    return TestConfig.loopback(transport())
        .with("listeners", 2)
        .with("backlog", 1024)
        .with("drain_timeout", Duration.ofSeconds(1))
        .with("limits", Map.of("max_connections", 0, "source_table_size", 100,
            "handshake_timeout", Duration.ofSeconds(2)));
  }

  /** Connects from a chosen loopback address (Linux routes all of 127.0.0.0/8 to lo) and reads to the end. */
  private byte[] connectFrom(InetAddress source) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(source, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", service.greetingPort()), 2000);
      socket.setSoTimeout(5000);
      return readUntilClosed(socket);
    }
  }

  /** Connects from a chosen loopback address, sends {@code header} and reads to the end. */
  private byte[] sendFrom(InetAddress source, byte[] header) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(source, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", service.greetingPort()), 2000);
      socket.setSoTimeout(5000);
      try {
        socket.getOutputStream().write(header);
      } catch (SocketException closedAlready) {
        return new byte[0];
      }
      return readUntilClosed(socket);
    }
  }

  private byte[] sendAndRead(byte[] header) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", service.greetingPort())) {
      socket.setSoTimeout(5000);
      try {
        socket.getOutputStream().write(header);
      } catch (SocketException closedAlready) {
        return new byte[0];
      }
      return readUntilClosed(socket);
    }
  }

  static byte[] readUntilClosed(Socket socket) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      socket.getInputStream().transferTo(out);
    } catch (SocketException reset) {
      // a reset ends the stream too
    }
    return out.toByteArray();
  }

  /** A binary PROXY protocol v2 header for a TCP connection from {@code source} to {@code destination}. */
  private static byte[] proxyV2(String source, String destination) {
    return proxyV2(address(source).getAddress().length == 16 ? (byte) 0x21 : (byte) 0x11, source, destination);
  }

  /** A binary PROXY protocol v2 header of {@code family} (0x11 TCP4, 0x12 UDP4, 0x21 TCP6, 0x22 UDP6). */
  private static byte[] proxyV2(byte family, String source, String destination) {
    byte[] src = address(source).getAddress();
    byte[] dst = address(destination).getAddress();
    ByteBuffer header = ByteBuffer.allocate(16 + 2 * src.length + 4);
    header.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
    header.put((byte) 0x21); // version 2, PROXY command
    header.put(family);
    header.putShort((short) (2 * src.length + 4));
    header.put(src).put(dst).putShort((short) 40000).putShort((short) 12345);
    return header.array();
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private double rejected(String reason) {
    return registry.get("greeter.connections.rejected").tag("reason", reason).counter().count();
  }

  /** Open connections as a scrape shows them. */
  private double activeConnections() {
    return PrometheusText.parse(registry.scrape()).sum("greeter_connections_active");
  }

  private double greetings() {
    return registry.get("greeter.greetings").counter().count();
  }
}
