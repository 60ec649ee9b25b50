package dev.greetprobe.probe.http;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.probe.ProbeHttp;
import dev.greetprobe.probe.ProbeService;
import dev.greetprobe.probe.TestGreeter;
import dev.greetprobe.probe.config.ConfigSource;
import dev.greetprobe.testkit.Ports;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The status page grouped by a label of the targets ({@code ?group=team}), in Debian's chromium: a team with a target
 * down, one whose name is markup meant to run, and one all up.
 */
class StatusPageGroupsBrowserIT {

  /** Markup that, were it not text, would run a script, add an image and change the page's title. */
  private static final String HOSTILE_TEAM = "<script>document.title='owned'</script>"
      + "<img src=x onerror=\"document.title='owned'\">";

  private static Vertx vertx;
  private static ProbeService service;
  private static ChromeDriver browser;
  private static String page;

  @BeforeAll
  static void start() throws Exception {
    StatusPageBrowserIT.requireChromium();
    PrometheusMeterRegistry registry = Instrumentation.registry();
    vertx = Instrumentation.vertx(registry, true);
    int greeter = TestGreeter.start(vertx);
    String config = """
        http: {host: 127.0.0.1, port: %d}
        defaults: {interval: 1s, timeout: 300ms}
        targets:
          - {name: pay-up, address: '127.0.0.1:%d', labels: {team: payments, env: prod}}
          - {name: pay-down, address: '127.0.0.1:%d', labels: {team: payments, env: prod}}
          - {name: store-up, address: '127.0.0.1:%d', labels: {team: storage, env: prod}}
          - {name: hostile-up, address: '127.0.0.1:%d', labels: {team: '%s', env: prod}}
        """.formatted(Ports.free(), greeter, Ports.free(), greeter, greeter, HOSTILE_TEAM.replace("'", "''"));
    service = new ProbeService(vertx, registry, new ConfigSource.Fixed(config, "test config", Map.of()), config);
    join(service.start());
    page = "http://127.0.0.1:" + service.httpPort() + "/";
    await().atMost(Duration.ofSeconds(30)).until(() ->
        ProbeHttp.targets(service.httpPort()).getJsonArray("targets").stream()
            .allMatch(t -> ((JsonObject) t).getJsonObject("last") != null));
    browser = StatusPageBrowserIT.chromium();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      join(service.stop());
    }
    if (vertx != null) {
      join(vertx.close());
    }
  }

  @Test
  void groupedByALabelEachGroupIsCountedAndTheGroupsWithADownTargetComeFirst() {
    onPage("?group=team", () -> {
      assertThat(groups()).containsExactly(
          "team payments 1 down · 0 pending · 1 up",
          "team " + HOSTILE_TEAM + " 0 down · 0 pending · 1 up",
          "team storage 0 down · 0 pending · 1 up");
      assertThat(names()).containsExactly("pay-down", "pay-up", "hostile-up", "store-up");
      assertThat(browser.findElement(By.cssSelector("tr.group.has-down")).getAttribute("data-group"))
          .isEqualTo("payments");
    });
  }

  @Test
  void theCompactLayoutIsGroupedAlike() throws Exception {
    onPage("?group=team&view=compact", () -> {
      assertThat(browser.findElements(By.cssSelector("table.compact"))).hasSize(1);
      assertThat(groups()).containsExactly(
          "team payments 1 down · 0 pending · 1 up",
          "team " + HOSTILE_TEAM + " 0 down · 0 pending · 1 up",
          "team storage 0 down · 0 pending · 1 up");
      assertThat(names()).containsExactly("pay-down", "pay-up", "hostile-up", "store-up");
    });
    StatusPageBrowserIT.saveScreenshot(browser, "status-page-groups.png");
  }

  @Test
  void aHostileLabelValueIsShownAsTextAndRunsNothing() {
    onPage("?group=team", () -> {
      assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
      assertThat(browser.getTitle()).doesNotContain("owned");
      assertThat(browser.findElements(By.tagName("script"))).as("the page has no script, and none came in").isEmpty();
      assertThat(browser.findElements(By.cssSelector("img"))).as("no image came in").isEmpty();
      assertThat(browser.findElements(By.cssSelector("tr.group .group-value")).stream().map(WebElement::getText))
          .contains(HOSTILE_TEAM);
    });
  }

  @Test
  void anUnknownLabelIsSaidOnThePageWhichStillListsEveryTarget() {
    onPage("?group=zone", () -> {
      assertThat(browser.findElement(By.className("group-problem")).getText())
          .isEqualTo("No target carries the label 'zone' to group by; their labels are env, team.");
      assertThat(groups()).isEmpty();
      assertThat(names()).containsExactly("pay-down", "hostile-up", "pay-up", "store-up");
    });
    onPage("?group=" + URLEncoder.encode(HOSTILE_TEAM, StandardCharsets.UTF_8), () -> {
      assertThat(browser.getTitle()).doesNotContain("owned");
      assertThat(browser.findElements(By.cssSelector("img"))).isEmpty();
      assertThat(browser.findElement(By.className("group-problem")).getText())
          .startsWith("No target carries the label '" + HOSTILE_TEAM + "' to group by");
    });
  }

  @Test
  void theFormOffersTheTargetsLabelsToGroupBy() {
    onPage("", () -> {
      Select group = new Select(browser.findElement(By.name("group")));
      assertThat(group.getOptions().stream().map(WebElement::getText)).containsExactly("no label", "env", "team");
      group.selectByValue("team");
      browser.findElement(By.cssSelector("form.filter button")).click();
      assertThat(browser.getCurrentUrl()).contains("group=team");
      assertThat(groups()).hasSize(3);
      assertThat(new Select(browser.findElement(By.name("group"))).getFirstSelectedOption().getText())
          .isEqualTo("team");
    });
  }

  /** Loads the page with {@code query} and checks it, again if the page's own refresh replaced it meanwhile. */
  private static void onPage(String query, ThrowingRunnable checks) {
    await().atMost(Duration.ofSeconds(30))
        .ignoreExceptionsMatching(StatusPageBrowserIT::replacedByRefresh)
        .untilAsserted(() -> {
          browser.get(page + query);
          checks.run();
        });
  }

  /** Each group's heading: the label, its value, its counts. */
  private static List<String> groups() {
    return browser.findElements(By.cssSelector("tr.group th")).stream().map(WebElement::getText).toList();
  }

  private static List<String> names() {
    return browser.findElements(By.cssSelector("tbody tr td.target .name")).stream().map(WebElement::getText).toList();
  }
}
