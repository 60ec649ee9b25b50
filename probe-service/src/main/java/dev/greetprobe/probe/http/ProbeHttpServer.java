package dev.greetprobe.probe.http;

import dev.greetprobe.common.Exposition;
import dev.greetprobe.common.OpsRoutes;
import dev.greetprobe.common.ScrapeBody;
import dev.greetprobe.probe.config.Membership;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.config.Shard;
import dev.greetprobe.probe.config.ShardAssignment;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.config.TargetFactory;
import dev.greetprobe.probe.metrics.ProbeMetrics;
import dev.greetprobe.probe.net.Prober;
import dev.greetprobe.probe.schedule.PeerWatcher;
import dev.greetprobe.probe.schedule.ProbeScheduler;
import dev.greetprobe.probe.schedule.Reloader;
import dev.greetprobe.probe.schedule.TargetSchedule;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The probe's HTTP endpoint: {@code /} (the {@link StatusPage}), {@code /metrics}, {@code /health/live},
 * {@code /health/ready}, {@code /targets} (JSON), {@code POST /-/reload}, and {@code /probe?target=host:port}, a one-off
 * probe answered the way blackbox_exporter answers.
 */
public final class ProbeHttpServer {

  private final Vertx vertx;
  private final ProbeConfig.Http config;
  private final ProbeConfig.ProbeEndpoint endpoint;
  /** One-off probes running, counted from whichever event loop a request arrives on. */
  private final AtomicInteger oneOffProbes = new AtomicInteger();
  private final Exposition exposition;
  private final ProbeScheduler scheduler;
  private final Prober prober;
  private final Reloader reloader;
  /** The live peers as this instance sees them, or null with a fixed shard. */
  private final Supplier<PeerWatcher.Status> peers;
  private final BooleanSupplier ready;
  private final StatusPage status;
  private HttpServer server;

  public ProbeHttpServer(Vertx vertx, ProbeConfig.Http config, ProbeConfig.ProbeEndpoint endpoint,
      Exposition exposition, ProbeScheduler scheduler, Prober prober, Reloader reloader,
      Supplier<PeerWatcher.Status> peers, BooleanSupplier ready) {
    this.vertx = vertx;
    this.config = config;
    this.endpoint = endpoint;
    this.exposition = exposition;
    this.scheduler = scheduler;
    this.prober = prober;
    this.reloader = reloader;
    this.peers = peers;
    this.ready = ready;
    this.status = new StatusPage(vertx, scheduler, reloader, peers);
  }

  public Future<HttpServer> start() {
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, exposition, ready);
    status.mount(router);
    router.get("/targets").handler(this::targets);
    router.post("/-/reload").handler(this::reload);
    router.get("/probe").handler(this::probe);
    server = vertx.createHttpServer(OpsRoutes.httpOptions()).requestHandler(router);
    return server.listen(config.port(), config.host());
  }

  public int actualPort() {
    return server.actualPort();
  }

  /**
   * This instance's targets; the others' are only counted, each instance showing its own. With live peers, each
   * target says which peers hold it, and the peers as this instance sees them. Rendered on a worker: thousands of
   * targets take long enough to hold up the probes that share the loop.
   */
  private void targets(RoutingContext ctx) {
    ShardAssignment assignment = reloader.assignment();
    List<TargetSchedule> schedules = scheduler.schedules();
    String transport = reloader.running().transport().label();
    PeerWatcher.Status seen = peers.get();
    vertx.executeBlocking(() -> {
      JsonArray list = new JsonArray();
      schedules.forEach(s -> {
        JsonObject target = TargetJson.of(s.target(), s.last(), s.history().snapshot());
        if (assignment.ownership() instanceof Membership membership) {
          target.put("holders", new JsonArray(membership.holders(s.target().name())));
        }
        list.add(target);
      });
      JsonObject json = new JsonObject().put("transport", transport);
      if (assignment.ownership() instanceof Membership membership) {
        json.put("membership", membership(membership, seen));
      } else {
        json.put("shard", shard((Shard) assignment.ownership()));
      }
      return json
          .put("elsewhere", assignment.elsewhere())
          .put("targets", list)
          .encodePrettily();
    }, false).onComplete(done -> {
      if (done.succeeded()) {
        ctx.response().putHeader("content-type", "application/json").end(done.result());
      } else {
        ctx.fail(done.cause());
      }
    });
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
        .put(applied.assignment().ownership() instanceof Shard ? "shard" : "membership",
            applied.assignment().ownership() instanceof Shard shard ? shard(shard)
                : membership((Membership) applied.assignment().ownership(), null))
        .put("targets", applied.assignment().held().size())
        .put("elsewhere", applied.assignment().elsewhere())
        .put("sha256", applied.sha256());
  }

  private static JsonObject shard(Shard shard) {
    return new JsonObject().put("index", shard.index()).put("count", shard.count());
  }

  /** The peers this instance shares the targets with, and, when {@code seen} is given, how their lookup went. */
  private static JsonObject membership(Membership membership, PeerWatcher.Status seen) {
    JsonObject json = new JsonObject()
        .put("self", membership.self())
        .put("replicas", membership.replicas())
        .put("peers", new JsonArray(membership.peers()));
    if (seen != null) {
      json.put("last_refresh", seen.refreshed() == null ? null : seen.refreshed().toString())
          .put("last_attempt", seen.attempted() == null ? null : seen.attempted().toString())
          .put("error", seen.error());
    }
    return json;
  }

  private static void text(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8").end(message + "\n");
  }

  private void probe(RoutingContext ctx) {
    if (!endpoint.enabled()) {
      text(ctx, 403, "/probe is turned off (probe_endpoint.enabled is false)");
      return;
    }
    Target target;
    try {
      target = TargetFactory.fromRequest(ctx.request()::getParam,
          ctx.request().getHeader(TargetFactory.SCRAPE_TIMEOUT_HEADER), endpoint.allowExpect());
    } catch (IllegalArgumentException e) {
      text(ctx, 400, e.getMessage());
      return;
    }
    if (!endpoint.allow().permits(target.address())) {
      text(ctx, 403, "target: '" + target.address() + "' is not in probe_endpoint.allow");
      return;
    }
    if (oneOffProbes.incrementAndGet() > endpoint.maxConcurrent()) {
      oneOffProbes.decrementAndGet();
      text(ctx, 429, endpoint.maxConcurrent() + " probes are running, probe_endpoint.max_concurrent; try again later");
      return;
    }
    prober.probe(target).onComplete(done -> {
      oneOffProbes.decrementAndGet();
      if (done.succeeded()) {
        answer(ctx, ProbeMetrics.oneOff(target, done.result()));
      } else {
        text(ctx, 500, "the probe failed: " + done.cause());
      }
    });
  }

  /**
   * In the format the scraper's {@code Accept} asks for, as {@code /metrics} answers. On the event loop: one probe's
   * handful of lines take less to write than handing them to a worker.
   */
  private static void answer(RoutingContext ctx, PrometheusRegistry oneOff) {
    ExpositionFormatWriter writer = OpsRoutes.writer(ctx.request().getHeader("accept"));
    ScrapeBody body;
    try {
      body = OpsRoutes.render(Exposition.of(oneOff), writer);
    } catch (IOException e) {
      ctx.fail(e);
      return;
    }
    body.send(ctx.response().putHeader("content-type", writer.getContentType()));
  }
}
