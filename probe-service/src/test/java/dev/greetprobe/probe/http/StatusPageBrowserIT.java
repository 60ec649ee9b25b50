package dev.greetprobe.probe.http;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.probe.ProbeHttp;
import dev.greetprobe.probe.ProbeService;
import dev.greetprobe.probe.TestGreeter;
import dev.greetprobe.probe.TestServers;
import dev.greetprobe.probe.config.ConfigSource;
import dev.greetprobe.testkit.Ports;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The status page in a real browser, Debian's chromium driven through Debian's chromedriver, against a running probe
 * whose targets are a real greeter, a closed port, a server with the wrong greeting, one whose greeting is markup
 * meant to run, one that never answers, and one that fails one time in ten.
 */
class StatusPageBrowserIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** Markup that, were it not text, would run a script, add an image and change the page's title. */
  private static final String HOSTILE = "<script>document.title='owned';alert(1)</script>"
      + "\"><img src=x onerror=\"document.title='owned'\">";
  private static final int RESULTS_BEFORE_LOOKING = 20;
  /** The narrowest screen the page is made for, a common laptop's: every layout fits its width. */
  private static final Dimension SCREEN = new Dimension(1366, 960);
  /**
   * Counts, in each page the browser loads, what the page's Content-Security-Policy blocks: the browser reports each
   * to the document. The driver adds it as the debugger does, so the policy does not block the counter itself.
   */
  private static final String COUNT_VIOLATIONS = "window.cspViolations = [];"
      + " document.addEventListener('securitypolicyviolation',"
      + " e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));";

  /** More targets than a page holds, named as a fleet's services might be, a few of them down or flaky. */
  private static final int MANY_TARGETS = 160;
  private static final String[][] SERVICES = {{"checkout", "api"}, {"payments", "gateway"}, {"search", "index"},
      {"orders", "db"}, {"inventory", "cache"}, {"auth", "ldap"}, {"mail", "smtp"}, {"billing", "worker"}};

  private static Vertx vertx;
  private static ProbeService service;
  private static ChromeDriver browser;
  private static String page;

  @BeforeAll
  static void start() throws Exception {
    requireChromium();
    PrometheusMeterRegistry registry = Instrumentation.registry();
    vertx = Instrumentation.vertx(registry, true);
    int greeter = TestGreeter.start(vertx);
    int closed = Ports.free();
    int wrong = TestServers.delayed(vertx, "220 mail.example ESMTP ready", Duration.ZERO).actualPort();
    int hostile = TestServers.delayed(vertx, HOSTILE, Duration.ZERO).actualPort();
    int silent = TestServers.silent(vertx).actualPort();
    AtomicInteger connections = new AtomicInteger();
    Buffer greeting = Buffer.buffer("Thank You for Connecting");
    int flaky = TestServers.listen(vertx, socket -> {
      int connection = connections.incrementAndGet();
      if (connection % 10 == 5) {
        socket.close();
      } else {
        socket.end(greeting);
      }
    }).actualPort();
    String greeterExpect = ", expect: '^Thank You for Connecting$'}";
    String config = """
        http: {host: 127.0.0.1, port: %d}
        defaults: {interval: 1s, timeout: 300ms}
        status: {history: 30}
        targets:
          - {name: greeter, address: '127.0.0.1:%d'%s
          - {name: refusing, address: '127.0.0.1:%d'}
          - {name: wrong-greeting, address: '127.0.0.1:%d'%s
          - {name: hostile-banner, address: '127.0.0.1:%d'%s
          - {name: silent, address: '127.0.0.1:%d'%s
          - {name: flaky, address: '127.0.0.1:%d'%s
        """.formatted(Ports.free(), greeter, greeterExpect, closed, wrong, greeterExpect, hostile,
        greeterExpect, silent, greeterExpect, flaky, greeterExpect);
    service = new ProbeService(vertx, registry, new ConfigSource.Fixed(config, "test config", Map.of()), config);
    join(service.start());
    page = "http://127.0.0.1:" + service.httpPort() + "/";
    await().atMost(Duration.ofSeconds(RESULTS_BEFORE_LOOKING * 3)).until(() ->
        ProbeHttp.targets(service.httpPort()).getJsonArray("targets").stream()
            .allMatch(t -> ((JsonObject) t).getJsonArray("history").size() >= RESULTS_BEFORE_LOOKING));
    browser = chromium();
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

  /** Fails, saying how to install them, without Debian's chromium and chromedriver. */
  static void requireChromium() {
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .as("Debian's chromium and chromedriver (%s, %s); install them with: sudo apt-get install -y chromium"
            + " chromium-driver (./test does)", CHROMIUM, CHROMEDRIVER)
        .isTrue();
  }

  /** Headless, and nothing fetched: the driver and the browser are Debian's, named here, so no manager looks. */
  static ChromeDriver chromium() {
    ChromeDriverService driver = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    ChromeOptions options = new ChromeOptions()
        .setBinary(CHROMIUM.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--no-first-run", "--disable-extensions", "--hide-scrollbars");
    ChromeDriver chrome = new ChromeDriver(driver, options);
    chrome.manage().window().setSize(SCREEN);
    chrome.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", COUNT_VIOLATIONS));
    return chrome;
  }

  @Test
  void eachRowSaysItsStateAndWhyWithTheDownTargetsFirst() {
    onPage("", () -> {
      assertThat(rowStates()).containsExactly(
          "flaky=up", "greeter=up", "hostile-banner=down", "refusing=down", "silent=down", "wrong-greeting=down");
      assertThat(names()).as("down first, then by name").containsExactly(
          "hostile-banner", "refusing", "silent", "wrong-greeting", "flaky", "greeter");
      assertThat(reason("refusing")).isEqualTo("connect_refused");
      assertThat(reason("wrong-greeting")).isEqualTo("banner_mismatch");
      assertThat(reason("hostile-banner")).isEqualTo("banner_mismatch");
      assertThat(reason("silent")).isEqualTo("read_timeout");
      assertThat(row("wrong-greeting").findElement(By.className("detail")).getText()).contains("220 mail.example");
      assertThat(row("greeter").findElements(By.className("reason"))).isEmpty();
      assertThat(row("greeter").findElements(By.cssSelector("td.strip rect.cell")))
          .hasSizeGreaterThanOrEqualTo(RESULTS_BEFORE_LOOKING)
          .allSatisfy(cell -> assertThat(cell.getAttribute("class")).contains("c-success"));
      assertThat(row("greeter").findElement(By.cssSelector("td.strip rect.cell title")).getAttribute("textContent"))
          .as("a cell's hover text: when, the result, how long")
          .matches("\\d\\d:\\d\\d:\\d\\dZ · success · [0-9.]+ ms");
      assertThat(row("flaky").findElements(By.cssSelector("td.strip rect.c-closed_early"))).isNotEmpty();
      assertThat(row("greeter").findElements(By.cssSelector("ul.phases li"))).extracting(WebElement::getText)
          .anySatisfy(phase -> assertThat(phase).startsWith("connect "))
          .anySatisfy(phase -> assertThat(phase).startsWith("first_byte "));
      assertThat(browser.findElement(By.cssSelector(".counts .down")).getText()).isEqualTo("4 down");
      saveScreenshot(browser, "status-page.png");
    });
  }

  @Test
  void eachRowSaysSinceWhenItsTargetIsInItsStateAndItsUptime() {
    onPage("", () -> {
      WebElement since = row("refusing").findElement(By.className("since"));
      assertThat(since.getText()).as("since when the target is down, and for how long")
          .matches("since \\d\\d:\\d\\d:\\d\\dZ \\(\\d+ s\\)");
      assertThat(since.getAttribute("title")).as("its changes, on hover")
          .matches("\\d\\d:\\d\\d:\\d\\dZ down \\(connect_refused\\)");
      assertThat(row("greeter").findElements(By.cssSelector("td.uptime li"))).extracting(WebElement::getText)
          .as("a window a line").containsExactly("1h 100.0 %", "24h 100.0 %", "7d 100.0 %");
    });
  }

  @Test
  void theHostileBannerIsShownAsTextAndRunsNothing() {
    onPage("", () -> {
      assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
      assertThat(browser.getTitle()).doesNotContain("owned");
      assertThat(browser.findElements(By.tagName("script"))).as("the page has no script, and none came in").isEmpty();
      assertThat(browser.findElements(By.cssSelector("img"))).as("no image came in").isEmpty();
      WebElement hostile = row("hostile-banner");
      assertThat(hostile.findElement(By.className("detail")).getText()).contains("<script>document.title='owned'");
      assertThat(hostile.findElement(By.cssSelector("details.received pre")).getAttribute("textContent"))
          .isEqualTo(HOSTILE);
    });
  }

  @Test
  void theFilterWorksWithoutScriptThroughThePlainForm() {
    onPage("?show=down", () ->
        assertThat(names()).containsExactly("hostile-banner", "refusing", "silent", "wrong-greeting"));
    onPage("", () -> {
      browser.findElement(By.name("name")).sendKeys("GREET");
      browser.findElement(By.cssSelector("form.filter button")).click();
      assertThat(browser.getCurrentUrl()).contains("name=GREET");
      assertThat(names()).containsExactly("wrong-greeting", "greeter");
      assertThat(browser.findElement(By.name("name")).getAttribute("value")).isEqualTo("GREET");
    });
    onPage("?show=down&name=nothing-like-this", () ->
        assertThat(browser.findElement(By.className("none")).getText()).isEqualTo("No target matches."));
  }

  @Test
  void eachRowDrawsHowLongItsProbesTookWithTheirMedianAndNinetyNinthPercentileAndThePolicyBlocksNothing() {
    onPage("", () -> {
      assertThat(browser.findElements(By.cssSelector("tbody tr"))).hasSize(6).allSatisfy(row -> {
        WebElement line = row.findElement(By.cssSelector("td.strip svg.latency polyline"));
        assertThat(line.getAttribute("points").split(" ")).as("a point a result kept")
            .hasSizeGreaterThanOrEqualTo(RESULTS_BEFORE_LOOKING);
        assertThat(line.getRect().getWidth()).as("drawn, styled by the page's stylesheet").isPositive();
        assertThat(row.findElement(By.className("latency-label")).getText())
            .matches("last \\d+ probes, \\d+ s: p50 [0-9.]+ m?s, p99 [0-9.]+ m?s");
      });
      assertThat(violations()).as("what the page's CSP blocked").isEmpty();
    });
    onPage("", () -> {
      ((JavascriptExecutor) browser).executeScript(
          "document.body.insertAdjacentHTML('beforeend', '<b style=\"color: red\">an inline style</b>')");
      assertThat(violations()).as("the count sees what the policy blocks, as an inline style attribute")
          .anySatisfy(violation -> assertThat(violation).startsWith("style-src"));
    });
  }

  @Test
  void theCompactLayoutIsChosenWithViewOneLineATargetAndTheRefreshKeepsIt() {
    onPage("?view=compact", () -> {
      assertThat(browser.findElements(By.cssSelector("table.targets.compact"))).hasSize(1);
      assertThat(names()).containsExactly(
          "hostile-banner", "refusing", "silent", "wrong-greeting", "flaky", "greeter");
      assertThat(rowStates()).containsExactly(
          "flaky=up", "greeter=up", "hostile-banner=down", "refusing=down", "silent=down", "wrong-greeting=down");
      assertThat(reason("silent")).isEqualTo("read_timeout");
      assertOneLineEach();
      assertThat(row("flaky").findElements(By.cssSelector("td.strip rect.c-closed_early"))).isNotEmpty();
      assertThat(violations()).isEmpty();
      ((JavascriptExecutor) browser).executeScript("window.loadedBeforeRefresh = true");
    });
    await().atMost(Duration.ofSeconds(10)).ignoreExceptionsMatching(StatusPageBrowserIT::replacedByRefresh)
        .untilAsserted(() -> {
          assertThat(((JavascriptExecutor) browser).executeScript("return window.loadedBeforeRefresh"))
              .as("the page reloaded itself").isNull();
          assertThat(browser.getCurrentUrl()).endsWith("?view=compact");
          assertThat(browser.findElements(By.cssSelector("table.targets.compact tbody tr"))).hasSize(6);
        });
  }

  @Test
  void eachLayoutFitsTheScreenWidthWithoutScrollingSideways() {
    for (String layout : List.of("?view=full", "?view=compact")) {
      onPage(layout, StatusPageBrowserIT::assertFitsTheWidth);
    }
  }

  @Test
  void theCompactStripTakesTheRoomItsLineLeaves() {
    onPage("?view=compact", () -> assertThat(narrowestStrip()).as("the strip's width, in the table's")
        .isGreaterThan(0.5));
  }

  @Test
  void theHostileBannerIsTextInTheCompactLayoutToo() {
    onPage("?view=compact", () -> {
      assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
      assertThat(browser.getTitle()).doesNotContain("owned");
      assertThat(browser.findElements(By.tagName("script"))).isEmpty();
      assertThat(browser.findElements(By.cssSelector("img"))).isEmpty();
      assertThat(row("hostile-banner").findElement(By.cssSelector("td.reason")).getAttribute("title"))
          .as("the detail, for hovering").contains("<script>document.title='owned'");
      assertThat(violations()).isEmpty();
    });
  }

  @Test
  void moreTargetsThanAPageHoldsAreCompactByDefaultAndInFullWhenAsked() throws Exception {
    int greeter = TestGreeter.start(vertx);
    int closed = Ports.free();
    int silent = TestServers.silent(vertx).actualPort();
    AtomicInteger connections = new AtomicInteger();
    int flaky = TestServers.listen(vertx, socket -> {
      if (connections.incrementAndGet() % 7 == 0) {
        socket.close();
      } else {
        socket.end(Buffer.buffer("Thank You for Connecting"));
      }
    }).actualPort();
    StringBuilder targets = new StringBuilder();
    for (int i = 0; i < MANY_TARGETS; i++) {
      String[] service = SERVICES[i % SERVICES.length];
      int port = i % 23 == 5 ? closed : i % 37 == 11 ? silent : i % 11 == 3 ? flaky : greeter;
      targets.append("  - {name: %s-%s-%02d, address: '127.0.0.1:%d', expect: '^Thank You'}%n"
          .formatted(service[0], service[1], i / SERVICES.length, port));
    }
    String config = """
        http: {host: 127.0.0.1, port: %d}
        defaults: {interval: 1s, timeout: 300ms}
        status: {history: 20}
        targets:
        %s""".formatted(Ports.free(), targets);
    ProbeService many = new ProbeService(vertx, Instrumentation.registry(),
        new ConfigSource.Fixed(config, "test config", Map.of()), config);
    join(many.start());
    try {
      await().atMost(Duration.ofSeconds(60)).until(() ->
          ProbeHttp.targets(many.httpPort()).getJsonArray("targets").stream()
              .allMatch(t -> ((JsonObject) t).getJsonArray("history").size() >= 15));
      String manyPage = "http://127.0.0.1:" + many.httpPort() + "/";
      onPage(manyPage, "", () -> {
        assertThat(browser.findElements(By.cssSelector("table.targets.compact tbody tr")))
            .hasSize(StatusView.PAGE_ROWS);
        assertThat(browser.findElement(By.cssSelector("nav.pages")).getText())
            .contains("rows 1–100 of " + MANY_TARGETS + ", page 1 of 2");
        assertThat(browser.findElement(By.cssSelector("select[name=view] option[selected]")).getText())
            .isEqualTo("auto");
        assertOneLineEach();
        assertFitsTheWidth();
        assertThat(narrowestStrip()).isGreaterThan(0.5);
        assertThat(violations()).isEmpty();
        saveScreenshot(browser, "status-page-compact.png");
      });
      onPage(manyPage, "?view=full", () -> {
        assertThat(browser.findElements(By.cssSelector("table.targets.compact"))).isEmpty();
        assertThat(violations()).isEmpty();
        assertThat(browser.findElements(By.cssSelector("table.targets tbody tr svg.latency")))
            .hasSize(StatusView.PAGE_ROWS);
        assertFitsTheWidth();
        browser.findElement(By.cssSelector("a[rel=next]")).click();
        assertThat(browser.getCurrentUrl()).endsWith("page=2&view=full");
        assertThat(browser.findElements(By.cssSelector("table.targets tbody tr svg.latency")))
            .hasSize(MANY_TARGETS - StatusView.PAGE_ROWS);
      });
    } finally {
      join(many.stop());
    }
  }

  /**
   * Each row a line: less than twice as tall as its target's name. Measured in one call, so that a page of many rows
   * is read before its own refresh replaces it.
   */
  @SuppressWarnings("unchecked")
  private static void assertOneLineEach() {
    List<Number> heights = (List<Number>) ((JavascriptExecutor) browser).executeScript("""
        return Array.from(document.querySelectorAll('tbody tr'), row => row.getBoundingClientRect().height
            / row.querySelector('td.target .name').getBoundingClientRect().height)""");
    assertThat(heights).as("each row's height, in its name's").isNotEmpty()
        .allSatisfy(height -> assertThat(height.doubleValue()).isLessThan(2));
  }

  /** In a window as wide as the screen, nothing reaches past its right edge: the page never scrolls sideways. */
  @SuppressWarnings("unchecked")
  private static void assertFitsTheWidth() {
    List<Number> widths = (List<Number>) ((JavascriptExecutor) browser).executeScript(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
    assertThat(widths.get(1).intValue()).as("the window's width inside").isEqualTo(SCREEN.getWidth());
    assertThat(widths.get(0).intValue()).as("the page's width, what scrolling sideways would show")
        .isLessThanOrEqualTo(widths.get(1).intValue());
  }

  /** The narrowest row's strip, its width as a share of the table's. */
  private static double narrowestStrip() {
    return ((Number) ((JavascriptExecutor) browser).executeScript("""
        const table = document.querySelector('table.targets').getBoundingClientRect().width;
        return Math.min(...Array.from(document.querySelectorAll('tbody td.strip svg'),
            strip => strip.getBoundingClientRect().width)) / table""")).doubleValue();
  }

  /** What the page's Content-Security-Policy blocked since the page loaded, as the browser reported it. */
  @SuppressWarnings("unchecked")
  private static List<String> violations() {
    return (List<String>) ((JavascriptExecutor) browser).executeScript("return window.cspViolations");
  }

  /**
   * Loads the page with {@code query} and checks it, again from a fresh load if the page's own refresh replaced it
   * while it was being read. Chrome says so in three ways: a stale element; an element not found, while the new
   * document loads; or, when the refresh lands between finding an element and reading it, an inspector error that the
   * node is no longer in the document. An element that is really missing still fails the check once time runs out.
   */
  private static void onPage(String query, ThrowingRunnable checks) {
    onPage(page, query, checks);
  }

  private static void onPage(String address, String query, ThrowingRunnable checks) {
    await().atMost(Duration.ofSeconds(30)).ignoreExceptionsMatching(StatusPageBrowserIT::replacedByRefresh)
        .untilAsserted(() -> {
          browser.get(address + query);
          checks.run();
        });
  }

  static boolean replacedByRefresh(Throwable e) {
    return e instanceof StaleElementReferenceException || e instanceof NoSuchElementException
        || e instanceof WebDriverException && String.valueOf(e.getMessage()).contains("does not belong to the document");
  }

  private static List<String> rowStates() {
    return browser.findElements(By.cssSelector("tbody tr")).stream()
        .map(tr -> tr.getAttribute("data-target") + "=" + tr.findElement(By.className("badge")).getText())
        .sorted().toList();
  }

  private static List<String> names() {
    return browser.findElements(By.cssSelector("tbody tr td.target .name")).stream().map(WebElement::getText).toList();
  }

  private static WebElement row(String name) {
    return browser.findElement(By.cssSelector("tr[data-target='" + name + "']"));
  }

  private static String reason(String name) {
    return row(name).findElement(By.className("reason")).getText();
  }

  /**
   * Into target/; and, asked with {@code -Ddocs.screenshot=true}, into the docs, where the README shows it: asked, so
   * that running the tests leaves the checkout as it was.
   */
  static void saveScreenshot(ChromeDriver browser, String file) throws IOException {
    byte[] png = browser.getScreenshotAs(OutputType.BYTES);
    Files.write(Path.of("target", file), png);
    if (Boolean.getBoolean("docs.screenshot")) {
      Path docs = Path.of("..", "docs");
      assertThat(docs.resolve("probe.md")).as("the repository's docs, beside the module").exists();
      Files.write(docs.resolve(file), png);
    }
  }
}
