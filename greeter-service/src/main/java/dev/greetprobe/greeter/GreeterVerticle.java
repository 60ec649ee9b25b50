package dev.greetprobe.greeter;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** The greeting port's lifecycle: listening from start, drained on stop. */
public final class GreeterVerticle extends VerticleBase {

  private final GreeterConfig config;
  private final GreeterMetrics metrics;
  private final AdmissionControl admission;
  private final OpenConnections connections;
  private final TlsCertificates tls;
  private GreetingServer server;

  /** A plain greeter with no TLS, for callers that need only the greeting. */
  public static GreeterVerticle plain(GreeterConfig config, MeterRegistry registry) {
    OpenConnections connections = new OpenConnections();
    GreeterMetrics metrics = new GreeterMetrics(registry, connections);
    return new GreeterVerticle(config, metrics, new AdmissionControl(config, connections, metrics), connections, null);
  }

  public GreeterVerticle(GreeterConfig config, GreeterMetrics metrics, AdmissionControl admission,
      OpenConnections connections, TlsCertificates tls) {
    this.config = config;
    this.metrics = metrics;
    this.admission = admission;
    this.connections = connections;
    this.tls = tls;
  }

  @Override
  public Future<?> start() {
    server = new GreetingServer(vertx, config, metrics, admission, connections, tls);
    return server.listen();
  }

  /** Stops accepting, then gives connections in flight the drain timeout to finish. */
  @Override
  public Future<?> stop() {
    return server.shutdown(config.drainTimeout());
  }

  /** The bound port (useful when the config asks for port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
