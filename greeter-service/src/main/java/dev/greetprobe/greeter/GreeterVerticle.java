package dev.greetprobe.greeter;

import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.concurrent.TimeUnit;

/** One greeting listener; several instances share the port, one per event loop. */
public final class GreeterVerticle extends VerticleBase {

  private final GreeterConfig config;
  private final GreeterMetrics metrics;
  private final AdmissionControl admission;
  private final TlsCertificates tls;
  private NetServer server;

  /** A plain greeter with no TLS, for callers that need only the greeting. */
  public GreeterVerticle(GreeterConfig config, GreeterMetrics metrics) {
    this(config, metrics, new AdmissionControl(config.access(), config.limits()), null);
  }

  public GreeterVerticle(GreeterConfig config, GreeterMetrics metrics, AdmissionControl admission, TlsCertificates tls) {
    this.config = config;
    this.metrics = metrics;
    this.admission = admission;
    this.tls = tls;
  }

  @Override
  public Future<?> start() {
    NetServerOptions options = new NetServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setAcceptBacklog(config.backlog())
        .setReuseAddress(true)
        .setUseProxyProtocol(config.proxyProtocol())
        .setProxyProtocolTimeout(config.limits().handshakeTimeout().toMillis())
        .setProxyProtocolTimeoutUnit(TimeUnit.MILLISECONDS);
    server = vertx.createNetServer(options)
        .connectHandler(new GreetingHandler(config.greeting(), metrics, admission, tls,
            config.limits().handshakeTimeout().toMillis(), config.logConnections()))
        .exceptionHandler(this::failedBeforeConnect);
    return server.listen();
  }

  /** A connection that failed before it reached the handler: with PROXY protocol on, a malformed header. */
  private void failedBeforeConnect(Throwable cause) {
    if (cause instanceof HAProxyProtocolException) {
      metrics.rejected(Rejection.PROXY_PROTOCOL, "a client", cause.getMessage());
    }
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
