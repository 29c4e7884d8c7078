package io.ballast.controller.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.controller.TestNode;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The read side against a real node: services, one service, and its recorded history. */
class ReadApiTest {

  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = new TestNode(Files.createTempDirectory("read-api"),
        "ballast.observation { window = 1s, grace = 0s, tick-interval = 100ms }\n"
            + "ballast.policy.services.scaled { min-instances = 2, max-instances = 40, targets.requests-per-instance = 50,"
            + " stable-window = 1s, panic.enabled = off, shedding.enabled = off }");
    Instant second = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
    post("scaled", second, 1000, 10);
    post("listed-b", second, 10, 1);
    post("listed-a", second, 10, 1);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static void post(String service, Instant at, long requests, int ready) {
    String body = "{\"samples\":[{\"service\":\"" + service + "\",\"at\":\"" + at + "\",\"periodSeconds\":1,"
        + "\"priority\":\"critical\",\"requests\":" + requests + ",\"instances\":{\"ready\":" + ready + "}}]}";
    assertThat(node.post("/v1/metrics", body).status()).isEqualTo(200);
  }

  @Test
  void aServiceShowsItsStateAndExplainsItsDecision() {
    JsonNode service = await("/v1/services/scaled", s -> !s.get("lastDecision").isNull());

    assertThat(service.get("id").asText()).isEqualTo("scaled");
    assertThat(service.get("policy").get("kind").asText()).isEqualTo("ballast");
    assertThat(service.get("policy").get("targets").get("requestsPerInstance").asDouble()).isEqualTo(50);
    assertThat(service.get("policySetBy").asText()).isEqualTo("config");
    assertThat(service.get("desiredInstances").asInt()).isEqualTo(20);
    JsonNode decisions = service.get("decisions");
    JsonNode decision = decisions.get(decisions.size() - 1);
    assertThat(decision.get("from").asInt()).isEqualTo(10);
    assertThat(decision.get("to").asInt()).isEqualTo(20);
    assertThat(decision.get("mode").asText()).isEqualTo("NORMAL");
    assertThat(decision.get("reason").get("code").asText()).isEqualTo("TRACKING_TARGET");
    assertThat(decision.get("reason").get("observed").asDouble()).isEqualTo(100);
    assertThat(decision.get("explanation").asText()).contains("recommends 20");
    JsonNode window = service.get("windows").get(service.get("windows").size() - 1);
    assertThat(window.get("classes").get(0).get("offeredRps").asDouble()).isEqualTo(1000);
    assertThat(window.get("instances").get("ready").asInt()).isEqualTo(10);
    assertThat(service.get("samplesRecorded").asLong()).isEqualTo(1);
  }

  @Test
  void servicesAreListedInOrderWithTheirLastDecision() {
    await("/v1/services/scaled", s -> !s.get("lastDecision").isNull());

    JsonNode services = node.get("/v1/services").body().get("services");

    List<String> ids = new ArrayList<>();
    services.forEach(s -> ids.add(s.get("id").asText()));
    assertThat(ids).containsSubsequence("listed-a", "listed-b", "scaled");
    JsonNode scaled = services.get(ids.indexOf("scaled"));
    assertThat(scaled.get("desiredInstances").asInt()).isEqualTo(20);
    assertThat(scaled.get("lastDecision").get("to").asInt()).isEqualTo(20);
    assertThat(scaled.get("mode").asText()).isIn("NORMAL", "METRIC_OUTAGE");
    assertThat(scaled.get("instances").get("ready").asInt()).isEqualTo(10);
  }

  @Test
  void anUnknownServiceIsNotFound() {
    for (String path : List.of("/v1/services/never-seen", "/v1/services/Not_Valid", "/v1/services/never-seen/events")) {
      TestNode.Answer answer = node.get(path);
      assertThat(answer.status()).as(path).isEqualTo(404);
      assertThat(answer.body().get("error").asText()).isEqualTo("not_found");
    }
  }

  @Test
  void historyComesOldestFirstInPages() {
    await("/v1/services/scaled", s -> !s.get("lastDecision").isNull());

    JsonNode first = node.get("/v1/services/scaled/events?limit=2").body();
    JsonNode second = node.get("/v1/services/scaled/events?limit=2&from=" + first.get("next").get("from").asLong()).body();

    assertThat(first.get("events")).extracting(e -> e.get("type").asText())
        .containsExactly("PolicySet", "SamplesRecorded");
    assertThat(first.get("events")).extracting(e -> e.get("seq").asLong()).containsExactly(1L, 2L);
    assertThat(second.get("events")).extracting(e -> e.get("type").asText())
        .containsExactly("MetricsObserved", "ScaleDecided");
    assertThat(second.get("events").get(1).get("event").get("to").asInt()).isEqualTo(20);
    assertThat(second.get("next").get("from").asLong()).isEqualTo(5);
  }

  @Test
  void historyCanBeCutBySequenceNumberOrByTime() {
    await("/v1/services/scaled", s -> !s.get("lastDecision").isNull());

    JsonNode bySeq = node.get("/v1/services/scaled/events?from=2&to=3").body();
    JsonNode future = node.get("/v1/services/scaled/events?from=" + Instant.now().plusSeconds(60)).body();
    JsonNode past = node.get("/v1/services/scaled/events?to=2020-01-01T00:00:00Z").body();
    JsonNode all = node.get("/v1/services/scaled/events?from=2020-01-01T00:00:00Z").body();

    assertThat(bySeq.get("events")).extracting(e -> e.get("seq").asLong()).containsExactly(2L, 3L);
    assertThat(future.get("events")).isEmpty();
    assertThat(past.get("events")).isEmpty();
    assertThat(all.get("events")).hasSizeGreaterThanOrEqualTo(4);
  }

  @Test
  void badHistoryParametersAreNamed() {
    for (String[] c : new String[][] {{"limit=0", "limit"}, {"limit=abc", "limit"}, {"limit=5000", "limit"},
        {"from=yesterday", "from"}, {"to=2026-13-45", "to"}}) {
      TestNode.Answer answer = node.get("/v1/services/scaled/events?" + c[0]);
      assertThat(answer.status()).as(c[0]).isEqualTo(400);
      assertThat(answer.body().get("error").asText()).isEqualTo("invalid_parameter");
      assertThat(answer.body().get("field").asText()).isEqualTo(c[1]);
    }
  }

  /** Polls {@code path} until its body satisfies {@code ready}: windows close on the node's own timer. */
  private static JsonNode await(String path, Predicate<JsonNode> ready) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonNode body = null;
    while (System.nanoTime() < deadline) {
      TestNode.Answer answer = node.get(path);
      body = answer.body();
      if (answer.status() == 200 && ready.test(body)) {
        return body;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError(path + " never became ready; last answer: " + body);
  }
}
