package dev.greetprobe.probe.http;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.probe.ProbeHttp;
import dev.greetprobe.probe.ProbeService;
import dev.greetprobe.probe.TestServers;
import dev.greetprobe.probe.config.ConfigSource;
import dev.greetprobe.testkit.Ports;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /} over HTTP: its headers, its paging, its escaping and what it says of the config. */
class StatusPageTest {

  private static final int TARGETS = 250;
  private static final String HOSTILE =
      "<script>alert(1)</script>\"><img src=x onerror=alert(2)>\u0000\u001b[31m\u202eevil";
  private static final Pattern ROW = Pattern.compile("<tr class=\"state-(\\w+)\" data-target=\"([^\"]+)\"");

  @TempDir
  Path dir;

  private Vertx vertx;
  private ProbeService service;
  private Path config;
  private int port;

  @BeforeEach
  void start() throws Exception {
    PrometheusMeterRegistry registry = Instrumentation.registry();
    vertx = Instrumentation.vertx(registry, true);
    int hostile = TestServers.delayed(vertx, HOSTILE, Duration.ZERO).actualPort();
    int closed = Ports.free();
    port = Ports.free();
    String targets = IntStream.range(0, TARGETS)
        .mapToObj(i -> "  - {name: t%03d, address: '127.0.0.1:%d'}".formatted(i, closed))
        .collect(Collectors.joining("\n"));
    config = Files.writeString(dir.resolve("probe.yaml"), """
        http: {host: 127.0.0.1, port: %d}
        reload: {interval: 1h, http: true}
        defaults: {interval: 1s, timeout: 500ms}
        status: {history: 5}
        targets:
          - {name: hostile, address: '127.0.0.1:%d', expect: '^Thank You'}
        %s
        """.formatted(port, hostile, targets));
    ConfigSource source = new ConfigSource.File(config, Map.of());
    service = new ProbeService(vertx, registry, source, Files.readString(config));
    join(service.start());
    await().atMost(Duration.ofSeconds(20)).until(() -> ProbeHttp.targets(port).getJsonArray("targets").stream()
        .allMatch(t -> ((JsonObject) t).getJsonObject("last") != null));
  }

  @AfterEach
  void stop() throws Exception {
    join(service.stop());
    join(vertx.close());
  }

  @Test
  void thePageForbidsEveryScriptAndLoadsOnlyItsOwnStylesheetWhichMayBeCachedForGood() throws Exception {
    HttpResponse<String> page = ProbeHttp.get(port, "/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("content-security-policy")).hasValue("default-src 'none'; style-src 'self'; "
        + "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    assertThat(page.body()).doesNotContainIgnoringCase("<script").doesNotContain("style=").doesNotContain("http://")
        .doesNotContain("https://");
    Matcher stylesheet = Pattern.compile("<link rel=\"stylesheet\" href=\"(/status\\.css\\?v=\\w+)\">")
        .matcher(page.body());
    assertThat(stylesheet.find()).as("the page links its stylesheet").isTrue();
    HttpResponse<String> css = ProbeHttp.get(port, stylesheet.group(1));
    assertThat(css.statusCode()).isEqualTo(200);
    assertThat(css.headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
    assertThat(css.headers().firstValue("cache-control")).hasValue("public, max-age=31536000, immutable");
    assertThat(css.body()).contains("rect.c-success");
  }

  @Test
  void whatTheNetworkSentIsEscapedText() throws Exception {
    String body = ProbeHttp.get(port, "/?name=hostile").body();

    assertThat(body).doesNotContain("<script>alert(1)").doesNotContain("<img")
        .doesNotContain("\u0000", "\u001b", "\u202e")
        .contains("<pre>&lt;script&gt;alert(1)&lt;/script&gt;\"&gt;&lt;img src=x onerror=alert(2)&gt;"
            + "\\x00\\x1b[31m\\u202eevil</pre>");
  }

  @Test
  void pagesHoldAHundredRowsTheDownFirstWithLinksThatKeepTheFilter() throws Exception {
    String first = ProbeHttp.get(port, "/").body();
    String third = ProbeHttp.get(port, "/?show=down&page=3").body();
    String beyond = ProbeHttp.get(port, "/?show=down&page=99").body();

    assertThat(rows(first)).hasSize(StatusView.PAGE_ROWS).allMatch(row -> row.startsWith("down "));
    assertThat(rows(first).get(0)).isEqualTo("down hostile");
    assertThat(first).contains("href=\"?show=all&amp;page=2\"").doesNotContain("rel=\"prev\"")
        .contains("rows 1–100 of 251, page 1 of 3");
    assertThat(rows(third)).hasSize(TARGETS + 1 - 2 * StatusView.PAGE_ROWS).last().isEqualTo("down t249");
    assertThat(third).contains("href=\"?show=down&amp;page=2\"").doesNotContain("rel=\"next\"");
    assertThat(rows(beyond)).as("a page past the last shows the last").isEqualTo(rows(third));
    assertThat(rows(ProbeHttp.get(port, "/?name=T00").body())).hasSize(10);
  }

  @Test
  void aQueryItCannotReadIsRefusedNamingTheParameter() throws Exception {
    HttpResponse<String> show = ProbeHttp.get(port, "/?show=up");
    HttpResponse<String> page = ProbeHttp.get(port, "/?page=0");

    assertThat(show.statusCode()).isEqualTo(400);
    assertThat(show.body()).isEqualTo("show: 'up' is neither all nor down\n");
    assertThat(page.statusCode()).isEqualTo(400);
    assertThat(page.body()).isEqualTo("page: '0' is not a page number (1, 2, ...)\n");
  }

  @Test
  void theHeaderSaysWhenTheConfigWasAppliedAndWhyARefusedOneWasRefused() throws Exception {
    assertThat(ProbeHttp.get(port, "/").body()).containsPattern("<dd>applied \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ");

    Files.writeString(config, Files.readString(config).replace("status: {history: 5}", "status: {history: 0}"));
    ProbeHttp.post(port, "/-/reload");

    assertThat(ProbeHttp.get(port, "/").body()).contains("<div class=\"config refused\">")
        .contains("status.history: 0 is outside 1..1000; still probing with the config before");
  }

  @Test
  void targetsShowsEachTargetsHistoryNoLongerThanStatusHistory() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(() -> history("t000").size() == 5);

    JsonArray history = history("t000");

    assertThat(history).allSatisfy(entry -> {
      JsonObject result = (JsonObject) entry;
      assertThat(result.getString("result")).isEqualTo("connect_refused");
      assertThat(result.getDouble("duration_seconds")).isPositive();
      assertThat(result.getString("finished_at")).endsWith("Z");
    });
    assertThat(ProbeHttp.get(port, "/?name=t000").body().split("class=\"cell c-connect_refused\"")).hasSize(6);
  }

  @Test
  void eachRowSaysSinceWhenItsTargetIsInItsStateAndItsUptimeOverAnHourADayAndAWeek() throws Exception {
    JsonObject target = ProbeHttp.targets(port).getJsonArray("targets").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("name").equals("t000")).findFirst().orElseThrow();
    String since = StatusView.time(Instant.parse(target.getJsonObject("state").getString("since")));

    String page = ProbeHttp.get(port, "/?name=t000").body();

    assertThat(page).contains("<div class=\"since\" title=\"" + since + " down (connect_refused)\">since " + since + " (");
    assertThat(page).contains(
        "<td class=\"num uptime\"><ul><li>1h 0.0 %</li><li>24h 0.0 %</li><li>7d 0.0 %</li></ul></td>");
  }

