package dev.greetprobe.greeter;

import dev.greetprobe.common.OpsHttpServer;
import dev.greetprobe.common.OpsRoutes;
import dev.greetprobe.greeter.config.GreeterConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.function.BooleanSupplier;

/** The HTTP endpoint operators and Kubernetes use: {@code /metrics}, {@code /health/live}, {@code /health/ready}. */
public final class OpsServer {

  private final Vertx vertx;
  private final GreeterConfig.Http config;
  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier ready;
  private OpsHttpServer server;

  public OpsServer(Vertx vertx, GreeterConfig.Http config, PrometheusMeterRegistry registry, BooleanSupplier ready) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
    this.ready = ready;
  }

  public Future<?> start() {
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, registry, ready);
    server = new OpsHttpServer(vertx, config.limits(), registry, router);
    return server.listen(config.port(), config.host());
  }

  public int actualPort() {
    return server.actualPort();
  }
}
