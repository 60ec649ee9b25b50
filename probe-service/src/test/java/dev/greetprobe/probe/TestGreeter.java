package dev.greetprobe.probe;

import static dev.greetprobe.testkit.Futures.join;

import dev.greetprobe.common.ConfigDocument;
import dev.greetprobe.common.Transport;
import dev.greetprobe.greeter.admission.AdmissionControl;
import dev.greetprobe.greeter.admission.OpenConnections;
import dev.greetprobe.greeter.config.GreeterConfig;
import dev.greetprobe.greeter.metrics.GreeterMetrics;
import dev.greetprobe.greeter.vertx.GreeterVerticle;
import dev.greetprobe.testkit.ConfigYaml;
import dev.greetprobe.testkit.LoopbackConfigs;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;

/** The real greeter, on loopback and a free port, for the probe to probe. */
public final class TestGreeter {

  private TestGreeter() {
  }

  /**
   * Deploys the greeter's {@code vertx} transport with {@code listeners} Vert.x servers sharing a free port, its meters
   * in {@code registry}; returns the port.
   */
  public static int start(Vertx vertx, int listeners, MeterRegistry registry) throws Exception {
    GreeterConfig config = config(LoopbackConfigs.greeter().with("listeners", listeners)
        .with("backlog", 1024).with("drain_timeout", Duration.ofSeconds(1)));
    OpenConnections connections = new OpenConnections();
    GreeterMetrics metrics = new GreeterMetrics(registry, connections::count, Transport.VERTX);
    AdmissionControl admission = new AdmissionControl(config.admission(), connections, metrics);
    join(vertx.deployVerticle(() -> new GreeterVerticle(config.port(), config.listening(), config.connection(),
        metrics, admission, connections, null), new DeploymentOptions().setInstances(listeners)));
    return config.port();
  }

  public static int start(Vertx vertx) throws Exception {
    return start(vertx, 1, new SimpleMeterRegistry());
  }

  /** {@code yaml} read by the greeter's own parser, as its config file is, without the environment's overrides. */
  public static GreeterConfig config(ConfigYaml yaml) {
    return GreeterConfig.from(ConfigDocument.parse(yaml.text(), "test greeter config"), Map.of());
  }
}
