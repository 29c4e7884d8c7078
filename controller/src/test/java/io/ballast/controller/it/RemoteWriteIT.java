package io.ballast.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.controller.TestNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Metrics where users have them: a real HAProxy (Debian's, through {@code bin/haproxy}) in front of a test backend
 * under load, its built-in Prometheus exporter scraped every second by a real Prometheus (through
 * {@code bin/prometheus}), which remote-writes to a running node. The node's windows must hold exactly the requests
 * Prometheus saw, class by class, at the rate the load was sent.
 */
class RemoteWriteIT {

  private static final String HAPROXY = """
      global
        log stderr format raw local0
      defaults
        mode http
        timeout connect 2s
        timeout client 10s
        timeout server 10s
      frontend web
        bind 127.0.0.1:{WEB_PORT}
        use_backend be_critical if { req.hdr(X-Priority) -m str critical }
        default_backend be_sheddable
      frontend exporter
        bind 127.0.0.1:{EXPORTER_PORT}
        http-request use-service prometheus-exporter if { path /metrics }
      backend be_critical
        server s1 127.0.0.1:{BACKEND}
      backend be_sheddable
        server s1 127.0.0.1:{BACKEND}
      """;

  private static final String PROMETHEUS = """
      global:
        scrape_interval: 1s
      scrape_configs:
        - job_name: haproxy
          static_configs:
            - targets: ["127.0.0.1:%d"]
      remote_write:
        - url: http://127.0.0.1:%d/api/v1/write
          queue_config:
            batch_send_deadline: 1s
            min_backoff: 100ms
      """;

  private static final Map<String, String> BACKENDS = Map.of("critical", "be_critical", "sheddable", "be_sheddable");

  @Test
  void the_nodes_windows_hold_exactly_what_prometheus_scraped_from_haproxy() throws Exception {
    Path dir = Files.createTempDirectory("ballast-remote-write").toRealPath();
    try (FixedCapacityBackend backend = FixedCapacityBackend.start(20, Duration.ofMillis(2))) {
      int web = HaproxyServer.freePort();
      int exporter = HaproxyServer.freePort();
      HaproxyServer haproxy = HaproxyServer.start(HAPROXY.replace("{WEB_PORT}", Integer.toString(web))
          .replace("{EXPORTER_PORT}", Integer.toString(exporter)).replace("{BACKEND}", Integer.toString(backend.port())),
          dir.resolve("haproxy"));
      // Samples come a scrape plus a send deadline after their period: the grace covers that.
      TestNode node = new TestNode(dir.resolve("ballast"), """
          ballast.observation { window = 1s, grace = 5s, tick-interval = 100ms }
          ballast.remote-write.rules = [
            { metric = "haproxy_backend_http_requests_total", match { proxy = "be_critical" }, service = "web",
              priority = "critical", field = requests }
            { metric = "haproxy_backend_http_requests_total", match { proxy = "be_sheddable" }, service = "web",
              priority = "sheddable", field = requests }
            { metric = "haproxy_backend_active_servers", match { proxy = "be_critical" }, service = "web",
              priority = "critical", field = ready }
          ]
          """);
      PrometheusServer prometheus = PrometheusServer.start(
          PROMETHEUS.formatted(exporter, Integer.parseInt(node.baseUri().replaceAll(".*:", ""))), dir.resolve("prometheus"));
      try {
        // Prometheus hands new targets to its scrapers up to 5 s after it starts: the load begins only once both
        // idle counters have been scraped twice, so their first samples are the baselines.
        awaitBaselines(prometheus);
        Instant loadFrom = Instant.now();
        PriorityLoad.Result load = PriorityLoad.run(URI.create("http://127.0.0.1:" + web + "/"),
            Map.of("critical", 40.0, "sheddable", 80.0), Duration.ofSeconds(20), 200);
        Instant loadTo = Instant.now();

        // Everything Prometheus scraped reached the node and its windows closed: both totals stop moving.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<String, Double> recorded = Map.of();
        Map<String, Double> scraped = Map.of();
        while (System.nanoTime() < deadline) {
          Thread.sleep(2000);
          Map<String, Double> nowRecorded = recorded(node);
          Map<String, Double> nowScraped = scraped(prometheus);
          if (nowRecorded.equals(recorded) && nowScraped.equals(scraped) && nowRecorded.equals(nowScraped)) {
            break;
          }
          recorded = nowRecorded;
          scraped = nowScraped;
        }
        Map<String, Double> finalRecorded = recorded(node);
        Map<String, Double> finalScraped = scraped(prometheus);
        assertThat(finalScraped.get("critical")).as("HAProxy counted the critical load")
            .isGreaterThanOrEqualTo(0.98 * load.total("critical").answered());
        assertThat(finalRecorded).as("requests in the node's windows vs the increase Prometheus scraped")
            .isEqualTo(finalScraped);

        // During the steady part of the load the windows show the rate it was sent at.
        JsonNode windows = node.get("/v1/services/web/replay?from=" + loadFrom.plusSeconds(5) + "&to="
            + loadTo.minusSeconds(3)).body().get("timeline").get("windows");
        assertThat(windows.size()).isGreaterThan(5);
        double critical = 0;
        double sheddable = 0;
        for (JsonNode w : windows) {
          for (JsonNode c : w.get("classes")) {
            if (c.get("priority").asText().equals("critical")) {
              critical += c.get("offeredRps").asDouble();
            } else {
              sheddable += c.get("offeredRps").asDouble();
            }
          }
          assertThat(w.get("instances").get("ready").asInt()).isEqualTo(1);
        }
        assertThat(critical / windows.size()).isBetween(32.0, 48.0);
        assertThat(sheddable / windows.size()).isBetween(64.0, 96.0);
      } finally {
        prometheus.close();
        node.close();
        haproxy.close();
      }
    }
  }

  private static void awaitBaselines(PrometheusServer prometheus) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      double fewest = Double.POSITIVE_INFINITY;
      for (String proxy : BACKENDS.values()) {
        double samples = prometheus.value(
            "count_over_time(haproxy_backend_http_requests_total{proxy=\"" + proxy + "\"}[10m])");
        fewest = Math.min(fewest, Double.isNaN(samples) ? 0 : samples);
      }
      if (fewest >= 2) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Prometheus scraped HAProxy's idle counters only " + fewest + " times in 60 s; see "
            + prometheus.runDir().resolve("prometheus.log"));
      }
      Thread.sleep(250);
    }
  }

  /** Requests per class in every window the node recorded for the service. */
  private static Map<String, Double> recorded(TestNode node) {
    TestNode.Answer replay = node.get("/v1/services/web/replay");
    if (replay.status() != 200) {
      return Map.of();
    }
    double critical = 0;
    double sheddable = 0;
    for (JsonNode w : replay.body().get("timeline").get("windows")) {
      double seconds = Duration.between(Instant.parse(w.get("windowStart").asText()),
          Instant.parse(w.get("windowEnd").asText())).toMillis() / 1000.0;
      for (JsonNode c : w.get("classes")) {
        if (c.get("priority").asText().equals("critical")) {
          critical += c.get("offeredRps").asDouble() * seconds;
        } else {
          sheddable += c.get("offeredRps").asDouble() * seconds;
        }
      }
    }
    return Map.of("critical", (double) Math.round(critical), "sheddable", (double) Math.round(sheddable));
  }

  /** Each backend's counter increase over everything Prometheus holds (it only ever rose). */
  private static Map<String, Double> scraped(PrometheusServer prometheus) throws Exception {
    Map<String, Double> out = new java.util.TreeMap<>();
    for (Map.Entry<String, String> b : BACKENDS.entrySet()) {
      String series = "haproxy_backend_http_requests_total{proxy=\"" + b.getValue() + "\"}[10m]";
      double increase = prometheus.value("max_over_time(" + series + ") - min_over_time(" + series + ")");
      out.put(b.getKey(), Double.isNaN(increase) ? 0 : increase);
    }
    return Map.copyOf(out);
  }
}
