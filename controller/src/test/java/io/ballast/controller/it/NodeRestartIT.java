package io.ballast.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole node, end to end, on each journal: started with {@code bin/ballast run}, fed over HTTP, stopped and
 * started again on the same data, and killed outright right after acknowledging. Nothing recorded may be lost.
 */
class NodeRestartIT {

  private static final Map<String, String> FAST_WINDOWS = Map.of("BALLAST_WINDOW", "1s", "BALLAST_WINDOW_GRACE", "1s");
  private final Path logs = Path.of("target", "it-logs");

  @ParameterizedTest(name = "on the {0} journal")
  @ValueSource(strings = {"embedded", "cassandra"})
  void stateAndHistorySurviveAGracefulRestart(String journal) throws Exception {
    Path data = Files.createTempDirectory("ballast-restart");
    Files.createDirectories(logs);
    Map<String, String> env = new HashMap<>(FAST_WINDOWS);
    env.putAll(Journals.environment(journal, "restart"));
    JsonNode serviceBefore;
    JsonNode historyBefore;
    JsonNode listBefore;
    try (NodeProcess node = NodeProcess.start(data, logs.resolve("restart-" + journal + "-1.log"), env)) {
      for (int i = 0; i < 5; i++) {
        String at = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusMillis(i).toString();
        var answer = node.post("/v1/metrics", "{\"samples\":["
            + sample("checkout", at, "critical", 900 + 100 * i, 8) + ","
            + sample("checkout", at, "sheddable", 300, 8) + ","
            + sample("search", at, "critical", 120, 2) + "]}");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().get("accepted").asInt()).as("batch %d accepted whole", i).isEqualTo(3);
        Thread.sleep(300);
      }
      serviceBefore = awaitDecided(node, "checkout");
      awaitDecided(node, "search");
      historyBefore = node.get("/v1/services/checkout/events?limit=1000").body();
      listBefore = node.get("/v1/services").body();

      node.stop();
      assertThat(node.logText()).contains("Exiting completed");
    }

    try (NodeProcess node = NodeProcess.start(data, logs.resolve("restart-" + journal + "-2.log"), env)) {
      JsonNode serviceAfter = node.get("/v1/services/checkout").body();
      JsonNode historyAfter = node.get("/v1/services/checkout/events?limit=1000").body().get("events");

      // The service keeps deciding while time passes (windows without samples close too), so the history
      // may have grown; everything that was there before is there, unchanged.
      JsonNode before = historyBefore.get("events");
      assertThat(historyAfter.size()).isGreaterThanOrEqualTo(before.size());
      for (int i = 0; i < before.size(); i++) {
        assertThat(historyAfter.get(i)).isEqualTo(before.get(i));
      }
      for (String field : new String[] {"policy", "policySetBy", "desiredInstances", "samplesRecorded"}) {
        assertThat(serviceAfter.get(field)).as(field).isEqualTo(serviceBefore.get(field));
      }
      assertThat(serviceAfter.get("samplesRecorded").asLong()).isEqualTo(10);
      JsonNode listed = node.get("/v1/services").body().get("services");
      assertThat(listed).extracting(s -> s.get("id").asText()).containsExactly("checkout", "search");
      assertThat(listed.get(0).get("desiredInstances")).isEqualTo(listBefore.get("services").get(0).get("desiredInstances"));
      node.stop();
    }
  }

  @ParameterizedTest(name = "on the {0} journal")
  @ValueSource(strings = {"embedded", "cassandra"})
  void nothingAcknowledgedIsLostWhenTheNodeIsKilled(String journal) throws Exception {
    Path data = Files.createTempDirectory("ballast-kill");
    Files.createDirectories(logs);
    Map<String, String> env = Journals.environment(journal, "kill");
    long acknowledged = 0;
    try (NodeProcess node = NodeProcess.start(data, logs.resolve("kill-" + journal + "-1.log"), env)) {
      // Every batch is current (none is late) and distinct (none is a duplicate): each must be kept.
      for (int i = 0; i < 30; i++) {
        String at = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusMillis(i).toString();
        var answer = node.post("/v1/metrics", "{\"samples\":[" + sample("killed", at, "critical", 500, 5) + ","
            + sample("killed", at, "sheddable", 50, 5) + "]}");
        assertThat(answer.status()).isEqualTo(200);
        acknowledged += answer.body().get("accepted").asLong();
      }
      node.kill();
    }

    try (NodeProcess node = NodeProcess.start(data, logs.resolve("kill-" + journal + "-2.log"), env)) {
      JsonNode service = node.get("/v1/services/killed").body();
      JsonNode history = node.get("/v1/services/killed/events?limit=1000").body().get("events");
      long inJournal = 0;
      for (JsonNode event : history) {
        if (event.get("type").asText().equals("SamplesRecorded")) {
          inJournal += event.get("event").get("samples").size();
        }
      }

      assertThat(acknowledged).isEqualTo(60);
      assertThat(inJournal).isEqualTo(acknowledged);
      assertThat(service.get("samplesRecorded").asLong()).isEqualTo(acknowledged);
      node.stop();
    }
  }

  private static String sample(String service, String at, String priority, long requests, int ready) {
    return "{\"service\":\"" + service + "\",\"at\":\"" + at + "\",\"periodSeconds\":1,\"priority\":\"" + priority
        + "\",\"requests\":" + requests + ",\"latencyP50Ms\":12.5,\"latencyP99Ms\":80,\"source\":\"lb-1\","
        + "\"instances\":{\"ready\":" + ready + "}}";
  }

  private static JsonNode awaitDecided(NodeProcess node, String service) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode body = null;
    while (System.nanoTime() < deadline) {
      body = node.get("/v1/services/" + service).body();
      if (body != null && body.has("openWindows") && body.get("openWindows").isEmpty()
          && !body.get("lastDecision").isNull()) {
        return body;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(service + " was never decided with all windows closed; last: " + body);
  }
}
