package dev.greetprobe.probe.http;

import dev.greetprobe.common.Durations;
import dev.greetprobe.common.OpsRoutes;
import dev.greetprobe.probe.config.Expect;
import dev.greetprobe.probe.config.HostPort;
import dev.greetprobe.probe.config.IpProtocol;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.config.Shard;
import dev.greetprobe.probe.config.ShardAssignment;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.metrics.ProbeMetrics;
import dev.greetprobe.probe.net.Prober;
import dev.greetprobe.probe.schedule.ProbeScheduler;
import dev.greetprobe.probe.schedule.Reloader;
import dev.greetprobe.probe.schedule.TargetSchedule;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The probe's HTTP endpoint: {@code /} (the {@link StatusPage}), {@code /metrics}, {@code /health/live}, {@code /health/ready}, {@code /targets} (JSON),
 * {@code POST /-/reload}, and {@code /probe?target=host:port}, a one-off probe answered in Prometheus text the way
 * blackbox_exporter does.
 */
public final class ProbeHttpServer {

  private static final Duration MAX_ONE_OFF_TIMEOUT = Duration.ofSeconds(60);
  /** Prometheus says how long it waits for a scrape; the probe ends this much sooner, so its answer still arrives. */
  static final String SCRAPE_TIMEOUT_HEADER = "X-Prometheus-Scrape-Timeout-Seconds";
  /** blackbox_exporter's default {@code timeout_offset}. */
  static final Duration SCRAPE_TIMEOUT_MARGIN = Duration.ofMillis(500);

  private final Vertx vertx;
  private final ProbeConfig.Http config;
  private final ProbeConfig.ProbeEndpoint endpoint;
  /** One-off probes running, counted from whichever event loop a request arrives on. */
  private final AtomicInteger oneOffProbes = new AtomicInteger();
  private final PrometheusMeterRegistry registry;
  private final ProbeScheduler scheduler;
  private final Prober prober;
  private final Reloader reloader;
  private final BooleanSupplier ready;
  private final StatusPage status;
  private HttpServer server;

  public ProbeHttpServer(Vertx vertx, ProbeConfig.Http config, ProbeConfig.ProbeEndpoint endpoint,
      PrometheusMeterRegistry registry, ProbeScheduler scheduler, Prober prober, Reloader reloader,
      BooleanSupplier ready) {
    this.vertx = vertx;
    this.config = config;
    this.endpoint = endpoint;
    this.registry = registry;
    this.scheduler = scheduler;
    this.prober = prober;
    this.reloader = reloader;
    this.ready = ready;
    this.status = new StatusPage(vertx, scheduler, reloader);
  }

  public Future<HttpServer> start() {
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, registry, ready);
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
   * This shard's targets; the others' are only counted, each shard showing its own. Rendered on a worker: thousands
   * of targets take long enough to hold up the probes that share the loop.
   */
  private void targets(RoutingContext ctx) {
    ShardAssignment assignment = reloader.assignment();
    List<TargetSchedule> schedules = scheduler.schedules();
    String transport = reloader.running().transport().label();
    vertx.executeBlocking(() -> {
      JsonArray list = new JsonArray();
      schedules.forEach(s -> list.add(TargetJson.of(s.target(), s.last(), s.history().snapshot())));
      return new JsonObject()
          .put("transport", transport)
          .put("shard", shard(assignment.shard()))
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
    if (!endpoint.enabled()) {
      text(ctx, 403, "/probe is turned off (probe_endpoint.enabled is false)");
      return;
    }
    Target target;
    try {
      target = oneOffTarget(ctx);
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
        ctx.response().putHeader("content-type", OpsRoutes.TEXT_FORMAT)
            .end(ProbeMetrics.oneOff(target, done.result()));
      } else {
        text(ctx, 500, "the probe failed: " + done.cause());
      }
    });
  }

  private Target oneOffTarget(RoutingContext ctx) {
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
    Expect expect = null;
    String regex = ctx.request().getParam("expect");
    if (regex != null && !endpoint.allowExpect()) {
      throw new IllegalArgumentException("expect: refused: probe_endpoint.allow_expect is false");
    }
    if (regex != null) {
      try {
        expect = Expect.compile(regex);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("expect: " + e.getMessage());
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
    String scrapeTimeout = ctx.request().getHeader(SCRAPE_TIMEOUT_HEADER);
    if (scrapeTimeout != null) {
      Duration left = scrapeTimeout(scrapeTimeout);
      timeout = timeoutText == null ? min(left, MAX_ONE_OFF_TIMEOUT) : min(timeout, left);
    }
    boolean tls = "true".equals(ctx.request().getParam("tls"));
    return new Target("probe", hostPort, expect, null,
        tls ? new Target.Tls(hostPort.host(), null, false) : null, IpProtocol.AUTO, timeout, timeout);
  }

  /** What a scrape's timeout leaves the probe: the header's seconds less the margin, as blackbox_exporter does. */
  private static Duration scrapeTimeout(String seconds) {
    double value;
    try {
      value = Double.parseDouble(seconds.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(SCRAPE_TIMEOUT_HEADER + ": '" + seconds + "' is not a number of seconds");
    }
    Duration left = Duration.ofNanos((long) (Math.min(value, MAX_ONE_OFF_TIMEOUT.toSeconds() + 1) * 1e9))
        .minus(SCRAPE_TIMEOUT_MARGIN);
    if (!(value > 0) || left.isNegative() || left.isZero()) {
      throw new IllegalArgumentException(SCRAPE_TIMEOUT_HEADER + ": " + seconds
          + "s leaves no time after the margin of " + Durations.format(SCRAPE_TIMEOUT_MARGIN));
    }
    return left;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
