package dev.greetprobe.greeter;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.common.Transport;
import dev.greetprobe.greeter.config.GreeterConfig;
import dev.greetprobe.testkit.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The greeter, with its production defaults (metrics on, one verticle per event loop, native transport), under
 * sustained and bursting load: every client gets the whole greeting, and nothing accumulates.
 */
@Tag("reliability")
abstract class GreeterReliabilityIT {

  /** The transport these tests run against. */
  abstract Transport transport();

  private static final byte[] GREETING = GreeterConfig.DEFAULT_GREETING.getBytes(StandardCharsets.US_ASCII);

  /** Descriptors and heap the JVM may legitimately gain over a run (JIT, class loading, pools that warm up). */
  private static final int FD_SLACK = 32;
  private static final long HEAP_SLACK_BYTES = 16L << 20;
  /** The first SYN retransmission comes after a second: a connection that long was dropped somewhere. */
  private static final Duration STUCK = Duration.ofSeconds(1);

  private PrometheusMeterRegistry registry;
  private Vertx vertx;
  private GreeterService service;

  @BeforeEach
  void startTheGreeterWithItsDefaults() throws Exception {
    registry = Instrumentation.registry();
    vertx = Instrumentation.vertx(registry, true);
    service = new GreeterService(vertx, TestConfig.parse(TestConfig.loopback(transport())), registry);
    join(service.start());
  }

  @AfterEach
  void stop() throws Exception {
    join(vertx.close());
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void twoHundredFiftySixClientsForThirtySecondsAllGetTheWholeGreetingAndNothingLeaks() throws Exception {
    LoadRun warmUp = load(256, Duration.ofSeconds(3));
    assertThat(warmUp.errors()).isZero();
    awaitIdle();
    long fdsBefore = openFileDescriptors();
    long heapBefore = heapAfterGc();

    LoadRun run = load(256, Duration.ofSeconds(30));

    assertThat(run.errors()).as("connections that failed: %s", run.firstError()).isZero();
    assertThat(run.wrong()).as("short or wrong greetings, first: %s", run.firstWrong()).isZero();
    assertThat(run.stuck()).as("connections that took a second or more: a dropped SYN waits that long").isZero();
    assertThat(run.whole()).as("whole greetings in 30 s").isGreaterThan(30_000);
    awaitIdle();
    assertThat(PrometheusText.parse(registry.scrape()).sum("greeter_greetings_total"))
        .isEqualTo(warmUp.whole() + run.whole());
    assertThat(openFileDescriptors()).as("open descriptors after the run, %d before it", fdsBefore)
        .isLessThanOrEqualTo(fdsBefore + FD_SLACK);
    assertThat(heapAfterGc()).as("heap after a full GC, %d MiB before the run", heapBefore >> 20)
        .isLessThanOrEqualTo(heapBefore + HEAP_SLACK_BYTES);
  }

  /**
   * A burst the lab's {@code listen(5)} could not take: every connect is issued before any greeting is read. The
   * accept backlog absorbs the burst; a SYN the kernel drops is retried, and the greeter still answers it.
   */
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void fiveThousandSimultaneousConnectionsAreEveryOneGreeted() throws Exception {
    int connections = 5_000;
    long limit = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
    assertThat(limit).as("this JVM's open-file limit: both ends of %d connections live in it; raise it with"
        + " `ulimit -n 65536` before running the tests", connections).isGreaterThan(2L * connections + 1_000);
    Vertx clients = Vertx.vertx();
    try {
      NetClient client = clients.createNetClient(new NetClientOptions().setConnectTimeout(30_000));
      int port = service.greetingPort();
      List<Future<Buffer>> received = IntStream.range(0, connections)
          .mapToObj(i -> client.connect(port, "127.0.0.1").compose(socket -> {
            Buffer bytes = Buffer.buffer();
            Promise<Buffer> whole = Promise.promise();
            socket.handler(bytes::appendBuffer);
            socket.closeHandler(closed -> whole.complete(bytes));
            return whole.future();
          }))
          .toList();

      join(Future.all(received), Duration.ofSeconds(60));

      assertThat(received).allSatisfy(f -> assertThat(f.result().getBytes()).isEqualTo(GREETING));
      awaitIdle();
      assertThat(PrometheusText.parse(registry.scrape()).sum("greeter_greetings_total")).isEqualTo(connections);
      assertThat(PrometheusText.parse(registry.scrape()).sum("greeter_connections_rejected_total")).isZero();
    } finally {
      join(clients.close());
    }
  }

  /** What a run of clients saw. */
  private record LoadRun(long whole, long wrong, long errors, long stuck, String firstWrong, String firstError) {
  }

  /**
   * {@code clients} threads, each connecting again and again until {@code duration} has passed: connect, read to
   * the end, compare with the greeting, close. The run's length is the load's, not a wait for something to happen.
   */
  private LoadRun load(int clients, Duration duration) throws Exception {
    int port = service.greetingPort();
    long deadline = System.nanoTime() + duration.toNanos();
    AtomicLong whole = new AtomicLong();
    AtomicLong wrong = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong stuck = new AtomicLong();
    List<String> firstWrong = new ArrayList<>(1);
    List<String> firstError = new ArrayList<>(1);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<java.util.concurrent.Future<?>> running = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        running.add(pool.submit(() -> {
          while (System.nanoTime() < deadline) {
            long start = System.nanoTime();
            try (Socket socket = new Socket()) {
              socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
              socket.setSoTimeout(5_000);
              byte[] got = socket.getInputStream().readAllBytes();
              if (Arrays.equals(got, GREETING)) {
                whole.incrementAndGet();
              } else if (wrong.incrementAndGet() == 1) {
                firstWrong.add(new String(got, StandardCharsets.UTF_8));
              }
            } catch (IOException e) {
              if (errors.incrementAndGet() == 1) {
                firstError.add(e.toString());
              }
            }
            if (System.nanoTime() - start >= STUCK.toNanos()) {
              stuck.incrementAndGet();
            }
          }
        }));
      }
      for (var client : running) {
        client.get(duration.toSeconds() + 30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return new LoadRun(whole.get(), wrong.get(), errors.get(), stuck.get(), firstWrong.stream().findFirst().orElse(null),
        firstError.stream().findFirst().orElse(null));
  }

  private void awaitIdle() {
    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(PrometheusText.parse(registry.scrape()).sum("greeter_connections_active"))
            .isZero());
  }

  private static long openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** Heap in use once a full collection has run: what the process holds on to. */
  private static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
