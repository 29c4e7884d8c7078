package io.ballast.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.controller.http.NodeMetricsTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus (Debian's, through {@code bin/prometheus}) scrapes a node started with {@code bin/ballast run}
 * every second with a bearer token, as an operator would configure it, while the node decides a surge: what
 * Prometheus stores is what the node reports, and every metric the Grafana dashboard queries is there.
 */
class PrometheusIT {

  private static final Path LOGS = Path.of("target", "it-logs");
  private static NodeProcess node;
  private static PrometheusServer prometheus;

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(LOGS);
    Path data = Files.createTempDirectory("ballast-prometheus");
    node = NodeProcess.start(data, LOGS.resolve("prometheus-node.log"),
        Map.of("BALLAST_WINDOW", "1s", "BALLAST_WINDOW_GRACE", "1s"));
    prometheus = PrometheusServer.start("""
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: ballast
            metrics_path: /metrics
            authorization:
              credentials_file: %s
            static_configs:
              - targets: ["127.0.0.1:%d"]
        """.formatted(data.resolve("admin.token"), node.httpPort()), Path.of("target", "prometheus-it"));
    int[] load = {300, 300, 3000, 3000, 3000, 3000, 600, 300};
    for (int load1 : load) {
      Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      for (String priority : new String[] {"critical", "sheddable"}) {
        assertThat(node.post("/v1/metrics", "{\"samples\":[{\"service\":\"shop\",\"at\":\"" + at + "\","
            + "\"periodSeconds\":1,\"priority\":\"" + priority + "\",\"requests\":" + load1 / 2 + ","
            + "\"instances\":{\"ready\":3}}]}").status()).isEqualTo(200);
      }
      Thread.sleep(1000);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void prometheusStoresWhatTheNodeReportsAndEveryMetricTheDashboardQueries() throws Exception {
    assertThat(prometheus.value("up{job=\"ballast\"}")).isEqualTo(1);

    // The node's decision is final once the samples stop (metric outage holds the count): both sides agree on it,
    // and on the 16 samples accepted, once a scrape after the last post has landed.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    double desired = node.get("/v1/services/shop").body().get("desiredInstances").asDouble();
    while (prometheus.value("ballast_service_desired_instances{service=\"shop\"}") != desired
        || prometheus.value("sum(ballast_ingest_samples_total{outcome=\"accepted\"})") != 16) {
      assertThat(System.nanoTime()).as("Prometheus has the node's desired count and 16 accepted samples within 30 s")
          .isLessThan(deadline);
      Thread.sleep(500);
      desired = node.get("/v1/services/shop").body().get("desiredInstances").asDouble();
    }
    assertThat(desired).isGreaterThan(3);
    assertThat(prometheus.value("sum(ballast_decisions_total{mode=\"panic\"})")).isPositive();
    assertThat(prometheus.value("max_over_time(ballast_service_shed_fraction{service=\"shop\",priority=\"sheddable\"}[1m])"))
        .isPositive();

    for (String name : NodeMetricsTest.dashboardMetrics()) {
      assertThat(prometheus.value("count({__name__=\"" + name + "\"})")).as(name).isPositive();
    }
    // The dashboard's own queries answer too.
    assertThat(prometheus.value("histogram_quantile(0.99, sum by (le) (rate(ballast_ingest_ack_seconds_bucket[1m])))"))
        .isPositive();
  }
}
