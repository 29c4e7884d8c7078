package io.ballast.controller.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.controller.TestNode;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replay and history against a journal recorded by a live node: a surge with shedding, an operator's override
 * that expires, a run-time policy change and a metric outage, all decided by the running entity. Replaying that
 * journal through the recorded policy must give exactly the recorded decisions.
 */
class ReplayApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestNode node;
  private static Instant started;
  private static Instant middle;
  private static Instant ended;

  @BeforeAll
  static void recordAnIncident() throws Exception {
    node = new TestNode(Files.createTempDirectory("replay-api"),
        "ballast.observation { window = 1s, grace = 2s, tick-interval = 50ms }\n"
            + "ballast.policy.services.surge { min-instances = 2, max-instances = 30, targets.requests-per-instance = 50,"
            + " stable-window = 3s }\n"
            + "ballast.policy.services.quiet { min-instances = 1, max-instances = 5, targets.requests-per-instance = 50 }");
    started = Instant.now();
    int[] load = {200, 200, 400, 900, 1500, 2000, 2000, 2000, 1800, 1200, 600, 300};
    int ready = 4;
    for (int i = 0; i < load.length; i++) {
      Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      ready = Math.min(ready + (i % 2), 30);
      post("surge", at, "critical", load[i] / 2, ready);
      post("surge", at, "sheddable", load[i] / 2, ready);
      post("quiet", at, "critical", 20, 1);
      if (i == 3) {
        assertThat(node.post("/v1/services/surge/overrides",
            "{\"kind\":\"freeze\",\"scaleIn\":true,\"reason\":\"replay test\",\"ttl\":\"3s\"}").status()).isEqualTo(201);
      }
      if (i == 6) {
        middle = Instant.now();
        assertThat(node.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.baseUri()
                + "/v1/services/surge/policy"))
            .header("Content-Type", "application/json")
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"policy\":{\"kind\":\"ballast\","
                + "\"min-instances\":3,\"max-instances\":25,\"targets\":{\"requests-per-instance\":60},"
                + "\"stable-window\":\"2s\"},\"reason\":\"replay test\"}"))
            .build()).status()).isEqualTo(200);
      }
      Thread.sleep(1000);
    }
    // Silence: the entity keeps deciding empty windows (the metric-outage policy).
    Thread.sleep(5000);
    ended = Instant.now();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static void post(String service, Instant at, String priority, long requests, int ready) {
    String body = "{\"samples\":[{\"service\":\"" + service + "\",\"at\":\"" + at + "\",\"periodSeconds\":1,"
        + "\"priority\":\"" + priority + "\",\"requests\":" + requests + ",\"latencyP99Ms\":120,"
        + "\"instances\":{\"ready\":" + ready + "}}]}";
    assertThat(node.post("/v1/metrics", body).status()).isEqualTo(200);
  }

  @Test
  void replayingTheRecordedInputsThroughTheRecordedPolicyReproducesEveryRecordedDecision() {
    JsonNode replay = node.get("/v1/services/surge/replay").body();

    JsonNode reproduction = replay.get("reproduction");
    assertThat(reproduction.get("differing")).as("windows decided differently").isEmpty();
    assertThat(reproduction.get("exact").asBoolean()).isTrue();
    assertThat(reproduction.get("windows").asInt()).isGreaterThanOrEqualTo(12);
    assertThat(reproduction.get("identical").asInt()).isEqualTo(reproduction.get("windows").asInt());

    // The incident is all there: the surge scaled out and shed, the override and the policy change show.
    JsonNode windows = replay.get("timeline").get("windows");
    assertThat(windows.size()).isEqualTo(reproduction.get("windows").asInt());
    List<Integer> desired = new ArrayList<>();
    Set<String> overrides = new HashSet<>();
    boolean shed = false;
    for (JsonNode w : windows) {
      desired.add(w.get("desired").asInt());
      w.get("overrides").forEach(o -> overrides.add(o.asText().split(" ")[1]));
      shed |= w.get("admission").size() > 0;
      assertThat(w.get("explanation").asText()).isNotBlank();
    }
    assertThat(desired.stream().mapToInt(Integer::intValue).max().orElseThrow()).isGreaterThan(20);
    assertThat(overrides).contains("FREEZE");
    assertThat(shed).as("the surge shed some of the sheddable class").isTrue();
    assertThat(replay.get("stateAt").get("state").get("policy").get("minInstances").asInt()).isEqualTo(3);
  }

  @Test
  void theStateAtAnInstantIsTheFoldOfWhatWasRecordedUpToIt() {
    JsonNode before = node.get("/v1/services/surge/replay?at=" + middle).body().get("stateAt");
    JsonNode after = node.get("/v1/services/surge/replay?at=" + ended).body().get("stateAt");

    assertThat(before.get("seq").asLong()).isLessThan(after.get("seq").asLong());
    assertThat(before.get("state").get("policy").get("minInstances").asInt()).isEqualTo(2);
    assertThat(after.get("state").get("policy").get("minInstances").asInt()).isEqualTo(3);
    assertThat(before.get("state").get("samplesRecorded").asLong())
        .isLessThan(after.get("state").get("samplesRecorded").asLong());
  }

  @Test
  void theTimelineCanBeCutToARange() {
    JsonNode all = node.get("/v1/services/surge/replay").body().get("timeline").get("windows");
    JsonNode cut = node.get("/v1/services/surge/replay?from=" + middle + "&to=" + ended).body().get("timeline")
        .get("windows");

    assertThat(cut.size()).isPositive().isLessThan(all.size());
    for (JsonNode w : cut) {
      Instant end = Instant.parse(w.get("windowEnd").asText());
      assertThat(end).isBetween(middle, ended);
    }
  }

  @Test
  void historyAcrossServicesComesInPagesThatJoinUpWithoutGapsOrRepeats() {
    // The services go on deciding empty windows: cut the range, and the replays, at one instant.
    Instant until = Instant.now();
    String range = "from=" + started.minusSeconds(5) + "&to=" + until;
    List<String> paged = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      JsonNode page = node.get("/v1/history?" + range + "&limit=7" + (after == null ? "" : "&after=" + after)).body();
      page.get("events").forEach(e -> paged.add(e.get("service").asText() + ":" + e.get("seq").asLong()));
      after = page.get("next").isNull() ? null : page.get("next").get("after").asText();
      pages++;
    } while (after != null && pages < 1000);

    long surge = node.get("/v1/services/surge/replay?at=" + until).body().get("stateAt").get("seq").asLong();
    long quiet = node.get("/v1/services/quiet/replay?at=" + until).body().get("stateAt").get("seq").asLong();
    List<String> expected = new ArrayList<>();
    for (long seq = 1; seq <= quiet; seq++) {
      expected.add("quiet:" + seq);
    }
    for (long seq = 1; seq <= surge; seq++) {
      expected.add("surge:" + seq);
    }
    assertThat(pages).isGreaterThan(5);
    assertThat(paged).isEqualTo(expected);
  }

  @Test
  void historyExportsTheSameEventsAsNdjsonAndCsv() throws Exception {
    String query = "/v1/history?from=" + started.minusSeconds(5) + "&services=surge&types=ScaleDecided";
    JsonNode json = node.get(query + "&limit=1000").body().get("events");
    TestNode.Answer ndjson = node.get(query + "&format=ndjson");
    TestNode.Answer csv = node.get(query + "&format=csv");

    assertThat(ndjson.header("Content-Type")).startsWith("application/x-ndjson");
    List<String> lines = ndjson.body().asText().lines().toList();
    assertThat(lines).hasSize(json.size());
    for (int i = 0; i < lines.size(); i++) {
      assertThat(JSON.readTree(lines.get(i))).isEqualTo(json.get(i));
    }
    assertThat(csv.header("Content-Type")).startsWith("text/csv");
    List<String> rows = csv.body().asText().lines().toList();
    assertThat(rows.get(0)).isEqualTo("service,seq,recordedAt,type,at,event");
    assertThat(rows).hasSize(json.size() + 1);
    assertThat(rows.get(1)).startsWith("surge," + json.get(0).get("seq").asLong() + ",").contains(",ScaleDecided,");
  }

  static Stream<Arguments> badQueries() {
    return Stream.of(
        Arguments.of("history without from", "/v1/history", "from"),
        Arguments.of("a from that is not a time", "/v1/history?from=yesterday", "from"),
        Arguments.of("a to before from", "/v1/history?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "to"),
        Arguments.of("an unknown event type", "/v1/history?from=2026-01-01T00:00:00Z&types=Scaled", "types"),
        Arguments.of("a bad service id", "/v1/history?from=2026-01-01T00:00:00Z&services=Not_Valid", "services"),
        Arguments.of("a limit of zero", "/v1/history?from=2026-01-01T00:00:00Z&limit=0", "limit"),
        Arguments.of("a cursor without a sequence number", "/v1/history?from=2026-01-01T00:00:00Z&after=surge", "after"),
        Arguments.of("an unknown format", "/v1/history?from=2026-01-01T00:00:00Z&format=xml", "format"),
        Arguments.of("a page size for a stream", "/v1/history?from=2026-01-01T00:00:00Z&format=csv&limit=5", "limit"),
        Arguments.of("an unknown parameter", "/v1/history?from=2026-01-01T00:00:00Z&service=surge", "service"),
        Arguments.of("a replay instant that is not a time", "/v1/services/surge/replay?at=noon", "at"));
  }

  @ParameterizedTest(name = "{0} is refused, naming {2}")
  @MethodSource("badQueries")
  void badQueriesAreRefusedNamingTheParameter(String description, String path, String field) {
    TestNode.Answer answer = node.get(path);

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().get("field").asText()).isEqualTo(field);
    assertThat(answer.body().get("detail").asText()).isNotBlank();
  }

  @Test
  void replayingAServiceThatRecordedNothingIsNotFound() {
    assertThat(node.get("/v1/services/never-seen/replay").status()).isEqualTo(404);
  }
}
