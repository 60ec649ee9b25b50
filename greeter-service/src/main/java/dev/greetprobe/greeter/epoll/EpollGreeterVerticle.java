package dev.greetprobe.greeter.epoll;

import dev.greetprobe.greeter.admission.AdmissionControl;
import dev.greetprobe.greeter.admission.OpenConnections;
import dev.greetprobe.greeter.config.GreeterConfig;
import dev.greetprobe.greeter.metrics.GreeterMetrics;
import dev.greetprobe.greeter.tls.TlsCertificates;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.net.InetSocketAddress;

/**
 * The greeting port on the {@code epoll} transport: one verticle that opens a listener on every event loop
 * ({@link GreetingServer}), listening from start, drained on stop.
 */
public final class EpollGreeterVerticle extends VerticleBase {

  private final InetSocketAddress address;
  private final GreeterConfig.Listening config;
  private final GreeterConfig.Connection connection;
  private final GreeterMetrics metrics;
  private final AdmissionControl admission;
  private final OpenConnections connections;
  private final TlsCertificates tls;
  private GreetingServer server;

  /** Listens on {@code address}, which the caller has claimed, so that port 0 is one port for every listener. */
  public EpollGreeterVerticle(InetSocketAddress address, GreeterConfig.Listening config,
      GreeterConfig.Connection connection, GreeterMetrics metrics, AdmissionControl admission,
      OpenConnections connections, TlsCertificates tls) {
    this.address = address;
    this.config = config;
    this.connection = connection;
    this.metrics = metrics;
    this.admission = admission;
    this.connections = connections;
    this.tls = tls;
  }

  @Override
  public Future<?> start() {
    server = new GreetingServer(vertx, address, config, connection, metrics, admission, connections, tls);
    return server.listen();
  }

  /** Stops accepting, then gives connections in flight the drain timeout to finish. */
  @Override
  public Future<?> stop() {
    return server.shutdown(config.drainTimeout());
  }
}
