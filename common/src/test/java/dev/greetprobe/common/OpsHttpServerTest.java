package dev.greetprobe.common;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.greetprobe.testkit.Http;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The HTTP port both services serve, against clients that hold it, smuggle requests or send what cannot be read. */
class OpsHttpServerTest {

  private final PrometheusMeterRegistry registry = Instrumentation.registry();
  private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
  private final List<Socket> held = new ArrayList<>();
  private final AtomicInteger reloads = new AtomicInteger();
  private Vertx vertx;
  private OpsHttpServer server;

  @AfterEach
  void stop() throws Exception {
    trickle.shutdownNow();
    for (Socket socket : held) {
      socket.close();
    }
    join(vertx.close());
  }

  /** Slowloris: a header line every 100 ms keeps no idle timer from firing, but the header deadline still does. */
  @Test
  void aClientTricklingItsHeadersIsClosedAtTheHeaderTimeoutWhileOthersAreServed() throws Exception {
    start(new HttpLimits(16, Duration.ofMillis(500), Duration.ofSeconds(30)));
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Socket socket = connect();
      slow.add(socket);
      socket.getOutputStream().write(ascii("GET /health/live HTTP/1.1\r\nHost: x\r\n"));
      trickle.scheduleAtFixedRate(() -> {
        try {
          socket.getOutputStream().write(ascii("X-A: b\r\n"));
        } catch (IOException closed) {
          // the server closed it, as it should
        }
      }, 100, 100, TimeUnit.MILLISECONDS);
    }

    assertThat(exchange("GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .as("served during the attack").startsWith("HTTP/1.1 200 ");
    long started = System.nanoTime();
    for (Socket socket : slow) {
      assertThat(readToEnd(socket)).as("closed without an answer").isEmpty();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    await().untilAsserted(() -> assertThat(refused("header_timeout")).isEqualTo(8));
    await().untilAsserted(() -> assertThat(open()).isZero());
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAtTheIdleTimeout() throws Exception {
    start(new HttpLimits(16, Duration.ofSeconds(30), Duration.ofSeconds(1)));

    Socket idle = connect();

    long started = System.nanoTime();
    assertThat(readToEnd(idle)).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(5));
  }

  /** Each connection holds a descriptor: past the cap, one is closed as soon as it is accepted, and counted. */
  @Test
  void connectionsPastTheCapAreClosedAtOnceAndCountedAndTheOpenOnesStayBounded() throws Exception {
    start(new HttpLimits(8, Duration.ofSeconds(30), Duration.ofSeconds(30)));
    for (int i = 0; i < 8; i++) {
      held.add(connect());
    }
    await().untilAsserted(() -> assertThat(open()).isEqualTo(8));

    for (int i = 0; i < 42; i++) {
      try (Socket refused = connect()) {
        assertThat(readToEnd(refused)).isEmpty();
      }
    }

    assertThat(open()).isEqualTo(8);
    await().untilAsserted(() -> assertThat(refused("max_connections")).isEqualTo(42));
    held.remove(0).close();
    await().untilAsserted(() -> assertThat(open()).isEqualTo(7));
    assertThat(Http.get(url("/health/live")).statusCode()).as("a place is free again").isEqualTo(200);
  }

  /** Both framings at once, the body hiding a second request: refused whole, and the hidden one never runs. */
  @Test
  void aRequestWithContentLengthAndChunkedIsRefusedWith400AndItsConnectionClosed() throws Exception {
    start(HttpLimits.DEFAULT);
    String smuggled = "POST /-/reload HTTP/1.1\r\nHost: x\r\n\r\n";
    String body = "0\r\n\r\n" + smuggled;

    String answer = exchange("POST /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
        + "\r\nTransfer-Encoding: chunked\r\n\r\n" + body);

    assertThat(answer).startsWith("HTTP/1.1 400 ").contains("connection: close")
        .endsWith("Transfer-Encoding refused: no endpoint here takes a request body\n")
        .doesNotContain("HTTP/1.1 200");
    assertThat(reloads).hasValue(0);
    assertThat(refused("bad_request")).isEqualTo(1);
  }

  @Test
  void aTransferEncodingOtherThanChunkedIsRefusedWith400() throws Exception {
    start(HttpLimits.DEFAULT);

    String answer = exchange("POST /-/reload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 400 ");
    assertThat(reloads).hasValue(0);
  }

  /** Each used to log an error with its stack trace: a client could fill the log. */
  @Test
  void aQueryThatIsNotPercentEncodingIsAnsweredWith400AndLogsNoWarning() throws Exception {
    start(HttpLimits.DEFAULT);
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    root.addAppender(log);
    try {
      for (int i = 0; i < 200; i++) {
        assertThat(exchange("GET /health/live?name=%zz HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400 ")
            .endsWith("\r\n\r\nthe query string is not valid percent-encoding\n");
      }
    } finally {
      root.detachAppender(log);
    }

    assertThat(log.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).isEmpty();
  }

  /** An endpoint that throws, asked for 200 times: 500 each, and one warning with the count, not 200 stack traces. */
  @Test
  void failuresAreAnswered500AndWarnedOfOncePerPeriod() throws Exception {
    start(HttpLimits.DEFAULT);
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    root.addAppender(log);
    try {
      for (int i = 0; i < 200; i++) {
        assertThat(Http.get(url("/broken")).statusCode()).isEqualTo(500);
      }
    } finally {
      root.detachAppender(log);
    }

    assertThat(log.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).hasSize(1)
        .allSatisfy(e -> assertThat(e.getFormattedMessage()).contains("broken on purpose"));
  }

  private void start(HttpLimits limits) throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, registry, () -> true);
    router.get("/broken").handler(ctx -> {
      throw new IllegalStateException("broken on purpose");
    });
    router.post("/-/reload").handler(ctx -> {
      reloads.incrementAndGet();
      ctx.response().end("reloaded\n");
    });
    server = new OpsHttpServer(vertx, limits, registry, router);
    join(server.listen(0, "127.0.0.1"));
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.actualPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Sends {@code request} and reads until the server closes. */
  private String exchange(String request) throws IOException {
    try (Socket socket = connect()) {
      socket.getOutputStream().write(ascii(request));
      return new String(readToEnd(socket), StandardCharsets.US_ASCII);
    }
  }

  private static byte[] readToEnd(Socket socket) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      InputStream in = socket.getInputStream();
      in.transferTo(out);
    } catch (SocketException reset) {
      // a reset ends the stream too
    }
    return out.toByteArray();
  }

  private String url(String path) {
    return Http.loopback(server.actualPort(), path);
  }

  private double refused(String reason) {
    return registry.get("http.connections.refused").tag("reason", reason).counter().count();
  }

  private double open() {
    return registry.get("http.connections.open").gauge().value();
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
