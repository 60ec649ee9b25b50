package dev.greetprobe.common;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.OutputStream;
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
   * Mounts what every service serves operators and Kubernetes: {@code /metrics}, {@code /health/live} (200 while the
   * process runs) and {@code /health/ready} (200 while {@code ready} says so, else 503).
   */
  public static void mount(Router router, PrometheusMeterRegistry registry, BooleanSupplier ready) {
    router.get("/metrics").handler(scrapeHandler(registry));
    router.get("/health/live").handler(ctx -> ctx.response().end("live\n"));
    router.get("/health/ready").handler(ctx -> {
      boolean isReady = ready.getAsBoolean();
      ctx.response().setStatusCode(isReady ? 200 : 503).end(isReady ? "ready\n" : "not ready\n");
    });
  }

  /**
   * Serves {@code registry} in the format the scraper's {@code Accept} asks for: Prometheus' protobuf (the only one
   * that carries native histograms), OpenMetrics, or Prometheus text when it asks for neither. The scrape runs on a
   * worker, and so does encoding it: with thousands of probe targets it takes far too long for an event loop.
   */
  private static Handler<RoutingContext> scrapeHandler(PrometheusMeterRegistry registry) {
    return ctx -> {
      ExpositionFormatWriter writer = writer(ctx.request().getHeader("accept"));
      ctx.vertx().executeBlocking(() -> render(registry, writer), false).onComplete(done -> {
        if (done.succeeded()) {
          ctx.response().putHeader("content-type", writer.getContentType()).end(done.result());
        } else {
          ctx.fail(done.cause());
        }
      });
    };
  }

  /**
   * One scrape of {@code registry} in {@code writer}'s format. Blocks: call it off the event loops. Written straight
   * into the buffer that is sent, not through a byte array copied into it: a text scrape of many thousands of targets
   * is a large share of the heap, and a second copy of it is what runs a pod out of memory.
   */
  public static Buffer render(PrometheusMeterRegistry registry, ExpositionFormatWriter writer) throws IOException {
    return render(registry.getPrometheusRegistry(), writer);
  }

  /** One scrape of a registry of the Prometheus client's own, written as the one above writes. */
  public static Buffer render(PrometheusRegistry registry, ExpositionFormatWriter writer) throws IOException {
    Buffer buffer = Buffer.buffer(1 << 16);
    writer.write(new OutputStream() {
      @Override
      public void write(int b) {
        buffer.appendByte((byte) b);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        buffer.appendBytes(bytes, offset, length);
      }
    }, registry.scrape());
    return buffer;
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
