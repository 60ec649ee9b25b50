package dev.greetprobe.greeter.epoll;

import dev.greetprobe.greeter.AdmissionControl;
import dev.greetprobe.greeter.GreeterConfig;
import dev.greetprobe.greeter.GreeterMetrics;
import dev.greetprobe.greeter.OpenConnections;
import dev.greetprobe.greeter.TlsCertificates;
import dev.greetprobe.greeter.Transport;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * The greeting port on the {@code epoll} transport: one verticle that opens a listener on every event loop
 * ({@link GreetingServer}), listening from start, drained on stop.
 */
public final class EpollGreeterVerticle extends VerticleBase {

  private final GreeterConfig config;
  private final GreeterMetrics metrics;
  private final AdmissionControl admission;
  private final OpenConnections connections;
  private final TlsCertificates tls;
  private GreetingServer server;

  /** A plain greeter with no TLS, for callers that need only the greeting. */
  public static EpollGreeterVerticle plain(GreeterConfig config, MeterRegistry registry) {
    OpenConnections connections = new OpenConnections();
    GreeterMetrics metrics = new GreeterMetrics(registry, connections, Transport.EPOLL);
    return new EpollGreeterVerticle(config, metrics, new AdmissionControl(config, connections, metrics), connections,
        null);
  }

  public EpollGreeterVerticle(GreeterConfig config, GreeterMetrics metrics, AdmissionControl admission,
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
