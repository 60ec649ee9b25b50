package dev.greetprobe.probe;

import dev.greetprobe.common.Durations;
import dev.greetprobe.common.Instrumentation;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The probe's HTTP endpoint: {@code /metrics}, {@code /health/live}, {@code /health/ready}, {@code /targets} (JSON),
 * {@code POST /-/reload}, and {@code /probe?target=host:port}, a one-off probe answered in Prometheus text the way
 * blackbox_exporter does.
 */
public final class ProbeHttpServer {

  private static final Duration MAX_ONE_OFF_TIMEOUT = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final ProbeConfig.Http config;
  private final PrometheusMeterRegistry registry;
  private final ProbeScheduler scheduler;
  private final Prober prober;
  private final Reloader reloader;
  private final BooleanSupplier ready;
  private HttpServer server;

  public ProbeHttpServer(Vertx vertx, ProbeConfig.Http config, PrometheusMeterRegistry registry,
      ProbeScheduler scheduler, Prober prober, Reloader reloader, BooleanSupplier ready) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
    this.scheduler = scheduler;
    this.prober = prober;
    this.reloader = reloader;
    this.ready = ready;
  }

  public Future<HttpServer> start() {
    Router router = Router.router(vertx);
    Instrumentation.mountOpsRoutes(router, registry, ready);
    router.get("/targets").handler(this::targets);
    router.post("/-/reload").handler(this::reload);
    router.get("/probe").handler(this::probe);
    server = vertx.createHttpServer(Instrumentation.httpOptions()).requestHandler(router);
    return server.listen(config.port(), config.host());
  }

  public int actualPort() {
    return server.actualPort();
  }

  /** This shard's targets; the others' are only counted, each shard showing its own. */
  private void targets(RoutingContext ctx) {
    ShardAssignment assignment = reloader.assignment();
    JsonArray list = new JsonArray();
    scheduler.schedules().forEach(s -> list.add(TargetJson.of(s.target(), s.last())));
    JsonObject body = new JsonObject()
        .put("transport", reloader.running().transport().label())
        .put("shard", shard(assignment.shard()))
        .put("elsewhere", assignment.elsewhere())
        .put("targets", list);
    ctx.response().putHeader("content-type", "application/json").end(body.encodePrettily());
  }

  private void reload(RoutingContext ctx) {
    reloader.reload("POST /-/reload").onComplete(done -> {
      if (done.failed()) {
        text(ctx, 503, done.cause().getMessage());
      } else if (done.result() instanceof Reloader.Applied applied) {
        ctx.response().putHeader("content-type", "application/json").end(summary(applied).encodePrettily());
      } else {
        text(ctx, 400, ((Reloader.Refused) done.result()).reason());
      }
    });
  }

  private static JsonObject summary(Reloader.Applied applied) {
    ProbeScheduler.Diff diff = applied.diff();
    return new JsonObject()
        .put("added", new JsonArray(diff.added()))
        .put("changed", new JsonArray(diff.changed()))
        .put("removed", new JsonArray(diff.removed()))
        .put("unchanged", diff.unchanged())
        .put("restart_required", new JsonArray(applied.restartRequired()))
        .put("shard", shard(applied.assignment().shard()))
        .put("targets", applied.assignment().held().size())
        .put("elsewhere", applied.assignment().elsewhere())
        .put("sha256", applied.sha256());
  }

  private static JsonObject shard(Shard shard) {
    return new JsonObject().put("index", shard.index()).put("count", shard.count());
  }

  private static void text(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8").end(message + "\n");
  }

  private void probe(RoutingContext ctx) {
    Target target;
    try {
      target = oneOffTarget(ctx);
    } catch (IllegalArgumentException e) {
      text(ctx, 400, e.getMessage());
      return;
    }
    prober.probe(target).onSuccess(result ->
        ctx.response().putHeader("content-type", Instrumentation.TEXT_FORMAT).end(ProbeMetrics.oneOff(target, result)));
  }

  private static Target oneOffTarget(RoutingContext ctx) {
    String address = ctx.request().getParam("target");
    if (address == null || address.isEmpty()) {
      throw new IllegalArgumentException("target parameter is missing (as in /probe?target=host:port)");
    }
    HostPort hostPort;
    try {
      hostPort = HostPort.parse(address);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("target: " + e.getMessage());
    }
    Pattern expect = null;
    String regex = ctx.request().getParam("expect");
    if (regex != null) {
      try {
        expect = Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("expect: not a regular expression: " + e.getDescription());
      }
    }
    Duration timeout = Duration.ofSeconds(5);
    String timeoutText = ctx.request().getParam("timeout");
    if (timeoutText != null) {
      try {
        timeout = Durations.parse(timeoutText);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("timeout: " + e.getMessage());
      }
      if (timeout.isZero() || timeout.compareTo(MAX_ONE_OFF_TIMEOUT) > 0) {
        throw new IllegalArgumentException("timeout: must be above 0 and at most " + Durations.format(MAX_ONE_OFF_TIMEOUT));
      }
    }
    boolean tls = "true".equals(ctx.request().getParam("tls"));
    return new Target("probe", hostPort, expect, null,
        tls ? new Target.Tls(hostPort.host(), null, false) : null, IpProtocol.AUTO, timeout, timeout);
  }
}
