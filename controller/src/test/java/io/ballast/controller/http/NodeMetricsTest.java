package io.ballast.controller.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.controller.TestNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.controller.deploy.DeploymentManifestsTest;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node's own metrics on {@code GET /metrics} after real traffic: a service fed a surge that scales out and sheds,
 * whose decisions go to a webhook that does not answer.
 */
public class NodeMetricsTest {

  private static TestNode node;
  private static String underLoad;

  @BeforeAll
  static void feed() throws Exception {
    node = new TestNode(Files.createTempDirectory("node-metrics"),
        "ballast.observation { window = 1s, grace = 1s, tick-interval = 50ms }\n"
            + "ballast.policy.services.shop { max-instances = 40, targets.requests-per-instance = 50 }\n"
            + "ballast.actuation.services.shop { target = webhook, webhook { url = \"http://127.0.0.1:9/scale\","
            + " secret = 0123456789abcdef0123 }, call-timeout = 500ms }");
    int[] load = {200, 200, 2000, 2000, 2000};
    for (int i = 0; i < load.length; i++) {
      Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      String body = "{\"samples\":[{\"service\":\"shop\",\"at\":\"" + at + "\",\"periodSeconds\":1,"
          + "\"priority\":\"critical\",\"requests\":" + load[i] / 4 + ",\"instances\":{\"ready\":4}},"
          + "{\"service\":\"shop\",\"at\":\"" + at + "\",\"periodSeconds\":1,"
          + "\"priority\":\"sheddable\",\"requests\":" + 3 * load[i] / 4 + ",\"instances\":{\"ready\":4}}]}";
      assertThat(node.post("/v1/metrics", body).status()).isEqualTo(200);
      Thread.sleep(1000);
    }
    // Read while the surge is still the last thing the service saw: once windows close empty, the metric outage
    // lifts shedding.
    underLoad = scrape();
    assertThat(node.post("/v1/metrics", "{\"samples\":[{}]}").status()).isEqualTo(400);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!scrape().contains("ballast_actuator_calls_total{outcome=\"unavailable\",target=\"webhook\"}")) {
      assertThat(System.nanoTime()).as("a failed webhook call within 20 s").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static String scrape() {
    return node.get("/metrics").body().asText();
  }

  private static double value(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    assertThat(m.find()).as("%s in%n%s", series, text).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void ingestCountsBatchesAndSamplesAndTimesTheirAcknowledgement() {
    String text = scrape();
    assertThat(value(text, "ballast_ingest_batches_total{outcome=\"accepted\"}")).isEqualTo(5);
    assertThat(value(text, "ballast_ingest_batches_total{outcome=\"rejected\"}")).isEqualTo(1);
    assertThat(value(text, "ballast_ingest_samples_total{outcome=\"accepted\"}")).isEqualTo(10);
    assertThat(value(text, "ballast_ingest_batch_samples_count")).isEqualTo(5);
    assertThat(value(text, "ballast_ingest_batch_samples_sum")).isEqualTo(10);
    assertThat(value(text, "ballast_ingest_ack_seconds_count")).isEqualTo(5);
    assertThat(value(text, "ballast_journal_write_seconds_count")).isGreaterThanOrEqualTo(5);
  }

  @Test
  void decisionsAreCountedByReasonAndTimedFromTheEndOfTheirWindow() {
    String text = scrape();
    assertThat(text).contains("ballast_decisions_total{changed=\"true\",mode=\"panic\"");
    assertThat(value(text, "ballast_decision_delay_seconds_count")).isGreaterThanOrEqualTo(5);
    // Every window is decided after its 1-s grace, and within a few ticks of it.
    double mean = value(text, "ballast_decision_delay_seconds_sum") / value(text, "ballast_decision_delay_seconds_count");
    assertThat(mean).isBetween(1.0, 3.0);
    assertThat(value(text, "ballast_shed_changes_total{reason=\"deficit\"}")).isPositive();
  }

  @Test
  void eachHostedServiceReportsItsDesiredAndCurrentInstancesAndShedLevels() {
    String text = scrape();
    assertThat(value(text, "ballast_service_desired_instances{service=\"shop\"}")).isGreaterThan(4);
    assertThat(value(text, "ballast_service_instances{service=\"shop\",state=\"ready\"}")).isEqualTo(4);
    assertThat(value(underLoad, "ballast_service_shed_fraction{priority=\"sheddable\",service=\"shop\"}"))
        .isPositive();
    assertThat(text).contains("# HELP ballast_service_shed_fraction ");
  }

  /** The metric names the Grafana dashboard's queries use. */
  public static Set<String> dashboardMetrics() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(
        DeploymentManifestsTest.repositoryRoot().resolve("docker/grafana/dashboards/ballast.json").toFile());
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("\\b((?:ballast|jvm|process)_[a-z_]+)\\b").matcher("");
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        m.reset(target.get("expr").asText());
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    return names;
  }

  @Test
  void everyMetricTheGrafanaDashboardQueriesIsExposed() throws Exception {
    String text = scrape();
    Set<String> names = dashboardMetrics();

    assertThat(names).hasSizeGreaterThan(10);
    for (String name : names) {
      assertThat(text).as(name).containsPattern("(?m)^" + Pattern.quote(name) + "[{ ]");
    }
  }
}
