package dev.greetprobe.greeter;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.concurrent.TimeUnit;

/** One greeting listener; several instances share the port, one per event loop. */
public final class GreeterVerticle extends VerticleBase {

  private final GreeterConfig config;
  private final GreeterMetrics metrics;
  private NetServer server;

  public GreeterVerticle(GreeterConfig config, GreeterMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    NetServerOptions options = new NetServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setAcceptBacklog(config.backlog())
        .setReuseAddress(true);
    server = vertx.createNetServer(options)
        .connectHandler(new GreetingHandler(config.greeting(), metrics, config.logConnections()));
    return server.listen();
  }

  /** Stops accepting, then gives connections in flight the drain timeout to finish. */
  @Override
  public Future<?> stop() {
    return server.shutdown(config.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The bound port (useful when the config asks for port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