  @Test
  void moreTargetsThanAPageHoldsAreOneLineEachByDefaultAndInFullWhenAsked() throws Exception {
    String compact = ProbeHttp.get(port, "/").body();
    String full = ProbeHttp.get(port, "/?view=full").body();

    assertThat(compact).contains("<table class=\"targets compact\">").doesNotContain("class=\"latency\"")
        .doesNotContain("class=\"since\"");
    assertThat(rows(compact)).hasSize(StatusView.PAGE_ROWS);
    assertThat(full).contains("<table class=\"targets\">").doesNotContain("targets compact");
    assertThat(rows(full)).hasSize(StatusView.PAGE_ROWS);
    assertThat(full.split("<svg class=\"latency\"")).as("a latency line in every row").hasSize(StatusView.PAGE_ROWS + 1);
    assertThat(ProbeHttp.get(port, "/?name=t00").body()).as("ten targets match: few enough to show in full")
        .contains("<table class=\"targets\">");
  }

  @Test
  void aChosenLayoutIsKeptByThePageLinksTheDownCountAndTheFilterForm() throws Exception {
    String page = ProbeHttp.get(port, "/?view=compact&name=t").body();

    assertThat(page).contains("href=\"?show=all&amp;name=t&amp;page=2&amp;view=compact\"")
        .contains("href=\"?show=down&amp;view=compact\"")
        .contains("<option value=\"compact\" selected>compact</option>");
    assertThat(ProbeHttp.get(port, "/").body()).as("left to the default, nothing is chosen for the next pages")
        .contains("href=\"?show=all&amp;page=2\"").contains("href=\"?show=down\"")
        .contains("<option value=\"auto\" selected>auto</option>");
    HttpResponse<String> unknown = ProbeHttp.get(port, "/?view=grid");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).isEqualTo("view: 'grid' is none of auto, full and compact\n");
  }

  @Test
  void whatTheNetworkSentIsEscapedTextInTheCompactLayoutToo() throws Exception {
    String body = ProbeHttp.get(port, "/?name=hostile&view=compact").body();

    assertThat(body).contains("<table class=\"targets compact\">")
        .doesNotContain("<script>alert(1)").doesNotContain("<img").doesNotContain("\u0000", "\u001b", "\u202e")
        .containsPattern("<td class=\"reason\" title=\"[^\"<]*&lt;script>alert\\(1\\)&lt;/script>\\\\&#34;>"
            + "&lt;img src=x onerror=alert\\(2\\)>\\\\x00\\\\x1b\\[31m\\\\u202eev[^\"<]*\">banner_mismatch</td>");
  }

  private JsonArray history(String name) throws Exception {
    return ProbeHttp.targets(port).getJsonArray("targets").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("name").equals(name)).findFirst().orElseThrow().getJsonArray("history");
  }

  /** Each row's state and target, in the page's order. */
  private static List<String> rows(String page) {
    return ROW.matcher(page).results().map(m -> m.group(1) + " " + m.group(2)).toList();
  }
}
