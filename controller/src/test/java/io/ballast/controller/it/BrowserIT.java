package io.ballast.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in a real headless Chromium (Debian's, through {@code bin/chromium}) against a node started with
 * {@code bin/ballast run} and fed a recorded incident: a surge on two priority classes (40 % critical, 60 % sheddable) that scales out and sheds.
 * It logs in with the node's admin token, checks that the charts draw every window the API has for the range,
 * that the live view moves on by itself, sets and cancels an override from the page (and the API sees both), and
 * lays a what-if under {@code hpa} over the postmortem. Screenshots land in {@code target/browser-screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserIT {

  private static final Path LOGS = Path.of("target", "it-logs");
  private static final Path SHOTS = Path.of("target", "browser-screenshots");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static NodeProcess node;
  private static ChromeDriver browser;
  private static Instant from;
  private static Instant to;

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(LOGS);
    Files.createDirectories(SHOTS);
    node = NodeProcess.start(Files.createTempDirectory("ballast-browser"), LOGS.resolve("browser-node.log"),
        Map.of("BALLAST_WINDOW", "1s", "BALLAST_WINDOW_GRACE", "1s"));
    browser = Chromium.start(1400, 2400, LOGS.resolve("chromedriver.log"));
    recordAnIncident();
  }

  /** Steady, a fivefold surge on both classes with instances slowly becoming ready, then steady again. */
  private static void recordAnIncident() throws Exception {
    int[] load = {300, 300, 300, 300, 1500, 1500, 1500, 1500, 1500, 1500, 1500, 1500, 900, 300, 300, 300};
    from = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
    for (int i = 0; i < load.length; i++) {
      Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      int ready = Math.min(3 + i / 3, 8);
      for (String priority : new String[] {"critical", "sheddable"}) {
        int requests = priority.equals("critical") ? load[i] * 2 / 5 : load[i] * 3 / 5;
        String body = "{\"samples\":[{\"service\":\"checkout\",\"at\":\"" + at + "\",\"periodSeconds\":1,"
            + "\"priority\":\"" + priority + "\",\"requests\":" + requests + ",\"latencyP99Ms\":140,"
            + "\"instances\":{\"ready\":" + ready + "}}]}";
        assertThat(node.post("/v1/metrics", body).status()).isEqualTo(200);
      }
      Thread.sleep(1000);
    }
    Thread.sleep(3000);
    to = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (node != null) {
      node.close();
    }
  }

  private static String page(String hash) {
    return "http://127.0.0.1:" + node.httpPort() + "/ui/" + hash;
  }

  private static WebElement await(By by) {
    return new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  private static int points(String chartId) {
    String n = browser.findElement(By.id(chartId)).getAttribute("data-points");
    return n == null ? -1 : Integer.parseInt(n);
  }

  private static int awaitPoints(String chartId) {
    new WebDriverWait(browser, WAIT).until(d -> points(chartId) > 0);
    return points(chartId);
  }

  /** How many pixels of the chart's canvas are drawn on (not transparent): a chart that rendered has lines. */
  private static long drawnPixels(String chartId) {
    Object n = ((JavascriptExecutor) browser).executeScript(
        "const c = document.querySelector('#' + arguments[0] + ' canvas');"
            + "if (!c) return 0; const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            + "let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;", chartId);
    return ((Number) n).longValue();
  }

  private static void screenshot(String name) throws Exception {
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  private static String enc(Object value) {
    return URLEncoder.encode(value.toString(), StandardCharsets.UTF_8);
  }

  @Test
  @Order(1)
  void a_wrong_token_is_refused_and_the_nodes_admin_token_logs_in() throws Exception {
    browser.get(page(""));
    await(By.id("token")).sendKeys("bst_not-a-token");
    browser.findElement(By.cssSelector("#login button[type=submit]")).click();
    new WebDriverWait(browser, WAIT).until(d -> !d.findElement(By.id("login-error")).getText().isBlank());
    assertThat(browser.findElement(By.id("login-error")).getText()).contains("not valid");
    screenshot("01-login-refused");

    WebElement token = browser.findElement(By.id("token"));
    token.clear();
    token.sendKeys(node.token());
    browser.findElement(By.cssSelector("#login button[type=submit]")).click();
    new WebDriverWait(browser, WAIT).until(d -> d.findElement(By.id("who")).getText().contains("admin"));
  }

  @Test
  @Order(2)
  void the_overview_lists_the_service_with_its_state() throws Exception {
    browser.get(page("#/"));
    WebElement row = await(By.cssSelector("#services tr[data-service=checkout]"));
    assertThat(row.getText()).contains("checkout");
    screenshot("02-services");
  }

  @Test
  @Order(3)
  void the_live_view_draws_load_capacity_and_shed_and_moves_on_by_itself() throws Exception {
    browser.findElement(By.cssSelector("#services tr[data-service=checkout] a")).click();
    int before = awaitPoints("chart-load");
    assertThat(awaitPoints("chart-capacity")).isEqualTo(before);
    assertThat(awaitPoints("chart-shed")).isEqualTo(before);
    for (String chart : new String[] {"chart-load", "chart-capacity", "chart-shed"}) {
      assertThat(drawnPixels(chart)).as(chart + " drew something").isGreaterThan(500);
    }
    // The node decides a window a second, with or without samples: the page picks them up by itself.
    new WebDriverWait(browser, WAIT).until(d -> points("chart-load") > before + 2);
    assertThat(await(By.id("decisions")).findElements(By.cssSelector("tbody tr"))).isNotEmpty();
    assertThat(browser.findElement(By.id("status-desired")).getText()).isNotBlank();
    screenshot("03-live");
  }

  @Test
  @Order(4)
  void an_operator_sets_an_override_from_the_page_and_cancels_it() throws Exception {
    new Select(await(By.id("override-kind"))).selectByValue("pin");
    browser.findElement(By.id("override-instances")).sendKeys("7");
    browser.findElement(By.id("override-reason")).sendKeys("browser test: hold for the launch");
    browser.findElement(By.id("override-submit")).click();

    WebElement row = await(By.cssSelector("#overrides tr[data-override]"));
    assertThat(row.getText()).contains("pin to 7").contains("browser test: hold for the launch");
    JsonNode set = node.get("/v1/services/checkout/overrides").body().get("overrides");
    assertThat(set).hasSize(1);
    assertThat(set.get(0).get("instances").asInt()).isEqualTo(7);
    String id = set.get(0).get("id").asText();
    assertThat(row.getAttribute("data-override")).isEqualTo(id);
    screenshot("04-override-set");

    await(By.cssSelector("button.cancel[data-override=" + id + "]")).click();
    await(By.id("no-overrides"));
    assertThat(node.get("/v1/services/checkout/overrides").body().get("overrides")).isEmpty();
    JsonNode history = node.get("/v1/services/checkout/events?from=" + enc(from) + "&limit=1000").body().get("events");
    assertThat(history.findValuesAsText("type")).contains("OverrideSet", "OverrideCancelled");
  }

  @Test
  @Order(5)
  void the_postmortem_charts_every_window_of_the_range() throws Exception {
    int windows = node.get("/v1/services/checkout/replay?from=" + enc(from) + "&to=" + enc(to)).body()
        .get("timeline").get("windows").size();
    assertThat(windows).isGreaterThanOrEqualTo(15);

    browser.get(page("#/services/checkout/postmortem?from=" + enc(from) + "&to=" + enc(to)));
    assertThat(awaitPoints("pm-chart-load")).isEqualTo(windows);
    assertThat(points("pm-chart-capacity")).isEqualTo(windows);
    assertThat(points("pm-chart-shed")).isEqualTo(windows);
    for (String chart : new String[] {"pm-chart-load", "pm-chart-capacity", "pm-chart-shed"}) {
      assertThat(drawnPixels(chart)).as(chart + " drew something").isGreaterThan(500);
    }
    assertThat(browser.findElement(By.id("pm-summary")).getText()).contains("reproduces all");
    assertThat(browser.findElement(By.id("pm-decisions")).findElements(By.cssSelector("tbody tr"))).isNotEmpty();
    screenshot("05-postmortem");
  }

  @Test
  @Order(6)
  void a_what_if_under_hpa_is_laid_over_the_postmortem() throws Exception {
    int windows = points("pm-chart-capacity");
    String before = browser.findElement(By.id("pm-chart-capacity")).getAttribute("data-series");
    new Select(await(By.id("wi-kind"))).selectByValue("hpa");
    browser.findElement(By.id("wi-settings")).sendKeys("{\"metric\": \"requests-per-instance\", \"target\": 100}");
    WebElement boot = browser.findElement(By.id("wi-boot"));
    boot.clear();
    boot.sendKeys("5");
    browser.findElement(By.id("wi-run")).click();

    WebElement summary = await(By.id("wi-summary"));
    assertThat(summary.getText()).contains("instance-hours").contains("candidate: hpa").contains("requests shed, critical");
    new WebDriverWait(browser, WAIT).until(d ->
        !d.findElement(By.id("pm-chart-capacity")).getAttribute("data-series").equals(before));
    assertThat(browser.findElement(By.id("pm-chart-capacity")).getAttribute("data-series")).isEqualTo("7");
    assertThat(points("pm-chart-capacity")).isEqualTo(windows);
    assertThat(browser.findElement(By.id("wi-differing")).getText()).contains("decided otherwise in");
    screenshot("06-what-if");

    // A bad setting is named, and the overlay stays as it was.
    WebElement settings = browser.findElement(By.id("wi-settings"));
    settings.clear();
    settings.sendKeys("{\"tolerance\": 3}");
    browser.findElement(By.id("wi-run")).click();
    new WebDriverWait(browser, WAIT).until(d -> !d.findElement(By.id("wi-error")).getText().isBlank());
    assertThat(browser.findElement(By.id("wi-error")).getText()).startsWith("policy.tolerance");
  }
}
