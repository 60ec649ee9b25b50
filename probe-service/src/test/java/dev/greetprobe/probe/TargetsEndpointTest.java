package dev.greetprobe.probe;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.probe.config.ConfigSource;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.TcpProber;
import dev.greetprobe.testkit.Ports;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /targets} with many talkative targets: each keeps an excerpt of what it read, not all of it, and the page is
 * built on a worker, never on the event loops that probe and answer health checks.
 */
class TargetsEndpointTest {

  private static final int TARGETS = 1000;

  private Vertx vertx;
  private ProbeService service;

  @BeforeEach
  void start() throws Exception {
    PrometheusMeterRegistry registry = Instrumentation.registry();
    vertx = Instrumentation.vertx(registry, true);
    Buffer limit = Buffer.buffer("x".repeat(TcpProber.MAX_READ_BYTES));
    NetServer talkative = TestServers.listen(vertx, socket -> socket.end(limit));
    String targets = IntStream.range(0, TARGETS)
        .mapToObj(i -> "  - {name: t%d, address: '127.0.0.1:%d', expect: 'y'}".formatted(i, talkative.actualPort()))
        .collect(Collectors.joining("\n"));
    String config = """
        http: {host: 127.0.0.1, port: %d}
        defaults: {interval: 2s, timeout: 1s}
        targets:
        %s
        """.formatted(Ports.free(), targets);
    service = new ProbeService(vertx, registry, new ConfigSource.Fixed(config, "test config", Map.of()), config);
    join(service.start());
  }

  @AfterEach
  void stop() throws Exception {
    join(service.stop());
    join(vertx.close());
  }

  @Test
  void aThousandTargetsThatEachRead64KibShowAnExcerptOfEach() throws Exception {
    await().atMost(Duration.ofSeconds(30))
        .until(() -> service.scheduler().schedules().stream().allMatch(s -> s.last() != null));

    HttpResponse<String> response = ProbeHttp.get(service.httpPort(), "/targets");

    assertThat(response.statusCode()).isEqualTo(200);
    List<JsonObject> targets = new JsonObject(response.body()).getJsonArray("targets").stream()
        .map(JsonObject.class::cast).toList();
    assertThat(targets).hasSize(TARGETS).allSatisfy(t -> {
      JsonObject last = t.getJsonObject("last");
      assertThat(last.getString("result")).isEqualTo("banner_mismatch");
      assertThat(last.getString("received")).hasSize(ProbeResult.RECEIVED_EXCERPT_CHARS);
    });
    assertThat(response.body().length()).as("a page of excerpts, not of 64 KiB reads")
        .isLessThan(TARGETS * 2 * ProbeResult.RECEIVED_EXCERPT_CHARS);
  }

  @Test
  void theListIsBuiltOnAWorkerWhileTheLoopsGoOnAnswering() throws Exception {
    await().atMost(Duration.ofSeconds(30))
        .until(() -> service.scheduler().schedules().stream().allMatch(s -> s.last() != null));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch busy = new CountDownLatch(VertxOptions.DEFAULT_WORKER_POOL_SIZE);
    List<Future<Object>> holds = IntStream.range(0, VertxOptions.DEFAULT_WORKER_POOL_SIZE)
        .mapToObj(i -> vertx.executeBlocking(() -> {
          busy.countDown();
          release.await();
          return null;
        }, false))
        .toList();
    assertThat(busy.await(10, TimeUnit.SECONDS)).as("every worker held").isTrue();

    CompletableFuture<HttpResponse<String>> targets = ProbeHttp.getAsync(service.httpPort(), "/targets");
    await("/targets waits for a worker, while the loop answers /health/live").during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5)).until(() ->
        ProbeHttp.get(service.httpPort(), "/health/live").statusCode() == 200 && !targets.isDone());
    release.countDown();

    assertThat(targets.get().statusCode()).as("answered once a worker is free").isEqualTo(200);
    join(Future.all(holds));
  }

  /** Pages of a chosen size, each naming where the next starts, cover every target once, in the order of names. */
  @Test
  void pagesFollowOneAnotherByNameAndTogetherHoldEveryTargetOnce() throws Exception {
    List<String> names = new java.util.ArrayList<>();
    String after = "";
    int pages = 0;
    do {
      HttpResponse<String> response = ProbeHttp.get(service.httpPort(), "/targets?limit=300&after=" + after);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).as("compact").doesNotContain("\n");
      JsonObject page = new JsonObject(response.body());
      page.getJsonArray("targets").stream().map(t -> ((JsonObject) t).getString("name")).forEach(names::add);
      after = page.getString("next");
      pages++;
    } while (after != null);

    assertThat(pages).isEqualTo(4);
    assertThat(names).hasSize(TARGETS).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void theStatusPagesFilterAppliesAndABadLimitIsRefused() throws Exception {
    JsonObject t99 = new JsonObject(ProbeHttp.get(service.httpPort(), "/targets?name=t99").body());
    HttpResponse<String> zero = ProbeHttp.get(service.httpPort(), "/targets?limit=0");

    assertThat(t99.getJsonArray("targets").stream().map(t -> ((JsonObject) t).getString("name")))
        .containsExactly("t99", "t990", "t991", "t992", "t993", "t994", "t995", "t996", "t997", "t998", "t999");
    assertThat(t99.getString("next")).isNull();
    assertThat(zero.statusCode()).isEqualTo(400);
    assertThat(zero.body()).isEqualTo("limit: '0' is not a number of targets in 1..1000\n");
  }

  /** Each page in flight holds a worker and a chunk of the heap: one past the bound is refused at once. */
  @Test
  void pagesPastTheBoundAreRefusedAtOnceWith429() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch busy = new CountDownLatch(VertxOptions.DEFAULT_WORKER_POOL_SIZE);
    List<Future<Object>> holds = IntStream.range(0, VertxOptions.DEFAULT_WORKER_POOL_SIZE)
        .mapToObj(i -> vertx.executeBlocking(() -> {
          busy.countDown();
          release.await();
          return null;
        }, false))
        .toList();
    assertThat(busy.await(10, TimeUnit.SECONDS)).as("every worker held").isTrue();
    List<CompletableFuture<HttpResponse<String>>> waiting = IntStream.range(0, 4)
        .mapToObj(i -> ProbeHttp.getAsync(service.httpPort(), i % 2 == 0 ? "/targets" : "/")).toList();

    await().untilAsserted(() -> assertThat(ProbeHttp.get(service.httpPort(), "/targets").statusCode())
        .isEqualTo(429));
    release.countDown();

    for (CompletableFuture<HttpResponse<String>> page : waiting) {
      assertThat(page.get().statusCode()).isEqualTo(200);
    }
    join(Future.all(holds));
  }
}
