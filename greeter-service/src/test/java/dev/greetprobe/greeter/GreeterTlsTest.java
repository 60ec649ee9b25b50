package dev.greetprobe.greeter;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.common.Transport;
import dev.greetprobe.testkit.ConfigYaml;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mTLS on the greeting port, with certificates made by the test and rotated under a running greeter. */
abstract class GreeterTlsTest {

  /** The transport these tests run against. */
  abstract Transport transport();

  private static final String GREETING = "Thank You for Connecting";

  @TempDir
  Path dir;

  private PrometheusMeterRegistry registry;
  private Vertx vertx;
  private GreeterService service;
  private TestPki ca;
  private Path certFile;
  private Path keyFile;
  private Path caFile;

  @BeforeEach
  void makeCertificates() throws Exception {
    registry = Instrumentation.registry();
    vertx = Instrumentation.vertx(registry, true);
    ca = TestPki.authority("greetprobe test CA");
    TestPki.Issued server = ca.issue("localhost");
    certFile = server.writeCertificate(dir.resolve("tls.crt"));
    keyFile = server.writeKey(dir.resolve("tls.key"));
    caFile = ca.writeCertificate(dir.resolve("ca.crt"));
  }

  @AfterEach
  void close() throws Exception {
    join(vertx.close());
  }

  @Test
  void aJdkTlsClientReadsTheGreeting() throws Exception {
    start(tls(certFile, keyFile, Duration.ofSeconds(10)));

    assertThat(readOverTls(TestPki.trusting(ca.certificate))).isEqualTo(GREETING);
  }

  @Test
  void onlyTls12AndNewerAreOffered() throws Exception {
    start(tls(certFile, keyFile, Duration.ofSeconds(10)));

    // Written by hand: the JDK's own client no longer offers TLS 1.1, and gives up without a word to the server.
    try (Socket socket = new Socket("127.0.0.1", service.greetingPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(tls11ClientHello());
      assertThat(socket.getInputStream().read()).as("the first byte back: 21 is an alert, 22 a handshake")
          .isEqualTo(21);
    }
    await().untilAsserted(() -> assertThat(rejected("tls_handshake")).isEqualTo(1));
  }

  @Test
  void aPlaintextClientOnTheTlsPortIsClosedAndCounted() throws Exception {
    start(tls(certFile, keyFile, Duration.ofSeconds(10)));

    try (Socket socket = new Socket("127.0.0.1", service.greetingPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write("hello\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] got = readUntilClosed(socket);
      assertThat(new String(got, StandardCharsets.ISO_8859_1)).doesNotContain(GREETING);
    }
    await().untilAsserted(() -> assertThat(rejected("tls_handshake")).isEqualTo(1));
    assertThat(greetings()).isZero();
  }

  @Test
  void aClientThatNeverStartsItsHandshakeTimesOut() throws Exception {
    start(tls(certFile, keyFile, Duration.ofSeconds(10)).with("limits", Map.of("max_connections", 100,
        "source_table_size", 100, "handshake_timeout", Duration.ofMillis(300))));

    try (Socket socket = new Socket("127.0.0.1", service.greetingPort())) {
      socket.setSoTimeout(5000);
      assertThat(new String(readUntilClosed(socket), StandardCharsets.ISO_8859_1)).doesNotContain(GREETING);
    }
    await().untilAsserted(() -> assertThat(rejected("timeout")).isEqualTo(1));
  }

  @Test
  void mutualTlsGreetsAClientWithACertificateFromTheCa() throws Exception {
    start(tls(certFile, keyFile, Duration.ofSeconds(10)).with("tls.client_ca_file", caFile));

    assertThat(readOverTls(ca.issue("probe").clientContext(ca.certificate))).isEqualTo(GREETING);
  }

  @Test
  void mutualTlsRefusesExpiredUntrustedAndMissingClientCertificates() throws Exception {
    start(tls(certFile, keyFile, Duration.ofSeconds(10)).with("tls.client_ca_file", caFile));
    Instant now = Instant.now();
    SSLContext expired = ca.issue("expired", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)))
        .clientContext(ca.certificate);
    SSLContext untrusted = TestPki.authority("someone else").issue("probe").clientContext(ca.certificate);
    SSLContext none = TestPki.trusting(ca.certificate);

    for (SSLContext client : new SSLContext[] {expired, untrusted, none}) {
      assertThatThrownBy(() -> readOverTls(client)).isInstanceOf(IOException.class);
    }
    await().untilAsserted(() -> assertThat(rejected("tls_handshake")).isEqualTo(3));
    assertThat(greetings()).isZero();
  }

  @Test
  void aRotatedCertificateIsServedWithoutARestart() throws Exception {
    start(tls(certFile, keyFile, Duration.ofMillis(100)));
    X509Certificate before = servedCertificate();

    TestPki.Issued renewed = ca.issue("localhost");
    // Written beside and moved in, as a Secret volume update swaps whole files.
    Files.move(renewed.writeKey(dir.resolve("tls.key.new")), keyFile, StandardCopyOption.ATOMIC_MOVE);
    Files.move(renewed.writeCertificate(dir.resolve("tls.crt.new")), certFile, StandardCopyOption.ATOMIC_MOVE);

    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
        assertThat(servedCertificate().getSerialNumber()).isEqualTo(renewed.certificate().getSerialNumber()));
    assertThat(before.getSerialNumber()).isNotEqualTo(renewed.certificate().getSerialNumber());
    assertThat(readOverTls(TestPki.trusting(ca.certificate))).isEqualTo(GREETING);
  }

