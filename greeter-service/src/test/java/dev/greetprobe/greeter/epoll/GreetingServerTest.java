package dev.greetprobe.greeter.epoll;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.common.Transport;
import dev.greetprobe.greeter.GreeterService;
import dev.greetprobe.greeter.TestConfig;
import dev.greetprobe.greeter.config.GreeterConfig;
import dev.greetprobe.testkit.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class GreetingServerTest {

  private final PrometheusMeterRegistry registry = Instrumentation.registry();
  private final List<Socket> clients = new ArrayList<>();
  private Vertx vertx;

  @BeforeEach
  void oneEventLoop() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
  }

  @AfterEach
  void close() throws Exception {
    for (Socket client : clients) {
      client.close();
    }
    join(vertx.close());
  }

  /**
   * A loop busy with its clients' handshakes looks at its listener once a turn: taking one client a turn, the greeter
   * fell behind its queue.
   */
  @Test
  void eachTurnTakesABatchOfQueuedClientsWhenTheyStayOnTheLoop() throws Exception {
    int port = start(true);
    int queued = 2 * GreetingServer.ACCEPTS_PER_TURN;

    assertThat(acceptedInTheTurnAfter(port, queued)).as("clients accepted in the turn after they queued")
        .isEqualTo(GreetingServer.ACCEPTS_PER_TURN);
    for (Socket client : clients) {
      client.getOutputStream().write("PROXY TCP4 192.0.2.10 127.0.0.1 40000 12345\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
          .isEqualTo(GreeterConfig.DEFAULT_GREETING);
    }
  }

  /** A plain greeting's loop does nothing else: reading on to an empty queue would cost a call per connection. */
  @Test
  void aPlainGreetingTakesOneClientATurn() throws Exception {
    int port = start(false);

    assertThat(acceptedInTheTurnAfter(port, 4)).as("clients accepted in the turn after they queued").isEqualTo(1);
    for (Socket client : clients) {
      assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
          .isEqualTo(GreeterConfig.DEFAULT_GREETING);
    }
  }

  /** As with Netty's listeners: the wildcard IPv4 address is the dual-stack wildcard where the machine has IPv6. */
  @Test
  void onTheWildcardAddressIpv6ClientsAreGreetedToo() throws Exception {
    int port = start("0.0.0.0", false);

    for (String client : List.of("127.0.0.1", "::1")) {
      try (Socket socket = new Socket(client, port)) {
        socket.setSoTimeout(5_000);
        assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).as(client)
            .isEqualTo(GreeterConfig.DEFAULT_GREETING);
      }
    }
  }

  /**
   * Out of file descriptors, a listener cannot take the client at the head of its queue, and its loop would find it
   * ready again at once: it stops accepting for a while instead of spinning, then greets the client it could not take.
   */
  @Test
  void aListenerOutOfFileDescriptorsPausesThenGreetsTheClientItCouldNotTake() throws Exception {
    int port = start(false);
    EventLoop loop = (EventLoop) ((VertxInternal) vertx).nettyEventLoopGroup().next();
    long loopThread = loop.submit(() -> Thread.currentThread().getId()).get(10, TimeUnit.SECONDS);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long loopCpuBefore = threads.getThreadCpuTime(loopThread);
    String softLimit = openFilesSoftLimit();
    List<FileChannel> fillers = new ArrayList<>();
    Socket[] client = new Socket[1];
    long released = System.nanoTime();
    try {
      assertThat(acceptedInTheTurnAfter(() -> {
        client[0] = connect(port);
        setOpenFilesSoftLimit(Long.toString(openFileDescriptors() + 64));
        fillUpFileDescriptors(fillers);
      })).as("clients accepted without a file descriptor to take them").isZero();
    } finally {
      for (FileChannel filler : fillers) {
        filler.close();
      }
      setOpenFilesSoftLimit(softLimit);
    }

    assertThat(new String(client[0].getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
        .isEqualTo(GreeterConfig.DEFAULT_GREETING);
    assertThat(Duration.ofNanos(System.nanoTime() - released)).as("time until the client was greeted")
        .isGreaterThanOrEqualTo(Duration.ofMillis(DirectListener.PAUSE_AFTER_FAILED_ACCEPT_MILLIS));
    assertThat(Duration.ofNanos(threads.getThreadCpuTime(loopThread) - loopCpuBefore))
        .as("the loop's CPU time while it could not accept").isLessThan(Duration.ofMillis(500));
    assertThat(PrometheusText.parse(registry.scrape()).sum("greeter_greetings_total")).isEqualTo(1);
  }

  private int start(boolean proxyProtocol) throws Exception {
    return start("127.0.0.1", proxyProtocol);
  }

  private int start(String host, boolean proxyProtocol) throws Exception {
    GreeterConfig config = TestConfig.parse(TestConfig.loopback(Transport.EPOLL).with("host", host)
        .with("listeners", 1).with("backlog", 1024)
        .with("proxy_protocol", Map.of("enabled", proxyProtocol, "trusted", List.of("127.0.0.0/8", "::1"))));
    GreeterService greeter = new GreeterService(vertx, config, registry);
    join(greeter.start());
    return greeter.greetingPort();
  }

  /** Connects {@code queued} clients while the loop is held, and counts what its next turn accepted. */
  private double acceptedInTheTurnAfter(int port, int queued) throws Exception {
    return acceptedInTheTurnAfter(() -> {
      for (int i = 0; i < queued; i++) {
        connect(port);
      }
    });
  }

  /**
   * Holds the greeter's only loop while {@code whileHeld} runs (clients that connect then are all queued on the
   * listener by the kernel), then counts what the loop's next look at its sockets accepted: a task scheduled then runs
   * after it.
   */
  private double acceptedInTheTurnAfter(Executable whileHeld) throws Exception {
    EventLoop loop = (EventLoop) ((VertxInternal) vertx).nettyEventLoopGroup().next();
    CountDownLatch loopWaiting = new CountDownLatch(1);
    CountDownLatch released = new CountDownLatch(1);
    CompletableFuture<Double> accepted = new CompletableFuture<>();
    loop.execute(() -> {
      loopWaiting.countDown();
      awaitUninterruptibly(released);
      loop.schedule(() -> accepted.complete(
          PrometheusText.parse(registry.scrape()).sum("greeter_connections_accepted_total")),
          0, TimeUnit.NANOSECONDS);
    });
    awaitUninterruptibly(loopWaiting);
    try {
      whileHeld.execute();
    } catch (Throwable t) {
      throw new AssertionError("while the loop was held", t);
    } finally {
      released.countDown();
    }
    return accepted.get(10, TimeUnit.SECONDS);
  }

  private Socket connect(int port) throws IOException {
    Socket client = new Socket();
    clients.add(client);
    client.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    client.setSoTimeout(5_000);
    return client;
  }

  private static long openFileDescriptors() throws IOException {
    try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
      return open.count();
    }
  }

  /** Opens files until the process may open no more. */
  private static void fillUpFileDescriptors(List<FileChannel> fillers) {
    try {
      for (int i = 0; i < 10_000; i++) {
        fillers.add(FileChannel.open(Path.of("/dev/null")));
      }
    } catch (IOException tooManyOpenFiles) {
      return;
    }
    throw new IllegalStateException("10,000 files opened under a limit of 64 more");
  }

  private static String openFilesSoftLimit() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/limits")).stream()
        .filter(line -> line.startsWith("Max open files"))
        .map(line -> line.substring("Max open files".length()).trim().split("\\s+")[0])
        .findFirst().orElseThrow();
  }

  /** Through util-linux's prlimit, which every Debian has: the JDK cannot change its own limits. */
  private static void setOpenFilesSoftLimit(String limit) throws Exception {
    Process prlimit;
    try {
      prlimit = new ProcessBuilder("prlimit", "--pid", Long.toString(ProcessHandle.current().pid()),
          "--nofile=" + limit + ":").inheritIO().start();
    } catch (IOException e) {
      throw new AssertionError("prlimit is not installed: run `./test`, which installs it (Debian's package"
          + " util-linux) and then runs the tests", e);
    }
    assertThat(prlimit.waitFor(10, TimeUnit.SECONDS) && prlimit.exitValue() == 0)
        .as("prlimit --nofile=%s: finished and succeeded", limit).isTrue();
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("waited 10 s for the other side of the test");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
