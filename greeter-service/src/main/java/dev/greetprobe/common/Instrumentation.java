package dev.greetprobe.common;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** The metrics registry and the instrumented Vert.x that both services run on. */
public final class Instrumentation {

  /** The Prometheus text exposition format's content type. */
  public static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

  /** The Prometheus client's own choice among its formats by {@code Accept}, the one its HTTP exporters make. */
  private static final ExpositionFormats FORMATS = ExpositionFormats.init();

  /**
   * One event loop per core, not Vert.x's default of two: these services only do I/O, and fewer loops means fewer
   * thread switches, which the greeter's CPU per connection shows.
   */
  public static final int EVENT_LOOPS = Runtime.getRuntime().availableProcessors();

  private Instrumentation() {
  }

  /**
   * A registry with the process figures Prometheus users expect: {@code process_cpu_seconds_total} (instead of
   * Micrometer's nanosecond {@code process_cpu_time_ns_total}) and open file descriptors. The services' histograms are
   * the Prometheus client's (Micrometer's cannot be native), registered in {@link
   * PrometheusMeterRegistry#getPrometheusRegistry()} with a {@link Histograms#builder}, so one scrape holds both.
   */
  public static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Micrometer's names that break Prometheus conventions (promtool check metrics flags them) are replaced.
    registry.config()
        .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"))
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("jvm.compilation.time")))
        .meterFilter(new MeterFilter() {
          @Override
          public Meter.Id map(Meter.Id id) {
            return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
          }
        });
    CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
    if (compilation != null && compilation.isCompilationTimeMonitoringSupported()) {
      FunctionCounter.builder("jvm.compilation", compilation, bean -> bean.getTotalCompilationTime() / 1e3)
          .baseUnit("seconds")
          .description("Time the JIT compiler spent compiling")
          .register(registry);
    }
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, bean -> bean.getProcessCpuTime() / 1e9)
          .baseUnit("seconds")
          .description("CPU time used by the process, user and system")
          .register(registry);
    }
    new FileDescriptorMetrics().bindTo(registry);
    return registry;
  }

  /**
   * Mounts what every service serves operators and Kubernetes: {@code /metrics}, {@code /health/live} (200 while the
   * process runs) and {@code /health/ready} (200 while {@code ready} says so, else 503).
   */
  public static void mountOpsRoutes(Router router, PrometheusMeterRegistry registry, BooleanSupplier ready) {
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
  public static Buffer render(PrometheusMeterRegistry registry, ExpositionFormatWriter writer) throws Exception {
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
    }, registry.getPrometheusRegistry().scrape());
    return buffer;
  }

  /** {@code registry} in Prometheus text, as a scraper that asks for no format gets it. */
  public static String text(PrometheusRegistry registry) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      FORMATS.getPrometheusTextFormatWriter().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toString(StandardCharsets.UTF_8);
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

  /**
   * A Vert.x instance whose metrics (JVM ones included) land in {@code registry}; on Linux's native epoll transport
   * when {@code nativeTransport} is set and the platform has it.
   */
  public static Vertx vertx(PrometheusMeterRegistry registry, boolean nativeTransport) {
    VertxOptions options = new VertxOptions()
        .setEventLoopPoolSize(EVENT_LOOPS)
        .setPreferNativeTransport(nativeTransport)
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
            // The probe counts its own connections (probe_*); Vert.x's client meters would repeat them, looked up and
            // updated on every probe. The greeter's NetServer meters (vertx_net_server_*) are part of its contract.
            .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).build();
  }
}
