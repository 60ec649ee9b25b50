package dev.greetprobe.common;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's HTTP port, hardened against the clients that hold it: a cap on connections, a deadline for each
 * request's headers and one for idleness ({@link HttpLimits}), and requests no endpoint here can take refused with 400
 * before they reach the router, their connection closed (RFC 9112: a body framed by {@code Transfer-Encoding},
 * which no endpoint reads, is how one request is smuggled inside another; a query that is not valid percent-encoding).
 * Refused connections are counted in {@code http_connections_refused_total{reason}}.
 */
public final class OpsHttpServer {

  private static final Logger log = LoggerFactory.getLogger(OpsHttpServer.class);
  static final Duration WARNING_PERIOD = Duration.ofSeconds(10);

  private final RateLimitedLog failures = new RateLimitedLog(log, WARNING_PERIOD);

  private final Vertx vertx;
  private final HttpLimits limits;
  private final int maxConnections;
  private final Handler<HttpServerRequest> handler;
  private final AtomicInteger open = new AtomicInteger();
  private final Map<HttpConnection, Deadline> deadlines = new ConcurrentHashMap<>();
  private final Counter overLimit;
  private final Counter headerTimeout;
  private final Counter badRequest;
  private HttpServer server;

  /** One connection's header deadline, touched only on its event loop. */
  private static final class Deadline {
    long timer = -1;
    boolean closed;
    boolean refused;
  }

  /**
   * Serves {@code router}, whose failures (an endpoint's exception) are answered 500 and warned of at most once every
   * {@link #WARNING_PERIOD}, with their count, never once each.
   */
  public OpsHttpServer(Vertx vertx, HttpLimits limits, MeterRegistry registry, Router router) {
    router.route().failureHandler(this::failed);
    this.vertx = vertx;
    this.limits = limits;
    this.maxConnections = limits.connectionsWithin(HttpLimits.fileLimit());
    this.handler = router;
    this.overLimit = refused(registry, "max_connections");
    this.headerTimeout = refused(registry, "header_timeout");
    this.badRequest = refused(registry, "bad_request");
    Gauge.builder("http.connections.open", open, AtomicInteger::get)
        .description("Connections open on the HTTP port").register(registry);
  }

  public Future<HttpServer> listen(int port, String host) {
    server = vertx.createHttpServer(OpsRoutes.httpOptions()
            .setIdleTimeout((int) limits.idleTimeout().toSeconds())
            .setIdleTimeoutUnit(TimeUnit.SECONDS))
        .connectionHandler(this::opened)
        .requestHandler(this::request);
    return server.listen(port, host).onSuccess(s -> log.debug("HTTP on {}:{}: at most {} connections", host,
        s.actualPort(), maxConnections));
  }

  public int actualPort() {
    return server.actualPort();
  }

  /** Connections the port holds at most: {@code http.max_connections}, within its share of the file limit. */
  public int maxConnections() {
    return maxConnections;
  }

  private static Counter refused(MeterRegistry registry, String reason) {
    return Counter.builder("http.connections.refused")
        .description("HTTP connections closed by the server: past http.max_connections, headers not sent within"
            + " http.header_timeout, or a request no endpoint takes")
        .tag("reason", reason).register(registry);
  }

  private void opened(HttpConnection connection) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      overLimit.increment();
      connection.close();
      return;
    }
    Deadline deadline = new Deadline();
    deadlines.put(connection, deadline);
    connection.closeHandler(closed -> {
      open.decrementAndGet();
      deadline.closed = true;
      vertx.cancelTimer(deadline.timer);
      deadlines.remove(connection);
    });
    arm(connection, deadline, limits.headerTimeout().toMillis());
  }

  private void arm(HttpConnection connection, Deadline deadline, long millis) {
    if (deadline.closed) {
      return;
    }
    deadline.timer = vertx.setTimer(millis, id -> {
      headerTimeout.increment();
      connection.close();
    });
  }

  private void request(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    Deadline deadline = deadlines.get(connection);
    if (deadline == null || deadline.refused) {
      // A request pipelined behind one refused: the connection is closing, and nothing on it runs.
      connection.close();
      return;
    }
    vertx.cancelTimer(deadline.timer);
    String refusal = refusal(request);
    if (refusal != null) {
      deadline.refused = true;
      badRequest.increment();
      log.debug("refused {} {} from {}: {}", request.method(), ConfigException.excerpt(request.uri()),
          request.remoteAddress(), refusal);
      request.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .putHeader(HttpHeaders.CONNECTION, "close").end(refusal + "\n").onComplete(sent -> connection.close());
      return;
    }
    // A kept-alive connection may wait idle for its next request, which the idle timeout ends uncounted; one that keeps
    // trickling bytes all the while is ended here, and counted, a header timeout later.
    request.response().endHandler(ended -> arm(connection, deadline,
        limits.idleTimeout().plus(limits.headerTimeout()).toMillis()));
    handler.handle(request);
  }

  private void failed(RoutingContext ctx) {
    if (ctx.failure() == null) {
      ctx.next();
      return;
    }
    failures.warn("HTTP requests failed, the latest " + ctx.request().method() + " "
        + ConfigException.excerpt(ctx.request().path()), ctx.failure());
    if (!ctx.response().headWritten()) {
      ctx.response().setStatusCode(500).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .end("internal error\n");
    } else if (!ctx.response().ended()) {
      ctx.response().reset();
    }
  }

  /** Why no endpoint here can take {@code request}, or null. */
  private static String refusal(HttpServerRequest request) {
    if (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
      return "Transfer-Encoding refused: no endpoint here takes a request body";
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && !length.equals("0")) {
      return "Content-Length " + ConfigException.excerpt(length) + " refused: no endpoint here takes a request body";
    }
    try {
      request.params();
    } catch (IllegalArgumentException e) {
      return "the query string is not valid percent-encoding";
    }
    return null;
  }
}
