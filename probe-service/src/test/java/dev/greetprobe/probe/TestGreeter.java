package dev.greetprobe.probe;

import static dev.greetprobe.testkit.Futures.join;

import dev.greetprobe.common.ConfigDocument;
import dev.greetprobe.greeter.GreeterConfig;
import dev.greetprobe.greeter.GreeterVerticle;
import dev.greetprobe.testkit.ConfigYaml;
import dev.greetprobe.testkit.LoopbackConfigs;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;

/** The real greeter, on loopback and a free port, for the probe to probe. */
public final class TestGreeter {

  private TestGreeter() {
  }

  /** Deploys the greeter with {@code listeners} listeners; returns its port. */
  public static int start(Vertx vertx, int listeners, MeterRegistry registry) throws Exception {
    GreeterVerticle greeter = GreeterVerticle.plain(config(LoopbackConfigs.greeter().with("listeners", listeners)
        .with("backlog", 1024).with("drain_timeout", Duration.ofSeconds(1))), registry);
    join(vertx.deployVerticle(greeter));
    return greeter.actualPort();
  }

  public static int start(Vertx vertx) throws Exception {
    return start(vertx, 1, new SimpleMeterRegistry());
  }

  /** {@code yaml} read by the greeter's own parser, as its config file is, without the environment's overrides. */
  public static GreeterConfig config(ConfigYaml yaml) {
    return GreeterConfig.from(ConfigDocument.parse(yaml.text(), "test greeter config"), Map.of());
  }
}
