package dev.greetprobe.probe;

import static dev.greetprobe.probe.TestServers.join;

import dev.greetprobe.greeter.GreeterConfig;
import dev.greetprobe.greeter.GreeterVerticle;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;

/** The real greeter, on loopback and a free port, for the probe to probe. */
public final class TestGreeter {

  private TestGreeter() {
  }

  /** Deploys the greeter with {@code listeners} listeners; returns its port. */
  public static int start(Vertx vertx, int listeners, MeterRegistry registry) throws Exception {
    GreeterVerticle greeter = GreeterVerticle.plain(
        new GreeterConfig("127.0.0.1", 0, GreeterConfig.DEFAULT_GREETING, listeners, 1024, Duration.ofSeconds(1),
            false, new GreeterConfig.Http("127.0.0.1", 0)),
        registry);
    join(vertx.deployVerticle(greeter));
    return greeter.actualPort();
  }

  public static int start(Vertx vertx) throws Exception {
    return start(vertx, 1, new SimpleMeterRegistry());
  }
}
