package io.ballast.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An override expires on time across a restart of the node, with nobody looking at the service: the node wakes
 * every recorded service at start, and the service's own timer records the expiry. Authentication is on, with the
 * tokens the node made for itself on first start.
 */
class OverrideExpiryIT {

  private final Path logs = Path.of("target", "it-logs");

  @Test
  void an_override_expires_on_time_after_a_restart_without_anyone_asking() throws Exception {
    Path data = Files.createTempDirectory("ballast-override-expiry");
    Files.createDirectories(logs);
    Map<String, String> env = Map.of("BALLAST_WINDOW", "1s", "BALLAST_WINDOW_GRACE", "1s");
    String id;
    Instant expiresAt;
    try (NodeProcess node = NodeProcess.start(data, logs.resolve("override-expiry-1.log"), env)) {
      assertThat(node.token()).as("the node made an admin token for itself").startsWith("bt_");
      assertThat(node.post("/v1/metrics", "{\"samples\":[{\"service\":\"checkout\",\"at\":\""
          + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\",\"periodSeconds\":1,\"priority\":\"critical\","
          + "\"requests\":500,\"instances\":{\"ready\":4}}]}").status()).isEqualTo(200);
      NodeProcess.Answer set = node.post("/v1/services/checkout/overrides",
          "{\"kind\":\"pin\",\"instances\":9,\"reason\":\"hold through the restart\",\"ttl\":\"25s\"}");
      assertThat(set.status()).as("%s", set.body()).isEqualTo(201);
      id = set.body().get("id").asText();
      expiresAt = Instant.parse(set.body().get("expiresAt").asText());
      node.stop();
    }

    try (NodeProcess node = NodeProcess.start(data, logs.resolve("override-expiry-2.log"), env)) {
      // Nobody asks about the service until well after the expiry.
      Duration untilAfter = Duration.between(Instant.now(), expiresAt.plusSeconds(4));
      assertThat(untilAfter).as("the restart took less than the override's life").isPositive();
      Thread.sleep(untilAfter.toMillis());

      JsonNode expired = null;
      for (JsonNode e : events(node)) {
        if (e.get("type").asText().equals("OverrideExpired") && e.get("event").get("id").asText().equals(id)) {
          expired = e.get("event");
        }
      }
      assertThat(expired).as("the expiry is recorded").isNotNull();
      Instant at = Instant.parse(expired.get("at").asText());
      assertThat(at).as("recorded when it expired, not when someone looked")
          .isBetween(expiresAt, expiresAt.plusSeconds(2));
      JsonNode overrides = node.get("/v1/services/checkout/overrides").body().get("overrides");
      assertThat(overrides.findValuesAsText("id")).doesNotContain(id);
      node.stop();
    }
  }

  private static List<JsonNode> events(NodeProcess node) {
    List<JsonNode> all = new ArrayList<>();
    node.get("/v1/services/checkout/events?limit=1000").body().get("events").forEach(all::add);
    return all;
  }
}
