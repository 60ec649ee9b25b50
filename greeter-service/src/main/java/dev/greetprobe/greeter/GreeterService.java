package dev.greetprobe.greeter;

import dev.greetprobe.common.EventLoopPool;
import dev.greetprobe.common.Transport;
import dev.greetprobe.greeter.admission.AdmissionControl;
import dev.greetprobe.greeter.admission.OpenConnections;
import dev.greetprobe.greeter.config.GreeterConfig;
import dev.greetprobe.greeter.epoll.EpollGreeterVerticle;
import dev.greetprobe.greeter.metrics.GreeterMetrics;
import dev.greetprobe.greeter.tls.TlsCertificates;
import dev.greetprobe.greeter.vertx.GreeterVerticle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The greeter as a whole: the HTTP endpoint first (so probes see "not ready" rather than nothing), then the greeting
 * port on the configured transport; {@link #drain()} takes it out of service in the opposite order.
 */
public final class GreeterService {

  private final Vertx vertx;
  private final GreeterConfig config;
  private final GreeterMetrics metrics;
  private final AdmissionControl admission;
  private final OpenConnections connections = new OpenConnections();
  private final TlsCertificates tls;
  private final OpsServer ops;
  private final AtomicBoolean ready = new AtomicBoolean();
  private int port;
  private String deploymentId;

  public GreeterService(Vertx vertx, GreeterConfig config, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = new GreeterMetrics(registry, connections::count, config.transport());
    this.admission = new AdmissionControl(config.admission(), connections, metrics);
    this.tls = config.tls() == null ? null
        : new TlsCertificates(vertx, config.tls(), metrics);
    this.ops = new OpsServer(vertx, config.http(), registry, ready::get);
  }

  /** Serves metrics and health, then the greeting port; ready stays false until the greeting port listens. */
  public Future<Void> start() {
    return ops.start().compose(v -> startGreeting());
  }

  private Future<Void> startGreeting() {
    return (tls == null ? Future.<Void>succeededFuture() : tls.start())
        .compose(v -> deployGreeting())
        .onSuccess(id -> {
          deploymentId = id;
          ready.set(true);
        })
        .mapEmpty();
  }

  private Future<String> deployGreeting() {
    return vertx.executeBlocking(() -> GreetingAddress.claim(config.host(), config.port())).compose(address -> {
      port = address.getPort();
      if (config.transport() == Transport.EPOLL) {
        return vertx.deployVerticle(new EpollGreeterVerticle(address, config.listening(), config.connection(),
            metrics, admission, connections, tls));
      }
      int listeners = config.listeners() > 0 ? config.listeners() : EventLoopPool.PER_CORE.size();
      return vertx.deployVerticle(() -> new GreeterVerticle(port, config.listening(), config.connection(), metrics,
          admission, connections, tls), new DeploymentOptions().setInstances(listeners));
    });
  }

  /**
   * Readiness goes false at once, the listener closes, and connections in flight get the drain timeout to finish.
   * The HTTP endpoint stays up, so the drain can be watched; closing Vert.x closes it.
   */
  public Future<Void> drain() {
    ready.set(false);
    if (tls != null) {
      tls.stop();
    }
    return deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId);
  }

  public int greetingPort() {
    return port;
  }

  public int httpPort() {
    return ops.actualPort();
  }
}
