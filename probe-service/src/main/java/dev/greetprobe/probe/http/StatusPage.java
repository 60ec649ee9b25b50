package dev.greetprobe.probe.http;

import dev.greetprobe.probe.config.Membership;
import dev.greetprobe.probe.config.Shard;
import dev.greetprobe.probe.config.ShardAssignment;
import dev.greetprobe.probe.http.templates.JtestatusGenerated;
import dev.greetprobe.probe.schedule.PeerWatcher;
import dev.greetprobe.probe.schedule.ProbeScheduler;
import dev.greetprobe.probe.schedule.Reloader;
import dev.greetprobe.probe.schedule.TargetSchedule;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.Utf8ByteOutput;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /}: every target of this instance at a glance, rendered on the server from a precompiled template that
 * escapes every value, and served with a Content-Security-Policy that allows no script at all and styles from the
 * probe only. It works offline and with JavaScript off: its stylesheet comes from the probe ({@code /status.css}),
 * its filter is a plain form, and it reloads itself with a meta refresh.
 */
public final class StatusPage {

  /** Nothing but the page's own stylesheet: no script, inline or not, no frame, no form sent elsewhere. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self' data:; "
      + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
  static final String STYLESHEET = "/status.css";
  private static final String TEMPLATE = "status.jte";
  private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(null, ContentType.Html,
      StatusPage.class.getClassLoader(), JtestatusGenerated.class.getPackageName());

  private final Vertx vertx;
  private final LargeRequests gate;
  private final ProbeScheduler scheduler;
  private final Reloader reloader;
  /** The live peers as this instance sees them, or null with a fixed shard. */
  private final Supplier<PeerWatcher.Status> peers;
  private final String instance;
  private final String version;
  private final Buffer stylesheet;
  /** The stylesheet's link, naming its content: a new build's is a new address, so browsers may keep each for good. */
  private final String stylesheetLink;

  /** Build outside Vert.x threads: finding the host's name may ask the resolver. */
  StatusPage(Vertx vertx, ProbeScheduler scheduler, Reloader reloader, Supplier<PeerWatcher.Status> peers,
      LargeRequests gate) {
    this.gate = gate;
    this.vertx = vertx;
    this.scheduler = scheduler;
    this.reloader = reloader;
    this.peers = peers;
    this.instance = instance(System.getenv());
    String built = StatusPage.class.getPackage().getImplementationVersion();
    this.version = built == null ? "dev" : built;
    this.stylesheet = resource("status.css");
    this.stylesheetLink = STYLESHEET + "?v=" + Integer.toHexString(stylesheet.toString().hashCode());
  }

  void mount(Router router) {
    router.get("/").handler(this::page);
    router.get(STYLESHEET).handler(ctx -> ctx.response()
        .putHeader("content-type", "text/css; charset=utf-8")
        .putHeader("cache-control", "public, max-age=31536000, immutable")
        .putHeader("x-content-type-options", "nosniff")
        .end(stylesheet));
  }

  /**
   * What one page holds at most while it is made and sent, with histories of {@code history}: its rows, each with a
   * cell of the strip for each result, as objects and as HTML.
   */
  static long bytesInFlight(int history) {
    return StatusView.PAGE_ROWS * (8 * 1024 + 512L * history);
  }

  /** Renders {@code view} as the page's HTML. */
  public static Buffer render(StatusView view) {
    Utf8ByteOutput output = new Utf8ByteOutput();
    TEMPLATES.render(TEMPLATE, view, output);
    return Buffer.buffer(output.toByteArray());
  }

  /** On a worker, as {@code /targets}: a page sorts all of this instance's targets. */
  private void page(RoutingContext ctx) {
    StatusView.Query query;
    try {
      query = StatusView.Query.parse(ctx.queryParams());
    } catch (IllegalArgumentException e) {
      ctx.response().setStatusCode(400).putHeader("content-type", "text/plain; charset=utf-8").end(e.getMessage() + "\n");
      return;
    }
    if (!gate.admit(ctx)) {
      return;
    }
    List<TargetSchedule> schedules = scheduler.schedules();
    ShardAssignment assignment = reloader.assignment();
    Reloader.LastReload lastReload = reloader.lastReload();
    String transport = reloader.running().transport().label();
    PeerWatcher.Status seen = peers.get();
    vertx.executeBlocking(() -> {
      List<StatusView.Entry> entries = new ArrayList<>(schedules.size());
      schedules.forEach(s -> entries.add(new StatusView.Entry(s.target(), s.last(), s.history(), s.changes(), s.uptime(),
          assignment.ownership() instanceof Membership membership ? membership.holders(s.target().name())
              : List.of())));
      StatusView.Header header = new StatusView.Header(instance, version, sharing(assignment, seen), schedules.size(),
          assignment.elsewhere(), transport, config(lastReload),
          lastReload == null || lastReload.successful(), StatusView.dateTime(Instant.now()));
      return render(StatusView.of(header, entries, query, stylesheetLink));
    }, false).onComplete(done -> {
      gate.exit();
      if (done.succeeded()) {
        ctx.response()
            .putHeader("content-type", "text/html; charset=utf-8")
            .putHeader("content-security-policy", CONTENT_SECURITY_POLICY)
            .putHeader("x-content-type-options", "nosniff")
            .putHeader("referrer-policy", "no-referrer")
            .putHeader("cache-control", "no-store")
            .end(done.result());
      } else {
        ctx.fail(done.cause());
      }
    });
  }

  /**
   * What the header says of how the targets are shared: {@code 1/3} for a fixed shard; with live peers, this one among
   * them, how many hold each target, and when they were last looked up, or why the last lookup kept them.
   */
  static String sharing(ShardAssignment assignment, PeerWatcher.Status seen) {
    if (!(assignment.ownership() instanceof Membership membership)) {
      Shard shard = (Shard) assignment.ownership();
      return shard.index() + "/" + shard.count();
    }
    String text = membership.self() + " among " + membership.peers().size() + " "
        + (membership.peers().size() == 1 ? "peer" : "peers") + " (" + String.join(", ", membership.peers()) + "), "
        + "replicas " + membership.replicas();
    if (seen == null || seen.attempted() == null) {
      return text + ", not looked up yet";
    }
    String refreshed = seen.refreshed() == null ? "never" : StatusView.dateTime(seen.refreshed());
    return seen.error() == null ? text + ", refreshed " + refreshed
        : text + ", refreshed " + refreshed + "; the lookup at " + StatusView.dateTime(seen.attempted())
            + " failed: " + seen.error();
  }

  /** What the header says of the config: the last reload's outcome and when. */
  static String config(Reloader.LastReload last) {
    if (last == null) {
      return "loading";
    }
    String at = StatusView.dateTime(last.at());
    if (last.outcome() instanceof Reloader.Applied applied) {
      return "applied " + at + " (sha256 " + applied.sha256().substring(0, 12) + ")";
    }
    return "refused " + at + ": " + ((Reloader.Refused) last.outcome()).reason()
        + "; still probing with the config before";
  }

  /** The pod's name where Kubernetes gives it, else the host's. */
  static String instance(Map<String, String> environment) {
    for (String variable : List.of("POD_NAME", "HOSTNAME")) {
      String name = environment.get(variable);
      if (name != null && !name.isBlank()) {
        return name;
      }
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown host";
    }
  }

  private static Buffer resource(String name) {
    try (InputStream in = StatusPage.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the probe's classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
