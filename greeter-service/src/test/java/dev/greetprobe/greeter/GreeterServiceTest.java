package dev.greetprobe.greeter;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.common.Transport;
import dev.greetprobe.greeter.config.GreeterConfig;
import dev.greetprobe.greeter.epoll.DirectGreeter;
import dev.greetprobe.testkit.ConfigYaml;
import dev.greetprobe.testkit.Http;
import dev.greetprobe.testkit.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The greeter's behaviour on every transport: each subclass runs these tests on one. */
abstract class GreeterServiceTest {

  static final byte[] GREETING = "Thank You for Connecting".getBytes(StandardCharsets.US_ASCII);

  PrometheusMeterRegistry registry;
  Vertx vertx;
  GreeterService service;

  /** The transport these tests run against. */
  abstract Transport transport();

  /** Sockets the kernel lists as listening on the greeting port of a greeter with two listeners. */
  abstract int listeningSocketsOfTwoListeners();

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
  void aPlainSocketClientReadsExactlyTheGreetingThenEndOfStream() throws Exception {
    start(config(GreeterConfig.DEFAULT_GREETING));

    try (Socket socket = new Socket("127.0.0.1", service.greetingPort())) {
      socket.setSoTimeout(5000);
      assertThat(socket.getInputStream().readAllBytes()).isEqualTo(GREETING);
    }
  }

  @Test
  void aSecondGreeterOnATakenPortFailsToStartInsteadOfSharingIt() throws Exception {
    start(config(GreeterConfig.DEFAULT_GREETING));
    int port = service.greetingPort();
    GreeterConfig samePort = TestConfig.parse(config(GreeterConfig.DEFAULT_GREETING).with("port", port));
    GreeterService second = new GreeterService(vertx, samePort, Instrumentation.registry());

    assertThatThrownBy(() -> join(second.start()))
        .hasMessageContaining("cannot listen on 127.0.0.1:" + port);
    assertThat(Http.get(Http.loopback(second.httpPort(), "/health/live"), Duration.ofSeconds(5)).statusCode())
        .as("the second's liveness").isEqualTo(200);
    assertThat(Http.get(Http.loopback(second.httpPort(), "/health/ready"), Duration.ofSeconds(5)).statusCode())
        .as("the second's readiness, its greeting port not listening").isEqualTo(503);
    assertThat(listeningSockets(port)).isEqualTo(listeningSocketsOfTwoListeners());
    assertThat(readGreeting(port)).isEqualTo(GREETING);
  }

  @Test
  void theGreetingIsConfigurable() throws Exception {
    start(config("Grüß dich"));

    assertThat(new String(readGreeting(service.greetingPort()), StandardCharsets.UTF_8)).isEqualTo("Grüß dich");
  }

  @Test
  void aGreetingTooLongToWriteAtAcceptIsStillWrittenInFull() throws Exception {
    String long64k = "Thank You for Connecting ".repeat(64 * 1024 / 25);
    assertThat(long64k.length()).isGreaterThan(DirectGreeter.MAX_GREETING_BYTES);
    start(config(long64k));

    for (int i = 0; i < 20; i++) {
      assertThat(new String(readGreeting(service.greetingPort()), StandardCharsets.UTF_8)).isEqualTo(long64k);
    }
    await().untilAsserted(() -> assertThat(PrometheusText.parse(registry.scrape()).sum("greeter_greetings_total"))
        .isEqualTo(20));
  }

