package dev.greetprobe.greeter;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.testkit.Ports;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Why the {@code vertx} transport does not shake hands through Vert.x 5.0's server-side {@code NetSocket.upgradeToSsl},
 * the public API's one way to admit a client before its TLS handshake. Each client sends its ClientHello the moment it
 * connects, as TLS clients do, to a server that upgrades in its connect handler, and waits for the server's answer. A
 * hello that Vert.x has lost never reaches its TLS handler, so the answer never comes; the wait is generous, far
 * longer than an answer needs.
 */
class ServerUpgradeToSslTest {

  private static final String PROXY_HEADER = "PROXY TCP4 192.0.2.10 127.0.0.1 40000 12345\r\n";
  private static final int ANSWER_WAIT_MILLIS = 3_000;

  @TempDir
  Path dir;

  private final Vertx vertx = Vertx.vertx();
  private final List<Socket> clients = new ArrayList<>();
  private final List<String> upgradeFailures = new CopyOnWriteArrayList<>();
  private ServerSSLOptions ssl;
  private byte[] clientHello;
  private int port;

  @BeforeEach
  void certificates() throws Exception {
    TestPki ca = TestPki.authority("test CA");
    TestPki.Issued server = ca.issue("localhost");
    ssl = new ServerSSLOptions().setKeyCertOptions(new PemKeyCertOptions()
        .setCertValue(Buffer.buffer(Files.readAllBytes(server.writeCertificate(dir.resolve("tls.crt")))))
        .setKeyValue(Buffer.buffer(Files.readAllBytes(server.writeKey(dir.resolve("tls.key"))))));
    clientHello = clientHello(TestPki.trusting(ca.certificate));
    port = Ports.free();
  }

  @AfterEach
  void close() throws Exception {
    for (Socket client : clients) {
      client.close();
    }
    join(vertx.close());
  }

  /** Vert.x builds a server's TLS context on a worker at the first upgrade; meanwhile the loop reads the hello. */
  @Test
  void theFirstConnectionsHelloIsLostWhileVertxBuildsItsTlsContextLaterOnesShakeHands() throws Exception {
    listen(1, false);

    assertThat(send(new byte[0])).as("the first connection").isEqualTo("hello lost");
    for (int i = 0; i < 3; i++) {
      assertThat(send(new byte[0])).as("connection %d after the first", i).isEqualTo("answered");
    }
  }

  /** Vert.x puts its TLS handler at the head of the pipeline, behind the PROXY decoder that passes the hello on. */
  @Test
  void aHelloThatArrivesWithItsProxyHeaderIsLostEveryTime() throws Exception {
    listen(1, true);
    for (int i = 0; i < 4; i++) {
      assertThat(send(ascii(PROXY_HEADER))).as("connection %d", i).isEqualTo("hello lost");
    }
  }

  /** Only the first server on a port has a TLS context manager; the verticles that share its port have none. */
  @Test
  void onEveryVerticleButTheFirstThatSharesThePortTheUpgradeThrows() throws Exception {
    listen(2, false);

    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      seen.add(send(new byte[0]));
    }
    assertThat(seen).contains("answered", "closed");
    assertThat(upgradeFailures).isNotEmpty()
        .allSatisfy(failure -> assertThat(failure).startsWith("java.lang.NullPointerException"));
  }

  private void listen(int instances, boolean proxyProtocol) throws Exception {
    NetServerOptions options = new NetServerOptions().setUseProxyProtocol(proxyProtocol)
        .setKeyCertOptions(ssl.getKeyCertOptions());
    join(vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.createNetServer(options).connectHandler(ServerUpgradeToSslTest.this::upgrade)
            .listen(port, "127.0.0.1");
      }
    }, new DeploymentOptions().setInstances(instances)));
  }

  private void upgrade(NetSocket socket) {
    try {
      socket.upgradeToSsl(ssl);
    } catch (RuntimeException e) {
      upgradeFailures.add(e.toString());
      socket.close();
    }
  }

  /**
   * Connects, writes {@code prefix} and a ClientHello in one segment, and tells what came back: "answered" (a TLS
   * record), "closed", or "hello lost" (nothing in time).
   */
  private String send(byte[] prefix) throws IOException {
    Socket client = new Socket("127.0.0.1", port);
    clients.add(client);
    client.setTcpNoDelay(true);
    client.setSoTimeout(ANSWER_WAIT_MILLIS);
    byte[] segment = new byte[prefix.length + clientHello.length];
    System.arraycopy(prefix, 0, segment, 0, prefix.length);
    System.arraycopy(clientHello, 0, segment, prefix.length, clientHello.length);
    OutputStream out = client.getOutputStream();
    out.write(segment);
    out.flush();
    try {
      int first = client.getInputStream().read();
      return first == 0x16 ? "answered" : "closed";
    } catch (SocketTimeoutException nothing) {
      return "hello lost";
    } catch (SocketException reset) {
      return "closed";
    }
  }

  /** The first flight of a TLS client: its ClientHello record. */
  private static byte[] clientHello(SSLContext context) throws Exception {
    SSLEngine engine = context.createSSLEngine("localhost", 443);
    engine.setUseClientMode(true);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.beginHandshake();
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] hello = new byte[out.remaining()];
    out.get(hello);
    return hello;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
