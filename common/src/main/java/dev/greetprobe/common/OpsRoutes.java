package dev.greetprobe.common;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/** The HTTP routes both services serve operators, Prometheus and Kubernetes, and the scrape formats behind them. */
public final class OpsRoutes {

  /** The Prometheus text exposition format's content type. */
  public static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

  /** The Prometheus client's own choice among its formats by {@code Accept}, the one its HTTP exporters make. */
  private static final ExpositionFormats FORMATS = ExpositionFormats.init();

  private OpsRoutes() {
  }

  /**
   * Mounts what every service serves operators and Kubernetes: {@code /metrics} (every family in {@code registry}),
   * {@code /health/live} (200 while the process runs) and {@code /health/ready} (200 while {@code ready} says so, else
   * 503).
   */
  public static void mount(Router router, PrometheusMeterRegistry registry, BooleanSupplier ready) {
    mount(router, Exposition.of(registry.getPrometheusRegistry()), ready);
  }

  /** As above, with {@code /metrics} exporting {@code exposition}. */
  public static void mount(Router router, Exposition exposition, BooleanSupplier ready) {
    router.get("/metrics").handler(scrapeHandler(exposition));
    router.get("/health/live").handler(ctx -> ctx.response().end("live\n"));
    router.get("/health/ready").handler(ctx -> {
      boolean isReady = ready.getAsBoolean();
      ctx.response().setStatusCode(isReady ? 200 : 503).end(isReady ? "ready\n" : "not ready\n");
    });
  }

  /**
   * Serves {@code exposition} in the format the scraper's {@code Accept} asks for: Prometheus' protobuf (the only one
   * that carries native histograms), OpenMetrics, or Prometheus text when it asks for neither. The scrape runs on a
   * worker, and so does encoding it: with thousands of probe targets it takes far too long for an event loop.
   */
  private static Handler<RoutingContext> scrapeHandler(Exposition exposition) {
    return ctx -> {
      ExpositionFormatWriter writer = writer(ctx.request().getHeader("accept"));
      ctx.vertx().executeBlocking(() -> render(exposition, writer), false).onComplete(done -> {
        if (done.succeeded()) {
          done.result().send(ctx.response().putHeader("content-type", writer.getContentType()));
        } else {
          ctx.fail(done.cause());
        }
      });
    };
  }

  /** One scrape of {@code exposition} in {@code writer}'s format. Blocks: call it off the event loops. */
  public static ScrapeBody render(Exposition exposition, ExpositionFormatWriter writer) throws IOException {
    ScrapeBody body = new ScrapeBody();
    exposition.write(writer, body);
    return body;
  }

  /** The writer for a scraper whose {@code Accept} header is {@code accept} (null for none). */
  public static ExpositionFormatWriter writer(String accept) {
    return FORMATS.findWriter(accept);
  }

  /**
   * HTTP/1.1 only, as Prometheus scrapes: Vert.x 5.0.7 answers an h2c upgrade of a large response (a /metrics page)
   * with HTTP/1 bytes after its 101, or not at all, and Java's HttpClient offers that upgrade by default.
   */
  public static HttpServerOptions httpOptions() {
    return new HttpServerOptions().setHttp2ClearTextEnabled(false);
  }
}
