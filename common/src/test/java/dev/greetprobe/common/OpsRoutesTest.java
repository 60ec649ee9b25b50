package dev.greetprobe.common;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.testkit.Http;
import dev.greetprobe.testkit.PrometheusText;
import dev.greetprobe.testkit.ProtobufScrape;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_31_1.Metrics.MetricFamily;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /metrics} as each kind of scraper asks for it. */
class OpsRoutesTest {

  private final PrometheusMeterRegistry registry = Instrumentation.registry();
  private final List<Boolean> scrapedOnEventLoop = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    Histograms.BOTH.builder(0.001, 0.01, 0.1).name("test_duration_seconds").help("A test histogram")
        .register(registry.getPrometheusRegistry()).observe(0.005);
    registry.getPrometheusRegistry().register((MultiCollector) () -> {
      scrapedOnEventLoop.add(Context.isOnEventLoopThread());
      return MetricSnapshots.of();
    });
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, registry, () -> true);
    server = join(vertx.createHttpServer(OpsRoutes.httpOptions()).requestHandler(router).listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() throws Exception {
    join(vertx.close());
  }

  @Test
  void aScraperThatAsksForProtobufGetsNativeHistograms() throws Exception {
    HttpResponse<byte[]> response = scrape(ProtobufScrape.ACCEPT);

    assertThat(response.headers().firstValue("content-type")).hasValue(ProtobufScrape.ACCEPT);
    ProtobufScrape scrape = ProtobufScrape.parse(response.body());
    assertThat(scrape.histogram("test_duration_seconds", Map.of()).getPositiveSpanCount()).isPositive();
    assertThat(scrape.families()).extracting(MetricFamily::getName).contains("process_cpu_seconds_total");
  }

  @Test
  void aScraperThatAsksForNothingGetsPrometheusText() throws Exception {
    HttpResponse<String> response = Http.get(metricsUrl());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue(OpsRoutes.TEXT_FORMAT);
    PrometheusText text = PrometheusText.parse(response.body());
    assertThat(text.value("test_duration_seconds_bucket{le=\"0.01\"}")).isEqualTo(1);
    assertThat(text.names()).contains("process_cpu_seconds_total");
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
    scrape(ProtobufScrape.ACCEPT);
    Http.body(metricsUrl());

    assertThat(scrapedOnEventLoop).containsExactly(false, false);
  }

  @Test
  void aScrapeOfManyChunksArrivesWholeWithItsLength() throws Exception {
    GaugeSnapshot.Builder wide = GaugeSnapshot.builder().name("test_wide").help("A family of many series");
    for (int i = 0; i < 30_000; i++) {
      wide.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("series", "series-" + i)).value(i).build());
    }
    registry.getPrometheusRegistry().register((MultiCollector) () -> MetricSnapshots.of(wide.build()));

    HttpResponse<byte[]> response = scrape("text/plain");

    assertThat(response.body().length).isGreaterThan(1024 * 1024);
    assertThat(response.headers().firstValueAsLong("content-length")).hasValue(response.body().length);
    PrometheusText text = PrometheusText.parse(new String(response.body(), StandardCharsets.UTF_8));
    assertThat(text.value("test_wide{series=\"series-29999\"}")).isEqualTo(29_999);
    assertThat(text.names()).contains("process_cpu_seconds_total");
  }

  private HttpResponse<byte[]> scrape(String accept) throws Exception {
    HttpResponse<byte[]> response = Http.get(metricsUrl(), accept, Duration.ofSeconds(10));
    assertThat(response.statusCode()).isEqualTo(200);
    return response;
  }

  private String metricsUrl() {
    return Http.loopback(server.actualPort(), "/metrics");
  }
}