  @Test
  void aBrokenCertificateFileKeepsTheCurrentCertificate() throws Exception {
    start(tls(certFile, keyFile, Duration.ofMillis(100)));
    X509Certificate before = servedCertificate();
    assertThat(gauge("greeter.tls.certificate.expiry")).isEqualTo(before.getNotAfter().toInstant().getEpochSecond());

    Files.writeString(certFile, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");

    await().atMost(Duration.ofSeconds(10)).until(() -> gauge("greeter.tls.last.reload.successful") == 0);
    assertThat(servedCertificate().getSerialNumber()).isEqualTo(before.getSerialNumber());
    assertThat(readOverTls(TestPki.trusting(ca.certificate))).isEqualTo(GREETING);
  }

  /** A TLS 1.1 ClientHello offering one cipher suite of its time, TLS_RSA_WITH_AES_128_CBC_SHA, and no extensions. */
  private static byte[] tls11ClientHello() {
    java.nio.ByteBuffer hello = java.nio.ByteBuffer.allocate(5 + 4 + 2 + 32 + 1 + 4 + 2);
    hello.put((byte) 0x16).putShort((short) 0x0302).putShort((short) (4 + 2 + 32 + 1 + 4 + 2));
    hello.put((byte) 0x01).put((byte) 0).putShort((short) (2 + 32 + 1 + 4 + 2));
    hello.putShort((short) 0x0302).put(new byte[32]).put((byte) 0);
    hello.putShort((short) 2).putShort((short) 0x002F);
    hello.put((byte) 1).put((byte) 0);
    return hello.array();
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefusedAndTheCurrentCertificateStays() throws Exception {
    start(tls(certFile, keyFile, Duration.ofMillis(100)));
    X509Certificate before = servedCertificate();

    Files.move(ca.issue("localhost").writeKey(dir.resolve("tls.key.new")), keyFile, StandardCopyOption.ATOMIC_MOVE);

    await().atMost(Duration.ofSeconds(10)).until(() -> gauge("greeter.tls.last.reload.successful") == 0);
    assertThat(servedCertificate().getSerialNumber()).isEqualTo(before.getSerialNumber());
    assertThat(readOverTls(TestPki.trusting(ca.certificate))).isEqualTo(GREETING);
  }

  @Test
  void aKeyThatIsNotTheCertificatesFailsTheStartAndSaysSo() throws Exception {
    Path otherKey = ca.issue("localhost").writeKey(dir.resolve("other.key"));

    assertThatThrownBy(() -> start(tls(certFile, otherKey, Duration.ofSeconds(10))))
        .hasRootCauseMessage("the private key does not match the certificate");
  }

  /** The gauge tells of the last read: the files served, copied back after a bad copy, are a good read. */
  @Test
  void theGoodFilesRestoredAfterABadOneSetTheReloadGaugeBackToOne() throws Exception {
    start(tls(certFile, keyFile, Duration.ofMillis(100)));
    String good = Files.readString(certFile);

    Files.writeString(certFile, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> gauge("greeter.tls.last.reload.successful") == 0);
    Files.writeString(certFile, good);

    await().atMost(Duration.ofSeconds(10)).until(() -> gauge("greeter.tls.last.reload.successful") == 1);
    assertThat(readOverTls(TestPki.trusting(ca.certificate))).isEqualTo(GREETING);
  }

  private void start(ConfigYaml config) throws Exception {
    service = new GreeterService(vertx, TestConfig.parse(config), registry);
    join(service.start());
  }

  /** Two listeners on loopback serving {@code cert} and {@code key}, checked for new files every {@code reload}. */
  private ConfigYaml tls(Path cert, Path key, Duration reload) {
    return TestConfig.loopback(transport())
        .with("greeting", GREETING)
        .with("listeners", 2)
        .with("backlog", 128)
        .with("drain_timeout", Duration.ofSeconds(1))
        .with("tls", Map.of("cert_file", cert, "key_file", key, "reload_interval", reload));
  }

  private String readOverTls(SSLContext context) throws IOException {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", service.greetingPort())) {
      socket.setSoTimeout(5000);
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private X509Certificate servedCertificate() throws Exception {
    try (SSLSocket socket = (SSLSocket) TestPki.trusting(ca.certificate).getSocketFactory()
        .createSocket("127.0.0.1", service.greetingPort())) {
      socket.setSoTimeout(5000);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  /** Everything the server sends before it closes (a reset also ends it). */
  static byte[] readUntilClosed(Socket socket) throws IOException {
    try {
      return socket.getInputStream().readAllBytes();
    } catch (java.net.SocketException reset) {
      return new byte[0];
    }
  }

  private double rejected(String reason) {
    return registry.get("greeter.connections.rejected").tag("reason", reason).counter().count();
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private double greetings() {
    return registry.get("greeter.greetings").counter().count();
  }
}
