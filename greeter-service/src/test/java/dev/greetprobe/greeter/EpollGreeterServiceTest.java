package dev.greetprobe.greeter;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.common.Transport;
import dev.greetprobe.greeter.config.GreeterConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

class EpollGreeterServiceTest extends GreeterServiceTest {

  @Override
  Transport transport() {
    return Transport.EPOLL;
  }

  @Override
  int listeningSocketsOfTwoListeners() {
    return 2;
  }

  @Test
  void everyEventLoopAcceptsOnAListeningSocketOfItsOwn() throws Exception {
    start(config(GreeterConfig.DEFAULT_GREETING));

    assertThat(listeningSockets(service.greetingPort())).as("SO_REUSEPORT listeners, one per loop").isEqualTo(2);
    for (int i = 0; i < 100; i++) {
      assertThat(readGreeting(service.greetingPort())).isEqualTo(GREETING);
    }
  }

  /** Refused rather than served some other way: an operator who asks for epoll is told it is not what runs. */
  @Test
  void withoutNativeEpollItRefusesToStartAndSaysWhy() throws Exception {
    PrometheusMeterRegistry nioRegistry = Instrumentation.registry();
    Vertx nio = Instrumentation.vertx(nioRegistry, false);
    try {
      service = new GreeterService(nio, TestConfig.parse(config(GreeterConfig.DEFAULT_GREETING)), nioRegistry);

      assertThatThrownBy(() -> join(service.start()))
          .hasRootCauseMessage("transport: epoll needs Vert.x on Linux's native epoll transport, but Vert.x runs"
              + " without its native transport; use transport: vertx");
      assertThat(status("/health/ready")).as("the metrics endpoint stays up, not ready").isEqualTo(503);
    } finally {
      join(nio.close());
    }
  }
}