  @Test
  void twoHundredConcurrentClientsAllGetTheWholeGreetingAndAreCounted() throws Exception {
    start(config(GreeterConfig.DEFAULT_GREETING));
    int clients = 200;
    CountDownLatch allConnected = new CountDownLatch(clients);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<java.util.concurrent.Future<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        results.add(pool.submit(() -> {
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", service.greetingPort()), 5000);
            socket.setSoTimeout(5000);
            allConnected.countDown();
            return socket.getInputStream().readAllBytes();
          }
        }));
      }
      for (var result : results) {
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(GREETING);
      }
    } finally {
      pool.shutdownNow();
    }

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(PrometheusText.parse(registry.scrape()).sum("greeter_greetings_total")).isEqualTo(clients);
      assertThat(PrometheusText.parse(registry.scrape()).sum("greeter_connections_accepted_total")).isEqualTo(clients);
      assertThat(PrometheusText.parse(registry.scrape()).sum("greeter_connections_active")).isZero();
    });
  }

  /** Slowloris on the metrics port: its connections are capped, closed at the header timeout, and greetings go on. */
  @Test
  void clientsHoldingTheMetricsPortAreCappedAndClosedWhileGreetingsGoOn() throws Exception {
    start(config(GreeterConfig.DEFAULT_GREETING).with("http.max_connections", 8)
        .with("http.header_timeout", Duration.ofSeconds(2)));
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        Socket socket = new Socket("127.0.0.1", service.httpPort());
        socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        slow.add(socket);
      }
      await().untilAsserted(() -> assertThat(httpRefused("max_connections")).isEqualTo(42));
      assertThat(registry.get("http.connections.open").gauge().value()).isEqualTo(8);

      for (int i = 0; i < 20; i++) {
        assertThat(readGreeting(service.greetingPort())).as("greeted during the attack").isEqualTo(GREETING);
      }
      // Counted as it closes, and gone from the open gauge once closed: two events, waited for together.
      await().untilAsserted(() -> {
        assertThat(httpRefused("header_timeout")).isEqualTo(8);
        assertThat(registry.get("http.connections.open").gauge().value()).isZero();
      });
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  /**
   * Clients that never read a greeting larger than the kernel buffers for them: each is closed at the write timeout
   * and counted once, while a client that reads is greeted in full.
   */
  @Test
  void clientsThatDoNotReadTheGreetingAreClosedAtTheWriteTimeoutAndCountedOnce() throws Exception {
    // Read by lines: a whole read of this file gives its first byte alone.
    long sendBufferMax = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/net/ipv4/tcp_wmem")).get(0).trim()
        .split("\\s+")[2]);
    // The kernel keeps about half a send buffer's bytes as data, the rest for its bookkeeping.
    assertThat((long) GreeterConfig.MAX_GREETING_BYTES).as("a greeting the kernel cannot take whole")
        .isGreaterThanOrEqualTo(sendBufferMax);
    String greeting = "x".repeat(GreeterConfig.MAX_GREETING_BYTES);
    start(config(greeting).with("limits.write_timeout", Duration.ofSeconds(1)));
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", service.greetingPort()), 5000);
        stalled.add(socket);
      }

      assertThat(readGreeting(service.greetingPort())).as("a reading client").hasSize(greeting.length());
      await().untilAsserted(() -> assertThat(registry.get("greeter.connections.rejected")
          .tag("reason", "write_timeout").counter().count()).isEqualTo(10));
      await().untilAsserted(() -> assertThat(PrometheusText.parse(registry.scrape())
          .sum("greeter_connections_active")).isZero());
      assertThat(PrometheusText.parse(registry.scrape()).sum("greeter_connections_rejected_total"))
          .as("every reason together").isEqualTo(10);
      assertThat(registry.get("greeter.greetings").counter().count()).isEqualTo(1);
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
  }

  private double httpRefused(String reason) {
    return registry.get("http.connections.refused").tag("reason", reason).counter().count();
  }

  @Test
  void readinessFollowsTheLifecycleWhileLivenessStaysUp() throws Exception {
    start(config(GreeterConfig.DEFAULT_GREETING));
    assertThat(status("/health/live")).isEqualTo(200);
    assertThat(status("/health/ready")).as("while serving").isEqualTo(200);

    Future<Void> drained = service.drain();
    assertThat(status("/health/ready")).as("once draining starts").isEqualTo(503);
    assertThat(status("/health/live")).isEqualTo(200);
    join(drained);
    assertThat(status("/health/ready")).as("after the drain").isEqualTo(503);
  }

  @Test
  void metricsAreServedInPrometheusTextWithJvmAndProcessFigures() throws Exception {
    start(config(GreeterConfig.DEFAULT_GREETING));
    readGreeting(service.greetingPort());

    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    assertThat(response.body())
        .contains("# TYPE greeter_greetings_total counter")
        .contains("# TYPE greeter_connections_accepted_total counter")
        .contains("# TYPE greeter_connections_active gauge")
        .contains("jvm_memory_used_bytes")
        .contains("process_cpu_seconds_total")
        .contains("process_files_open_files")
        .contains("greeter_transport_info{transport=\"" + transport().label() + "\"} 1");
  }

  @Test
  void shutdownWhileClientsAreConnectingNeverCutsAGreeting() throws Exception {
    start(config(GreeterConfig.DEFAULT_GREETING));
    int port = service.greetingPort();
    int clients = 16;
    CountDownLatch busy = new CountDownLatch(clients * 20);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<java.util.concurrent.Future<int[]>> tallies = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      // Each client connects again and again until the listener is gone: {whole greetings, refused or empty}.
      tallies.add(pool.submit(connectUntilRefused(port, busy)));
    }
    try {
      assertThat(busy.await(20, TimeUnit.SECONDS)).isTrue();
      join(service.drain());

      int whole = 0;
      for (var tally : tallies) {
        whole += tally.get(20, TimeUnit.SECONDS)[0];
      }
      assertThat(whole).isGreaterThanOrEqualTo(clients * 20);
      assertThat(PrometheusText.parse(registry.scrape()).sum("greeter_greetings_total"))
          .as("every connection the server accepted was greeted in full")
          .isEqualTo(whole);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Counts whole greetings; a short greeting fails the client, refusal (or an unaccepted, empty connection) ends it. */
  private static Callable<int[]> connectUntilRefused(int port, CountDownLatch busy) {
    return () -> {
      int whole = 0;
      while (true) {
        byte[] got;
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
          socket.setSoTimeout(5000);
          got = socket.getInputStream().readAllBytes();
        } catch (IOException refusedOrReset) {
          return new int[] {whole};
        }
        if (got.length == 0) {
          return new int[] {whole};
        }
        assertThat(got).isEqualTo(GREETING);
        whole++;
        busy.countDown();
      }
    };
  }

  void start(ConfigYaml config) throws Exception {
    service = new GreeterService(vertx, TestConfig.parse(config), registry);
    join(service.start());
  }

  /** Two listeners on loopback greeting with {@code greeting}, on this class's transport. */
  ConfigYaml config(String greeting) {
    return TestConfig.loopback(transport())
        .with("greeting", greeting)
        .with("listeners", 2)
        .with("backlog", 1024)
        .with("drain_timeout", Duration.ofSeconds(5));
  }

  static byte[] readGreeting(int port) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      return socket.getInputStream().readAllBytes();
    }
  }

  /** Sockets listening on {@code port}, as the kernel lists them (state 0A is LISTEN; Java's sockets are IPv6 ones). */
  static long listeningSockets(int port) throws IOException {
    String local = String.format(":%04X", port);
    long count = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      count += Files.readAllLines(Path.of(table)).stream().skip(1)
          .map(line -> line.trim().split("\\s+"))
          .filter(fields -> fields[1].endsWith(local) && fields[3].equals("0A"))
          .count();
    }
    return count;
  }

  int status(String path) throws Exception {
    return get(path).statusCode();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return Http.get(Http.loopback(service.httpPort(), path), Duration.ofSeconds(5));
  }
}
