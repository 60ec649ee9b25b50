package dev.greetprobe.probe;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.probe.config.ConfigSource;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.testkit.Ports;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Clients that open the probe's HTTP port and never finish a request (slowloris) while the probe probes. */
class SlowHttpClientsTest {

  private static final int CAP = 8;
  private static final int ATTACKERS = 200;

  private final List<Socket> held = new ArrayList<>();
  private PrometheusMeterRegistry registry;
  private Vertx vertx;
  private ProbeService service;
  private int httpPort;

  @BeforeEach
  void start() throws Exception {
    registry = Instrumentation.registry();
    vertx = Instrumentation.vertx(registry, true);
    int greeterPort = TestGreeter.start(vertx, 1, registry);
    httpPort = Ports.free();
    String config = """
        http: {host: 127.0.0.1, port: %d, max_connections: %d, header_timeout: 2s}
        defaults: {interval: 200ms, timeout: 200ms}
        targets:
          - {name: greeter, address: '127.0.0.1:%d', expect: '^Thank You for Connecting$'}
        """.formatted(httpPort, CAP, greeterPort);
    service = new ProbeService(vertx, registry, new ConfigSource.Fixed(config, "test config", Map.of()), config);
    join(service.start());
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : held) {
      socket.close();
    }
    join(service.stop());
    join(vertx.close());
  }

  @Test
  void slowClientsHoldNoMoreThanTheCapWhileTheProbesGoOnSucceedingAndAreClosedAtTheHeaderTimeout()
      throws Exception {
    long descriptorsBefore = descriptors();

    int refused = 0;
    for (int i = 0; i < ATTACKERS; i++) {
      Socket socket = new Socket(InetAddress.getLoopbackAddress(), httpPort);
      socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      held.add(socket);
    }
    await().untilAsserted(() -> assertThat(refused("max_connections")).isEqualTo(ATTACKERS - CAP));
    for (Socket socket : held) {
      socket.setSoTimeout(1);
      refused += closedByServer(socket) ? 1 : 0;
    }
    Instant attacked = Instant.now();

    assertThat(refused).as("closed at once, past the cap").isEqualTo(ATTACKERS - CAP);
    assertThat(registry.get("http.connections.open").gauge().value()).isEqualTo(CAP);
    held.removeIf(Socket::isClosed);
    assertThat(descriptors() - descriptorsBefore).as("descriptors, both ends of each connection held")
        .isLessThanOrEqualTo(2L * CAP + 8);
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      ProbeResult last = service.scheduler().schedules().get(0).last();
      return last.success() && last.finishedAt().isAfter(attacked.plusSeconds(1));
    });
    await().untilAsserted(() -> assertThat(refused("header_timeout")).isEqualTo(CAP));
  }

  /** Whether the server has closed {@code socket}, which is then closed here too. */
  private static boolean closedByServer(Socket socket) throws IOException {
    try {
      if (socket.getInputStream().read() < 0) {
        socket.close();
        return true;
      }
    } catch (java.net.SocketTimeoutException open) {
      return false;
    } catch (SocketException reset) {
      socket.close();
      return true;
    }
    return false;
  }

  private double refused(String reason) {
    return registry.get("http.connections.refused").tag("reason", reason).counter().count();
  }

  private static long descriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
