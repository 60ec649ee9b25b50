package dev.greetprobe.deploy;

import static dev.greetprobe.deploy.SystemProcesses.STARTUP;
import static dev.greetprobe.deploy.SystemProcesses.jar;
import static dev.greetprobe.deploy.SystemProcesses.startJar;
import static dev.greetprobe.testkit.Ports.freeTcpAndUdp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.testkit.ChildProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGTERM, as Kubernetes stops a pod, to both services while they are busy: each drains and exits 0 within its
 * drain timeout, and no client of the greeter gets part of a greeting.
 */
@Tag("reliability")
class ShutdownIT {

  private static final byte[] GREETING = "Thank You for Connecting".getBytes(StandardCharsets.US_ASCII);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
  /** Beyond the drain: closing Vert.x and the JVM's exit. */
  private static final Duration EXIT_MARGIN = Duration.ofSeconds(3);
  private static final int CLIENTS = 64;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void sigtermUnderLoadDrainsBothServicesAndCutsNoGreeting() throws Exception {
    Path work = SystemProcesses.workDirectory("shutdown-it");
    int greeterPort = freeTcpAndUdp();
    int greeterHttpPort = freeTcpAndUdp();
    Path greeterConfig = Files.writeString(work.resolve("greeter.yaml"), """
        host: 127.0.0.1
        port: %d
        drain_timeout: %ds
        http: {host: 127.0.0.1, port: %d}
        """.formatted(greeterPort, DRAIN_TIMEOUT.toSeconds(), greeterHttpPort));
    int probeHttpPort = freeTcpAndUdp();
    StringBuilder probeConfig = new StringBuilder("""
        http: {host: 127.0.0.1, port: %d}
        defaults: {interval: 100ms, timeout: 100ms}
        targets:
        """.formatted(probeHttpPort));
    for (int i = 0; i < 100; i++) {
      probeConfig.append("  - {name: greeter-%d, address: '127.0.0.1:%d', expect: 'Connecting$'}\n"
          .formatted(i, greeterPort));
    }
    Path probeYaml = Files.writeString(work.resolve("probe.yaml"), probeConfig);

    try (ChildProcess greeter = startJar("greeter", jar("greeter.jar"), greeterConfig, work.resolve("greeter.log"));
         ChildProcess probe = startJar("probe", jar("probe.jar"), probeYaml, work.resolve("probe.log"))) {
      greeter.awaitReady("http://127.0.0.1:" + greeterHttpPort + "/health/ready", STARTUP);
      probe.awaitReady("http://127.0.0.1:" + probeHttpPort + "/health/ready", STARTUP);

      CountDownLatch busy = new CountDownLatch(5_000);
      AtomicLong whole = new AtomicLong();
      List<String> cut = new CopyOnWriteArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      try {
        List<Future<?>> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
          clients.add(pool.submit(() -> connectUntilRefused(greeterPort, busy, whole, cut)));
        }
        assertThat(busy.await(30, TimeUnit.SECONDS)).as("5,000 greetings before the signal").isTrue();

        long signalled = System.nanoTime();
        greeter.signalTerm();
        probe.signalTerm();
        int greeterExit = greeter.awaitExit(DRAIN_TIMEOUT.plus(EXIT_MARGIN));
        int probeExit = probe.awaitExit(DRAIN_TIMEOUT.plus(EXIT_MARGIN));
        Duration took = Duration.ofNanos(System.nanoTime() - signalled);

        assertThat(greeterExit).as("greeter's exit code; its output:%n%s", greeter.output()).isZero();
        assertThat(probeExit).as("probe's exit code; its output:%n%s", probe.output()).isZero();
        assertThat(took).as("both gone after SIGTERM").isLessThanOrEqualTo(DRAIN_TIMEOUT.plus(EXIT_MARGIN));
        for (Future<?> client : clients) {
          client.get(20, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(cut).as("connections that got part of a greeting, or something else").isEmpty();
      assertThat(whole.get()).isGreaterThanOrEqualTo(5_000);
    }
  }

  /**
   * Connects again and again until the listener is gone. A refused connect, or a connection the closing listener
   * reset before accepting it, ends the client; bytes that are not the whole greeting are a cut greeting.
   */
  private static void connectUntilRefused(int port, CountDownLatch busy, AtomicLong whole, List<String> cut) {
    while (true) {
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        socket.setSoTimeout(10_000);
        socket.getInputStream().transferTo(got);
      } catch (IOException refusedOrReset) {
        if (got.size() > 0) {
          cut.add(got.toString(StandardCharsets.UTF_8) + " (then " + refusedOrReset + ")");
        }
        return;
      }
      if (got.size() == 0) {
        return;
      }
      if (!Arrays.equals(got.toByteArray(), GREETING)) {
        cut.add(got.toString(StandardCharsets.UTF_8));
        return;
      }
      whole.incrementAndGet();
      busy.countDown();
    }
  }
}
