package dev.greetprobe.greeter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The greeter's own meters; Vert.x adds {@code vertx_net_server_*} and the JVM ones. */
public final class GreeterMetrics {

  private final Counter greetings;

  public GreeterMetrics(MeterRegistry registry) {
    greetings = Counter.builder("greeter.greetings")
        .description("Greetings written in full to a client")
        .register(registry);
  }

  public void greeted() {
    greetings.increment();
  }
}
