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
    // The service goes on deciding empty windows: cut the range at one instant, or the three reads can differ.
    String query = "/v1/history?from=" + started.minusSeconds(5) + "&to=" + Instant.now()
        + "&services=surge&types=ScaleDecided";
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

  // ----------------------------------------------------------------------------------------------- what-if

  private static String range() {
    return "\"from\":\"" + started.minusSeconds(5) + "\",\"to\":\"" + ended + "\"";
  }

  private static JsonNode side(JsonNode whatIf, String side) {
    for (JsonNode s : whatIf.get("summary")) {
      if (s.get("side").asText().equals(side)) {
        return s;
      }
    }
    throw new AssertionError("no side " + side + " in " + whatIf.get("summary"));
  }

  @Test
  void theIncidentReRunUnderHpaIsReportedSideBySideWithTheRecordedPolicy() {
    TestNode.Answer answer = node.post("/v1/services/surge/what-if", "{" + range()
        + ",\"policy\":{\"kind\":\"hpa\",\"metric\":\"requests-per-instance\",\"target\":50,"
        + "\"max-instances\":30},\"model\":{\"bootSeconds\":5,\"warmupSeconds\":2}}");

    assertThat(answer.status()).as("%s", answer.body()).isEqualTo(200);
    JsonNode r = answer.body().get("whatIf");
    assertThat(answer.body().get("baselineSettings").get("kind").asText()).isEqualTo("ballast");
    assertThat(answer.body().get("candidateSettings").get("kind").asText()).isEqualTo("hpa");
    assertThat(r.get("model").get("high").asText()).isEqualTo("critical");
    assertThat(r.get("model").get("low")).extracting(JsonNode::asText).containsExactly("sheddable");
    // 1.25 times the recorded policy's 50 requests per second per instance.
    assertThat(r.get("model").get("capacityRps").asDouble()).isEqualTo(62.5);
    assertThat(r.get("policyChanges").asInt()).isEqualTo(1);
    assertThat(r.get("summary")).extracting(s -> s.get("side").asText())
        .containsExactly("recorded", "baseline", "candidate");

    // Every request offered in the recorded windows is offered to both re-runs.
    long offered = side(r, "recorded").get("offered").get("critical").asLong()
        + side(r, "recorded").get("offered").get("sheddable").asLong();
    for (String s : List.of("baseline", "candidate")) {
      long simulated = side(r, s).get("offered").get("critical").asLong()
          + side(r, s).get("offered").get("sheddable").asLong();
      assertThat(simulated).as(s).isBetween(offered - 2, offered + 2);
      assertThat(side(r, s).get("instanceHours").asDouble()).as(s).isPositive();
    }
    // The recorded policy sheds the sheddable class through the surge; HPA never sheds.
    assertThat(side(r, "baseline").get("shed").get("sheddable").asLong()).isPositive();
    assertThat(side(r, "candidate").get("shed").get("sheddable").asLong()).isZero();
    // The incident is shorter than HPA's 15-s sync period: it never scaled, where the recorded policy did.
    assertThat(side(r, "candidate").get("scaleChanges").asLong()).isZero();
    assertThat(side(r, "baseline").get("scaleChanges").asLong()).isPositive();
    assertThat(side(r, "baseline").get("peakInstances").asInt())
        .isGreaterThan(side(r, "candidate").get("peakInstances").asInt());

    assertThat(r.get("differing").asInt()).isPositive();
    assertThat(r.get("differences").size()).isEqualTo(Math.min(100, r.get("differing").asInt()));
    JsonNode first = r.get("differences").get(0);
    assertThat(first.get("baseline").get("reason").asText()).isNotBlank();
    assertThat(first.get("candidate").get("explanation").asText()).isNotBlank();
    assertThat(r.get("series").size()).isEqualTo(r.get("windows").asInt()).isGreaterThanOrEqualTo(12);
  }

  @Test
  void changesAreLayeredOverTheRecordedPolicy() {
    TestNode.Answer answer = node.post("/v1/services/surge/what-if", "{" + range()
        + ",\"changes\":{\"targets\":{\"requests-per-instance\":25}},\"series\":false}");

    assertThat(answer.status()).as("%s", answer.body()).isEqualTo(200);
    JsonNode candidate = answer.body().get("candidateSettings");
    assertThat(candidate.get("kind").asText()).isEqualTo("ballast");
    assertThat(candidate.get("targets").get("requests-per-instance").asDouble()).isEqualTo(25.0);
    // Everything else is the recorded policy's, not the kind's defaults.
    assertThat(candidate.get("min-instances").asInt()).isEqualTo(2);
    assertThat(candidate.get("stable-window").asText()).isEqualTo("3s");
    JsonNode r = answer.body().get("whatIf");
    assertThat(r.get("series")).isEmpty();
    assertThat(side(r, "candidate").get("instanceHours").asDouble())
        .isGreaterThan(side(r, "baseline").get("instanceHours").asDouble());
  }

  @Test
  void aRangeWithoutLoadIsUnprocessable() {
    TestNode.Answer answer = node.post("/v1/services/surge/what-if",
        "{\"from\":\"2020-01-01T00:00:00Z\",\"to\":\"2020-01-01T01:00:00Z\",\"policy\":{\"kind\":\"hpa\"}}");

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.body().get("field").asText()).isEqualTo("from");
  }

  static Stream<Arguments> badWhatIfs() {
    String range = "\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-01T01:00:00Z\"";
    String hpa = ",\"policy\":{\"kind\":\"hpa\"}";
    return Stream.of(
        Arguments.of("a body without from", "{\"to\":\"2026-01-01T01:00:00Z\"" + hpa + "}", "from"),
        Arguments.of("a to before from",
            "{\"from\":\"2026-01-02T00:00:00Z\",\"to\":\"2026-01-01T00:00:00Z\"" + hpa + "}", "to"),
        Arguments.of("a range of eight days",
            "{\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-09T00:00:00Z\"" + hpa + "}", "to"),
        Arguments.of("neither policy nor changes", "{" + range + "}", "policy"),
        Arguments.of("both policy and changes", "{" + range + hpa + ",\"changes\":{}}", "changes"),
        Arguments.of("an unknown policy kind", "{" + range + ",\"policy\":{\"kind\":\"magic\"}}", "policy.kind"),
        Arguments.of("a policy setting out of range",
            "{" + range + ",\"policy\":{\"kind\":\"hpa\",\"tolerance\":2}}", "policy.tolerance"),
        Arguments.of("changes of another kind", "{" + range() + ",\"changes\":{\"kind\":\"hpa\"}}", "changes.kind"),
        Arguments.of("changes out of range", "{" + range() + ",\"changes\":{\"tolerance-up\":3}}",
            "changes.tolerance-up"),
        Arguments.of("a negative boot time", "{" + range + hpa + ",\"model\":{\"bootSeconds\":-1}}",
            "model.bootSeconds"),
        Arguments.of("an unknown model field", "{" + range + hpa + ",\"model\":{\"boot\":1}}", "model.boot"),
        Arguments.of("an unknown field", "{" + range + hpa + ",\"polcy\":{}}", "polcy"),
        Arguments.of("a series that is not a boolean", "{" + range + hpa + ",\"series\":\"no\"}", "series"));
  }

  @ParameterizedTest(name = "{0} is refused, naming {2}")
  @MethodSource("badWhatIfs")
  void badWhatIfsAreRefusedNamingTheField(String description, String body, String field) {
    TestNode.Answer answer = node.post("/v1/services/surge/what-if", body);

    assertThat(answer.status()).as("%s", answer.body()).isEqualTo(400);
    assertThat(answer.body().get("field").asText()).isEqualTo(field);
    assertThat(answer.body().get("detail").asText()).isNotBlank();
  }
}
