package dev.greetprobe.greeter;

import static dev.greetprobe.greeter.GreeterTests.join;
import static dev.greetprobe.greeter.GreeterTests.metric;
import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.common.Instrumentation;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
   * fell behind by dozens of clients a second.
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

  private int start(boolean proxyProtocol) throws Exception {
    GreeterVerticle greeter = GreeterVerticle.plain(new GreeterConfig("127.0.0.1", 0,
        GreeterConfig.DEFAULT_GREETING, 1, 1024, Duration.ofSeconds(1), false, new GreeterConfig.Http("127.0.0.1", 0),
        null, GreeterConfig.Access.EVERYONE, GreeterConfig.Limits.DEFAULT, proxyProtocol), registry);
    join(vertx.deployVerticle(greeter));
    return greeter.actualPort();
  }

  /**
   * Holds the greeter's only loop while {@code queued} clients connect, so that the kernel queues them all on the
   * listener, then counts what the loop's next look at its sockets accepted: a task scheduled then runs after it.
   */
  private double acceptedInTheTurnAfter(int port, int queued) throws Exception {
    EventLoop loop = (EventLoop) ((VertxInternal) vertx).nettyEventLoopGroup().next();
    CountDownLatch loopWaiting = new CountDownLatch(1);
    CountDownLatch clientsQueued = new CountDownLatch(1);
    CompletableFuture<Double> accepted = new CompletableFuture<>();
    loop.execute(() -> {
      loopWaiting.countDown();
      awaitUninterruptibly(clientsQueued);
      loop.schedule(() -> accepted.complete(metric(registry, "greeter_connections_accepted_total")),
          0, TimeUnit.NANOSECONDS);
    });
    awaitUninterruptibly(loopWaiting);
    for (int i = 0; i < queued; i++) {
      Socket client = new Socket();
      clients.add(client);
      client.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      client.setSoTimeout(5_000);
    }
    clientsQueued.countDown();
    return accepted.get(10, TimeUnit.SECONDS);
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
