package dev.greetprobe.greeter;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.common.Transport;
import dev.greetprobe.greeter.config.GreeterConfig;
import dev.greetprobe.testkit.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

class VertxGreeterServiceTest extends GreeterServiceTest {

  @Override
  Transport transport() {
    return Transport.VERTX;
  }

  /** The verticles share one Vert.x server, whose listener hands each connection to a verticle's loop. */
  @Override
  int listeningSocketsOfTwoListeners() {
    return 1;
  }

  @Test
  void onTheNioTransportOneListenerGreetsForEveryLoop() throws Exception {
    PrometheusMeterRegistry nioRegistry = Instrumentation.registry();
    Vertx nio = Instrumentation.vertx(nioRegistry, false);
    try {
      GreeterService greeter = new GreeterService(nio, TestConfig.parse(config(GreeterConfig.DEFAULT_GREETING)),
          nioRegistry);
      join(greeter.start());

      assertThat(listeningSockets(greeter.greetingPort())).isEqualTo(1);
      for (int i = 0; i < 20; i++) {
        assertThat(readGreeting(greeter.greetingPort())).isEqualTo(GREETING);
      }
      await().untilAsserted(() -> assertThat(PrometheusText.parse(nioRegistry.scrape()).sum("greeter_greetings_total"))
          .isEqualTo(20));
    } finally {
      join(nio.close());
    }
  }

  @Test
  void vertxsNetServerMetricsAreServedWithoutAnAddressLabel() throws Exception {
    start(config(GreeterConfig.DEFAULT_GREETING));
    for (int i = 0; i < 3; i++) {
      readGreeting(service.greetingPort());
    }

    await().untilAsserted(() -> assertThat(PrometheusText.parse(registry.scrape())
        .sum("vertx_net_server_active_connections")).isZero());
    assertThat(registry.scrape().lines().filter(line -> line.startsWith("vertx_net_server_")))
        .as("vertx_net_server_* series")
        .isNotEmpty()
        .noneMatch(line -> line.contains("127.0.0.1") || line.contains("local=") || line.contains("remote="));
    assertThat(PrometheusText.parse(registry.scrape()).sum("vertx_net_server_bytes_written_total"))
        .isEqualTo(3 * GREETING.length);
  }
}
