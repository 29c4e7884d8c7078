package io.ballast.controller.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.controller.TestNode;
import io.ballast.controller.auth.BearerToken;
import io.ballast.controller.auth.Role;
import io.ballast.controller.auth.TokenEntry;
import io.ballast.controller.auth.TokenHash;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The admin API against a real node with authentication on: who may call what, overrides and policy changes
 * with their audit trail, refusals that name the field, the OpenAPI document against the routes.
 */
class AdminApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestNode node;
  private static Path tokensFile;
  private static final Map<Role, String> TOKENS = new EnumMap<>(Role.class);
  private static final Map<Role, String> ENTRIES = new EnumMap<>(Role.class);

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("admin-api");
    for (Role role : Role.values()) {
      BearerToken token = BearerToken.generate();
      TOKENS.put(role, token.value());
      ENTRIES.put(role, TokenEntry.hocon(token.id(), role.configName() + "-user", role,
          TokenHash.create(token.value())));
    }
    tokensFile = dir.resolve("tokens.conf");
    writeTokens(Set.of(Role.values()));
    node = new TestNode(dir.resolve("data"), """
        ballast.auth { enabled = on, tokens-file = "%s", reload-interval = 100ms }
        ballast.observation { window = 1s, grace = 0s, tick-interval = 100ms }
        ballast.policy.defaults { min-instances = 2, max-instances = 40, targets.requests-per-instance = 100,
          stable-window = 1s, panic.enabled = off }
        """.formatted(tokensFile));
    // The service the admin endpoints act on.
    Instant second = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    TestNode.Answer recorded = send("POST", "/v1/metrics", Role.INGEST, "{\"samples\":[{\"service\":\"shop\",\"at\":\""
        + second + "\",\"periodSeconds\":1,\"priority\":\"critical\",\"requests\":1000,\"instances\":{\"ready\":10}}]}");
    assertThat(recorded.status()).isEqualTo(200);
    await("/v1/services/shop", s -> !s.get("lastDecision").isNull());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static void writeTokens(Set<Role> roles) throws Exception {
    StringBuilder file = new StringBuilder("tokens = [\n");
    for (Role role : roles) {
      file.append("  ").append(ENTRIES.get(role)).append('\n');
    }
    Files.writeString(tokensFile, file.append("]\n").toString());
  }

  private static TestNode.Answer send(String method, String path, Role role, String body) {
    return sendWith(method, path, role == null ? null : "Bearer " + TOKENS.get(role), body);
  }

  private static TestNode.Answer sendWith(String method, String path, String authorization, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUri() + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (path.endsWith("/stream")) {
      return stream(request.build());
    }
    return node.send(request.build());
  }

  private static final java.net.http.HttpClient STREAMS = java.net.http.HttpClient.newHttpClient();

  /** A stream never ends: its status and headers, and its body only when it is an error (which does end). */
  private static TestNode.Answer stream(HttpRequest request) {
    try {
      var response = STREAMS.send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
      try (var body = response.body()) {
        JsonNode json = response.statusCode() == 200 ? null : JSON.readTree(body);
        return new TestNode.Answer(response.statusCode(), json, response.headers().map());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode await(String path, Predicate<JsonNode> ready) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    TestNode.Answer last = null;
    while (System.nanoTime() < deadline) {
      last = send("GET", path, Role.ADMIN, null);
      if (last.status() == 200 && ready.test(last.body())) {
        return last.body();
      }
      sleep(100);
    }
    throw new AssertionError("no answer of " + path + " matched in time; the last: " + last);
  }

  // --- who may call what ---------------------------------------------------------------------------------

  /** A request to {@code endpoint} that the route takes (its path and body are well formed). */
  private static String path(Endpoint endpoint) {
    return endpoint.path().replace("{id}", "shop").replace("{overrideId}", "ovr-000000000000")
        + (endpoint == Endpoint.EVENTS ? "?limit=1" : "");
  }

  private static String body(Endpoint endpoint) {
    if (endpoint == Endpoint.INGEST) {
      return "{\"samples\":[{\"service\":\"matrix\",\"at\":\"" + Instant.now().truncatedTo(ChronoUnit.SECONDS)
          + "\",\"periodSeconds\":1,\"priority\":\"critical\",\"requests\":1}]}";
    } else if (endpoint == Endpoint.SET_OVERRIDE) {
      return "{\"kind\":\"pause\",\"reason\":\"authorization matrix\",\"ttl\":\"1s\"}";
    } else if (endpoint == Endpoint.SET_POLICY) {
      return "{\"policy\":{\"kind\":\"ballast\",\"min-instances\":2,\"max-instances\":40,"
          + "\"targets\":{\"requests-per-instance\":100},\"stable-window\":\"1s\",\"panic\":{\"enabled\":false}},"
          + "\"reason\":\"authorization matrix\"}";
    }
    return null;
  }

  static Stream<Arguments> matrix() {
    List<Arguments> rows = new ArrayList<>();
    for (Endpoint e : Endpoint.ALL) {
      for (Role role : Role.values()) {
        boolean allowed = e.open() || e.role() == null || role.allows(e.role());
        rows.add(Arguments.of(e.method() + " " + e.path() + " as " + role.configName() + " is "
            + (allowed ? "allowed" : "forbidden"), e, role, allowed));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matrix")
  void every_endpoint_answers_each_role_as_the_role_allows(String name, Endpoint endpoint, Role role,
      boolean allowed) {
    TestNode.Answer answer = send(endpoint.method(), path(endpoint), role, body(endpoint));

    if (allowed) {
      assertThat(answer.status()).as("%s: %s", name, answer.body()).isNotIn(401, 403, 405);
      assertThat(routed(answer)).as("%s is routed: %s", name, answer.body()).isTrue();
    } else {
      assertThat(answer.status()).as("%s: %s", name, answer.body()).isEqualTo(403);
      assertThat(answer.body().get("error").asText()).isEqualTo("forbidden");
      assertThat(answer.body().get("detail").asText()).contains("needs role " + endpoint.role().configName());
    }
  }

  static Stream<Arguments> strangers() {
    List<Arguments> rows = new ArrayList<>();
    for (Endpoint e : Endpoint.ALL) {
      if (e.open()) {
        continue;
      }
      rows.add(Arguments.of(e.method() + " " + e.path() + " without a token", e, null));
      rows.add(Arguments.of(e.method() + " " + e.path() + " with an unknown token", e,
          "Bearer " + BearerToken.generate().value()));
      rows.add(Arguments.of(e.method() + " " + e.path() + " with a malformed token", e, "Bearer hunter2"));
      rows.add(Arguments.of(e.method() + " " + e.path() + " with Basic credentials", e, "Basic YWRtaW46YWRtaW4="));
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0} is unauthorized")
  @MethodSource("strangers")
  void every_endpoint_but_the_document_refuses_requests_without_a_valid_token(String name, Endpoint endpoint,
      String authorization) {
    TestNode.Answer answer = sendWith(endpoint.method(), path(endpoint), authorization, body(endpoint));

    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(answer.body().get("error").asText()).isEqualTo("unauthorized");
  }

  @Test
  void the_openapi_document_lists_exactly_the_routes_with_their_roles() {
    TestNode.Answer answer = sendWith("GET", "/v1/openapi.json", null, null);
    assertThat(answer.status()).isEqualTo(200);
    JsonNode doc = answer.body();
    assertThat(doc.get("openapi").asText()).startsWith("3.");

    Set<String> documented = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        documented.add(op.getKey().toUpperCase() + " " + path.getKey() + " " + op.getValue().get("x-ballast-role").asText());
      }
    }
    Set<String> routed = new HashSet<>();
    for (Endpoint e : Endpoint.ALL) {
      routed.add(e.method() + " " + e.path() + " " + (e.open() ? "open" : e.role() == null ? "any"
          : e.role().configName()));
    }
    assertThat(documented).isEqualTo(routed);
  }

  /** Not the router's own 404 or 405 (which has no field): the request reached its route. */
  private static boolean routed(TestNode.Answer answer) {
    if (answer.status() == 405) {
      return false;
    }
    if (answer.status() != 404) {
      return true;
    }
    return answer.body() != null && answer.body().hasNonNull("field");
  }

  @Test
  void metrics_are_in_the_prometheus_text_format_unless_the_scraper_asks_for_openmetrics() {
    TestNode.Answer text = send("GET", "/metrics", Role.VIEWER, null);

    assertThat(text.status()).isEqualTo(200);
    assertThat(text.header("Content-Type")).startsWith("text/plain; version=0.0.4");
    assertThat(text.body().asText()).contains("# TYPE jvm_memory_used_bytes gauge", "jvm_threads_current",
        "process_cpu_seconds_total");

    TestNode.Answer open = node.send(HttpRequest.newBuilder(URI.create(node.baseUri() + "/metrics"))
        .header("Authorization", "Bearer " + TOKENS.get(Role.VIEWER))
        .header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8").GET().build());
    assertThat(open.header("Content-Type")).startsWith("application/openmetrics-text");
    assertThat(open.body().asText()).endsWith("# EOF\n");
  }

  @Test
  void whoami_names_the_principal_and_role() {
    JsonNode me = send("GET", "/v1/whoami", Role.OPERATOR, null).body();

    assertThat(me.get("name").asText()).isEqualTo("operator-user");
    assertThat(me.get("role").asText()).isEqualTo("operator");
  }

  @Test
  void a_token_removed_from_the_tokens_file_is_refused_without_a_restart() throws Exception {
    BearerToken temporary = BearerToken.generate();
    String entry = TokenEntry.hocon(temporary.id(), "contractor", Role.VIEWER, TokenHash.create(temporary.value()));
    Files.writeString(tokensFile, Files.readString(tokensFile).replace("]", "  " + entry + "\n]"));
    awaitStatus(temporary.value(), 200);

    writeTokens(Set.of(Role.values()));

    awaitStatus(temporary.value(), 401);
    assertThat(send("GET", "/v1/services", Role.VIEWER, null).status()).isEqualTo(200);
  }

  private static void awaitStatus(String token, int status) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int last = -1;
    while (System.nanoTime() < deadline) {
      last = sendWith("GET", "/v1/services", "Bearer " + token, null).status();
      if (last == status) {
        return;
      }
      sleep(100);
    }
    throw new AssertionError("expected " + status + ", the last answer was " + last);
  }

  // --- overrides --------------------------------------------------------------------------------------------

  @Test
  void a_pin_shapes_the_next_decisions_is_listed_and_is_recorded_with_who_and_why_and_its_cancellation_too() {
    TestNode.Answer set = send("POST", "/v1/services/shop/overrides", Role.OPERATOR,
        "{\"kind\":\"pin\",\"instances\":7,\"reason\":\"load test at 14:00\",\"ttl\":\"30m\"}");
    assertThat(set.status()).as("%s", set.body()).isEqualTo(201);
    String id = set.body().get("id").asText();
    assertThat(id).startsWith("ovr-");
    assertThat(set.body().get("setBy").asText()).isEqualTo("operator-user");
    assertThat(Duration.between(Instant.parse(set.body().get("startsAt").asText()),
        Instant.parse(set.body().get("expiresAt").asText()))).isEqualTo(Duration.ofMinutes(30));

    feed("shop", 1000);
    JsonNode pinned = await("/v1/services/shop", s -> s.get("desiredInstances").asInt() == 7);
    assertThat(pinned.get("lastDecision").get("reason").get("code").asText()).isEqualTo("OVERRIDE_PIN");
    assertThat(pinned.get("lastDecision").get("explanation").asText()).contains(id);
    JsonNode listed = send("GET", "/v1/services/shop/overrides", Role.VIEWER, null).body();
    assertThat(listed.get("overrides").findValuesAsText("id")).contains(id);

    TestNode.Answer cancelled = send("DELETE", "/v1/services/shop/overrides/" + id + "?reason=load%20test%20done",
        Role.OPERATOR, null);
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.body().get("cancelledBy").asText()).isEqualTo("operator-user");
    assertThat(send("GET", "/v1/services/shop/overrides", Role.VIEWER, null).body().get("overrides")
        .findValuesAsText("id")).doesNotContain(id);
    assertThat(send("DELETE", "/v1/services/shop/overrides/" + id, Role.OPERATOR, null).status()).isEqualTo(404);

    List<JsonNode> history = events("shop");
    JsonNode recordedSet = history.stream().filter(e -> e.get("type").asText().equals("OverrideSet")
        && e.get("event").get("override").get("id").asText().equals(id)).findFirst().orElseThrow();
    assertThat(recordedSet.get("event").get("override").get("reason").asText()).isEqualTo("load test at 14:00");
    assertThat(recordedSet.get("event").get("override").get("setBy").asText()).isEqualTo("operator-user");
    JsonNode recordedCancel = history.stream().filter(e -> e.get("type").asText().equals("OverrideCancelled")
        && e.get("event").get("id").asText().equals(id)).findFirst().orElseThrow();
    assertThat(recordedCancel.get("event").get("cancelledBy").asText()).isEqualTo("operator-user");
    assertThat(recordedCancel.get("event").get("reason").asText()).isEqualTo("load test done");
  }

  @Test
  void a_short_override_expires_by_itself_and_the_expiry_is_recorded() {
    TestNode.Answer set = send("POST", "/v1/services/shop/overrides", Role.OPERATOR,
        "{\"kind\":\"freeze\",\"scaleIn\":true,\"reason\":\"deploy window\",\"ttl\":\"PT1S\"}");
    assertThat(set.status()).isEqualTo(201);
    String id = set.body().get("id").asText();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && events("shop").stream().noneMatch(e ->
        e.get("type").asText().equals("OverrideExpired") && e.get("event").get("id").asText().equals(id))) {
      sleep(200);
    }
    assertThat(events("shop")).anySatisfy(e -> {
      assertThat(e.get("type").asText()).isEqualTo("OverrideExpired");
      assertThat(e.get("event").get("id").asText()).isEqualTo(id);
    });
  }

  static Stream<Arguments> badOverrides() {
    return Stream.of(
        Arguments.of("no kind", "{\"reason\":\"r\",\"ttl\":\"1m\"}", "kind"),
        Arguments.of("an unknown kind", "{\"kind\":\"reboot\",\"reason\":\"r\",\"ttl\":\"1m\"}", "kind"),
        Arguments.of("no reason", "{\"kind\":\"pause\",\"ttl\":\"1m\"}", "reason"),
        Arguments.of("a blank reason", "{\"kind\":\"pause\",\"reason\":\"  \",\"ttl\":\"1m\"}", "reason"),
        Arguments.of("no ttl", "{\"kind\":\"pause\",\"reason\":\"r\"}", "ttl"),
        Arguments.of("a ttl that is no duration", "{\"kind\":\"pause\",\"reason\":\"r\",\"ttl\":\"soon\"}", "ttl"),
        Arguments.of("a ttl beyond a week", "{\"kind\":\"pause\",\"reason\":\"r\",\"ttl\":\"8d\"}", "ttl"),
        Arguments.of("a pin without instances", "{\"kind\":\"pin\",\"reason\":\"r\",\"ttl\":\"1m\"}", "instances"),
        Arguments.of("a pin of a negative count",
            "{\"kind\":\"pin\",\"instances\":-1,\"reason\":\"r\",\"ttl\":\"1m\"}", "instances"),
        Arguments.of("a pin of a fraction",
            "{\"kind\":\"pin\",\"instances\":2.5,\"reason\":\"r\",\"ttl\":\"1m\"}", "instances"),
        Arguments.of("bounds with min above max",
            "{\"kind\":\"bounds\",\"min\":9,\"max\":3,\"reason\":\"r\",\"ttl\":\"1m\"}", "max"),
        Arguments.of("bounds without either", "{\"kind\":\"bounds\",\"reason\":\"r\",\"ttl\":\"1m\"}", "min"),
        Arguments.of("a freeze of nothing", "{\"kind\":\"freeze\",\"reason\":\"r\",\"ttl\":\"1m\"}", "scaleIn"),
        Arguments.of("a shed level of an unknown class",
            "{\"kind\":\"shed\",\"admit\":{\"bulk\":0},\"reason\":\"r\",\"ttl\":\"1m\"}", "admit.bulk"),
        Arguments.of("a shed level above one",
            "{\"kind\":\"shed\",\"admit\":{\"sheddable\":1.5},\"reason\":\"r\",\"ttl\":\"1m\"}", "admit.sheddable"),
        Arguments.of("a field of another kind",
            "{\"kind\":\"pin\",\"instances\":3,\"min\":1,\"reason\":\"r\",\"ttl\":\"1m\"}", "min"),
        Arguments.of("a start that is no instant",
            "{\"kind\":\"pause\",\"reason\":\"r\",\"ttl\":\"1m\",\"startsAt\":\"tomorrow\"}", "startsAt"));
  }

  @ParameterizedTest(name = "an override with {0} is refused, naming {2}")
  @MethodSource("badOverrides")
  void a_bad_override_is_refused_naming_the_field_and_changes_nothing(String name, String body, String field) {
    int before = events("shop").size();

    TestNode.Answer answer = send("POST", "/v1/services/shop/overrides", Role.OPERATOR, body);

    assertThat(answer.status()).as("%s", answer.body()).isEqualTo(400);
    assertThat(answer.body().get("field").asText()).isEqualTo(field);
    assertThat(events("shop").stream().skip(before)).noneMatch(e -> e.get("type").asText().equals("OverrideSet"));
  }

  @Test
  void an_override_on_a_service_that_does_not_exist_is_not_found() {
    TestNode.Answer answer = send("POST", "/v1/services/ghost/overrides", Role.OPERATOR,
        "{\"kind\":\"pause\",\"reason\":\"r\",\"ttl\":\"1m\"}");

    assertThat(answer.status()).isEqualTo(404);
  }

  @Test
  void a_body_that_is_not_json_is_refused() {
    TestNode.Answer answer = send("POST", "/v1/services/shop/overrides", Role.OPERATOR, "{kind: pause");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().get("error").asText()).isEqualTo("invalid_json");
  }

  // --- policy -----------------------------------------------------------------------------------------------

  @Test
  void the_policy_is_shown_as_configured_and_a_change_is_recorded_with_the_old_and_new_settings() {
    JsonNode shown = send("GET", "/v1/services/shop/policy", Role.VIEWER, null).body();
    assertThat(shown.get("policy").get("kind").asText()).isEqualTo("ballast");
    assertThat(shown.get("policy").get("min-instances").asInt()).isEqualTo(2);

    JsonNode policy = shown.get("policy").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) policy).put("min-instances", 3);
    TestNode.Answer changed = send("PUT", "/v1/services/shop/policy", Role.ADMIN,
        "{\"policy\":" + policy + ",\"reason\":\"black friday floor\"}");

    assertThat(changed.status()).as("%s", changed.body()).isEqualTo(200);
    assertThat(changed.body().get("policy").get("min-instances").asInt()).isEqualTo(3);
    assertThat(changed.body().get("previous").get("min-instances").asInt()).isEqualTo(2);
    JsonNode recorded = events("shop").stream().filter(e -> e.get("type").asText().equals("PolicySet"))
        .reduce((a, b) -> b).orElseThrow().get("event");
    assertThat(recorded.get("setBy").asText()).isEqualTo("admin-user");
    assertThat(recorded.get("reason").asText()).isEqualTo("black friday floor");
    assertThat(send("GET", "/v1/services/shop/policy", Role.VIEWER, null).body().get("policy")
        .get("min-instances").asInt()).isEqualTo(3);

    // Put it back for the other tests.
    ((com.fasterxml.jackson.databind.node.ObjectNode) policy).put("min-instances", 2);
    assertThat(send("PUT", "/v1/services/shop/policy", Role.ADMIN,
        "{\"policy\":" + policy + ",\"reason\":\"after the test\"}").status()).isEqualTo(200);
  }

  static Stream<Arguments> badPolicies() {
    return Stream.of(
        Arguments.of("max below min", "{\"min-instances\":9,\"max-instances\":3}", "policy"),
        Arguments.of("an unknown setting", "{\"tolerence\":0.1}", "policy.tolerence"),
        Arguments.of("an unknown kind", "{\"kind\":\"magic\"}", "policy.kind"),
        Arguments.of("a setting of the wrong type", "{\"min-instances\":\"many\"}", "policy.min-instances"),
        Arguments.of("a nested setting out of range",
            "{\"targets\":{\"requests-per-instance\":-5}}", "policy"),
        Arguments.of("no policy at all", null, "policy"));
  }

  @ParameterizedTest(name = "a policy with {0} is refused, naming {2}, and the old one stays")
  @MethodSource("badPolicies")
  void a_bad_policy_is_refused_naming_the_setting_and_the_old_one_stays(String name, String policy, String field) {
    JsonNode before = send("GET", "/v1/services/shop/policy", Role.VIEWER, null).body().get("policy");

    TestNode.Answer answer = send("PUT", "/v1/services/shop/policy", Role.ADMIN,
        "{" + (policy == null ? "" : "\"policy\":" + policy + ",") + "\"reason\":\"r\"}");

    assertThat(answer.status()).as("%s", answer.body()).isEqualTo(400);
    assertThat(answer.body().get("field").asText()).startsWith(field);
    assertThat(send("GET", "/v1/services/shop/policy", Role.VIEWER, null).body().get("policy")).isEqualTo(before);
  }

  // --- helpers ----------------------------------------------------------------------------------------------

  private static void feed(String service, long requests) {
    Instant second = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    assertThat(send("POST", "/v1/metrics", Role.INGEST, "{\"samples\":[{\"service\":\"" + service + "\",\"at\":\""
        + second + "\",\"periodSeconds\":1,\"priority\":\"critical\",\"requests\":" + requests
        + ",\"instances\":{\"ready\":10}}]}").status()).isEqualTo(200);
  }

  private static List<JsonNode> events(String service) {
    List<JsonNode> all = new ArrayList<>();
    long from = 1;
    while (true) {
      JsonNode page = send("GET", "/v1/services/" + service + "/events?limit=1000&from=" + from, Role.VIEWER, null)
          .body();
      page.get("events").forEach(all::add);
      if (page.get("next") == null || page.get("next").isNull()) {
        return all;
      }
      from = page.get("next").get("from").asLong();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
