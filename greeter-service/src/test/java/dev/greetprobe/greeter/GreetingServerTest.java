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
   * A loop busy with other sockets looks at its listener once a turn: taking one client a turn, the greeter fell
   * behind by dozens of clients a second on a loop shared with TLS handshakes.
   */
  @Test
  void eachTurnOfABusyLoopTakesABatchOfQueuedClients() throws Exception {
    GreeterVerticle greeter = GreeterVerticle.plain(new GreeterConfig("127.0.0.1", 0,
        GreeterConfig.DEFAULT_GREETING, 1, 1024, Duration.ofSeconds(1), false, new GreeterConfig.Http("127.0.0.1", 0)),
        registry);
    join(vertx.deployVerticle(greeter));
    EventLoop loop = (EventLoop) ((VertxInternal) vertx).nettyEventLoopGroup().next();
    CountDownLatch loopWaiting = new CountDownLatch(1);
    CountDownLatch clientsQueued = new CountDownLatch(1);
    CompletableFuture<Double> acceptedInOneTurn = new CompletableFuture<>();

    // The loop waits while clients connect, so that the kernel queues them all on the listener; a task scheduled then
    // runs after the loop's next look at its sockets.
    loop.execute(() -> {
      loopWaiting.countDown();
      awaitUninterruptibly(clientsQueued);
      loop.schedule(() -> acceptedInOneTurn.complete(metric(registry, "greeter_connections_accepted_total")),
          0, TimeUnit.NANOSECONDS);
    });
    awaitUninterruptibly(loopWaiting);
    int queued = 2 * GreetingServer.ACCEPTS_PER_TURN;
    for (int i = 0; i < queued; i++) {
      Socket client = new Socket();
      clients.add(client);
      client.connect(new InetSocketAddress("127.0.0.1", greeter.actualPort()), 5_000);
      client.setSoTimeout(5_000);
    }
    clientsQueued.countDown();

    assertThat(acceptedInOneTurn.get(10, TimeUnit.SECONDS)).as("clients accepted in the turn after they queued")
        .isEqualTo(GreetingServer.ACCEPTS_PER_TURN);
    for (Socket client : clients) {
      assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
          .isEqualTo(GreeterConfig.DEFAULT_GREETING);
    }
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
