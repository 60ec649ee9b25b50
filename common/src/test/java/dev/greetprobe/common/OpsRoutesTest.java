package dev.greetprobe.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.MetricFamily;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /metrics} as each kind of scraper asks for it. */
class OpsRoutesTest {

  private static final String PROTOBUF =
      "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final List<Boolean> scrapedOnEventLoop = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    PrometheusMeterRegistry registry = Instrumentation.registry();
    Histograms.BOTH.builder(0.001, 0.01, 0.1).name("test_duration_seconds").help("A test histogram")
        .register(registry.getPrometheusRegistry()).observe(0.005);
    registry.getPrometheusRegistry().register((MultiCollector) () -> {
      scrapedOnEventLoop.add(Context.isOnEventLoopThread());
      return MetricSnapshots.of();
    });
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, registry, () -> true);
    server = vertx.createHttpServer(OpsRoutes.httpOptions()).requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aScraperThatAsksForProtobufGetsNativeHistograms() throws Exception {
    HttpResponse<byte[]> response = scrape(PROTOBUF);

    assertThat(response.headers().firstValue("content-type")).hasValue(PROTOBUF);
    List<MetricFamily> families = new ArrayList<>();
    ByteArrayInputStream in = new ByteArrayInputStream(response.body());
    MetricFamily family;
    while ((family = MetricFamily.parseDelimitedFrom(in)) != null) {
      families.add(family);
    }
    MetricFamily histogram = families.stream().filter(f -> f.getName().equals("test_duration_seconds")).findFirst()
        .orElseThrow();
    assertThat(histogram.getMetric(0).getHistogram().getPositiveSpanCount()).isPositive();
    assertThat(families).extracting(MetricFamily::getName).contains("process_cpu_seconds_total");
  }

  @Test
  void aScraperThatAsksForNothingGetsPrometheusText() throws Exception {
    HttpResponse<byte[]> response = scrape(null);

    assertThat(response.headers().firstValue("content-type")).hasValue(OpsRoutes.TEXT_FORMAT);
    assertThat(new String(response.body()))
        .contains("test_duration_seconds_bucket{le=\"0.01\"} 1")
        .contains("process_cpu_seconds_total");
  }

  @Test
  void aScraperThatAsksForOpenMetricsGetsIt() throws Exception {
    HttpResponse<byte[]> response = scrape("application/openmetrics-text; version=1.0.0; charset=utf-8");

    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/openmetrics-text"));
    assertThat(new String(response.body())).endsWith("# EOF\n");
  }

  @Test
  void theScrapeIsRenderedOffTheEventLoop() throws Exception {
    scrape(PROTOBUF);
    scrape(null);

    assertThat(scrapedOnEventLoop).containsExactly(false, false);
  }

  private HttpResponse<byte[]> scrape(String accept) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.actualPort() + "/metrics"));
    if (accept != null) {
      request.header("accept", accept);
    }
    HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    return response;
  }
}
