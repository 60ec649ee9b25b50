package dev.greetprobe.probe.http;

import dev.greetprobe.common.Exposition;
import dev.greetprobe.common.OpsHttpServer;
import dev.greetprobe.common.OpsRoutes;
import dev.greetprobe.common.ScrapeBody;
import dev.greetprobe.probe.config.Membership;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.config.Shard;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.metrics.ProbeMetrics;
import dev.greetprobe.probe.schedule.PeerWatcher;
import dev.greetprobe.probe.schedule.ProbeScheduler;
import dev.greetprobe.probe.schedule.Reloader;
import io.micrometer.core.instrument.MeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The probe's HTTP endpoint: {@code /} (the {@link StatusPage}), {@code /metrics}, {@code /health/live},
 * {@code /health/ready}, {@code /targets} (JSON), {@code POST /-/reload} (when {@code reload.http} is on), and {@code /probe?target=host:port}, a one-off
 * probe answered the way blackbox_exporter answers.
 */
public final class ProbeHttpServer {

  private final Vertx vertx;
  private final ProbeConfig.Http config;
  private final ProbeConfig.ProbeEndpoint endpoint;
  /** One-off probes running, counted from whichever event loop a request arrives on. */
  private final AtomicInteger oneOffProbes = new AtomicInteger();
  private final Exposition exposition;
  /** The schedules the status page and {@code /targets} show, and the verticles a one-off probe runs on. */
  private final ProbeScheduler scheduler;
  private final Reloader reloader;
  private final BooleanSupplier ready;
  private final StatusPage status;
  private final TargetsEndpoint targets;
  private final MeterRegistry registry;
  private OpsHttpServer server;

  public ProbeHttpServer(Vertx vertx, ProbeConfig.Http config, ProbeConfig.ProbeEndpoint endpoint,
      Exposition exposition, MeterRegistry registry, ProbeScheduler scheduler, Reloader reloader,
      Supplier<PeerWatcher.Status> peers, BooleanSupplier ready) {
    this.registry = registry;
    this.vertx = vertx;
    this.config = config;
    this.endpoint = endpoint;
    this.exposition = exposition;
    this.scheduler = scheduler;
    this.reloader = reloader;
    this.ready = ready;
    LargeRequests large = new LargeRequests();
    this.status = new StatusPage(vertx, scheduler, reloader, peers, large);
    this.targets = new TargetsEndpoint(vertx, scheduler, reloader, peers, large);
  }

  public Future<?> start() {
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, exposition, ready);
    status.mount(router);
    router.get("/targets").handler(targets::handle);
    router.post("/-/reload").handler(this::reload);
    router.get("/probe").handler(this::probe);
    server = new OpsHttpServer(vertx, config.limits(), registry, router);
    return server.listen(config.port(), config.host());
  }

  public int actualPort() {
    return server.actualPort();
  }

  /**
   * What the pages sent at once hold at most, with histories of {@code history}: {@link LargeRequests#MAX} of the
   * larger of a {@code /targets} chunk and a status page.
   */
  public static long bytesInFlight(int history) {
    return LargeRequests.MAX * Math.max(TargetsEndpoint.bytesInFlight(history), StatusPage.bytesInFlight(history));
  }

  private void reload(RoutingContext ctx) {
    if (!reloader.running().reload().http()) {
      text(ctx, 403, "reloading over HTTP is off (reload.http is false): change the file, or send the probe SIGHUP");
      return;
    }
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
            applied.assignment().ownership() instanceof Shard shard ? TargetsEndpoint.shard(shard)
                : TargetsEndpoint.membership((Membership) applied.assignment().ownership(), null))
        .put("targets", applied.assignment().held().size())
        .put("elsewhere", applied.assignment().elsewhere())
        .put("sha256", applied.sha256());
  }

  static void text(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8").end(message + "\n");
  }

  private void probe(RoutingContext ctx) {
    if (!endpoint.enabled()) {
      text(ctx, 403, "/probe is turned off (probe_endpoint.enabled is false)");
      return;
    }
    Target target;
    try {
      target = ProbeRequest.target(ctx.request()::getParam, ctx.request()::getHeader, endpoint.allowExpect());
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
    scheduler.probe(target).onComplete(done -> {
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
