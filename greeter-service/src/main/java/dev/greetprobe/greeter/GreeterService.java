package dev.greetprobe.greeter;

import dev.greetprobe.common.Instrumentation;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The greeter as a whole: the HTTP endpoint first (so probes see "not ready" rather than nothing), then the greeting
 * verticles; {@link #drain()} takes it out of service in the opposite order.
 */
public final class GreeterService {

  private final Vertx vertx;
  private final GreeterConfig config;
  private final GreeterMetrics metrics;
  private final AdmissionControl admission;
  private final TlsCertificates tls;
  private final OpsServer ops;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final List<GreeterVerticle> verticles = new CopyOnWriteArrayList<>();
  private String deploymentId;

  public GreeterService(Vertx vertx, GreeterConfig config, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = new GreeterMetrics(registry);
    this.admission = new AdmissionControl(config.access(), config.limits());
    this.tls = config.tls() == null ? null
        : new TlsCertificates(vertx, config.tls(), metrics);
    this.ops = new OpsServer(vertx, config.http(), registry, ready::get);
  }

  public Future<Void> start() {
    return startHttp().compose(v -> startGreeting());
  }

  /** Serves metrics and health; ready stays false until {@link #startGreeting()} completes. */
  public Future<Void> startHttp() {
    return ops.start().mapEmpty();
  }

  public Future<Void> startGreeting() {
    int instances = config.instances() > 0 ? config.instances() : Instrumentation.EVENT_LOOPS;
    return (tls == null ? Future.<Void>succeededFuture() : tls.start())
        .compose(v -> vertx.deployVerticle(() -> {
          GreeterVerticle verticle = new GreeterVerticle(config, metrics, admission, tls);
          verticles.add(verticle);
          return verticle;
        }, new DeploymentOptions().setInstances(instances)))
        .onSuccess(id -> {
          deploymentId = id;
          ready.set(true);
        })
        .mapEmpty();
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

  public boolean isReady() {
    return ready.get();
  }

  public int greetingPort() {
    return verticles.get(0).actualPort();
  }

  public int httpPort() {
    return ops.actualPort();
  }
}
