package io.ballast.controller.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The directive on a real server: 401 and 403 in the API's JSON shape, the principal for the route. */
class AuthenticatorTest extends AllDirectives {

  private static final ActorTestKit testKit = ActorTestKit.create("AuthenticatorTest");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static final BearerToken ALICE = BearerToken.generate();
  private static final BearerToken VICTOR = BearerToken.generate();
  private static final BearerToken REVOKED = BearerToken.generate();
  private static ServerBinding binding;

  record Answer(int status, JsonNode body, HttpResponse<String> raw) {}

  @BeforeAll
  static void bind() throws Exception {
    var entries = List.of(
        new TokenEntry(ALICE.id(), "alice", Role.OPERATOR, TokenHash.parse(TokenHash.create(ALICE.value()))),
        new TokenEntry(VICTOR.id(), "victor", Role.VIEWER, TokenHash.parse(TokenHash.create(VICTOR.value()))));
    AuthSettings on = new AuthSettings(true, entries, null, Duration.ofSeconds(2));
    var enabled = new Authenticator(on, TokenStore.create(on));
    var disabled = new Authenticator(AuthSettings.disabled(), null);
    var routes = new AuthenticatorTest();
    Route route = routes.concat(
        routes.path("on", () -> enabled.authorize(Role.OPERATOR, routes::whoAmI)),
        routes.path("off", () -> disabled.authorize(Role.ADMIN, routes::whoAmI)));
    binding = Http.get(testKit.system()).newServerAt("127.0.0.1", 0).bind(route)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private Route whoAmI(Principal principal) {
    return complete(principal.name() + " " + principal.role().configName());
  }

  @Test
  void a_request_without_a_token_is_unauthorized_with_a_bearer_challenge() throws Exception {
    Answer answer = get("/on", null);

    assertUnauthorized(answer, "missing");
  }

  @Test
  void basic_credentials_are_not_a_bearer_token() throws Exception {
    Answer answer = get("/on", "Basic YWxpY2U6c2VjcmV0");

    assertUnauthorized(answer, "not a bearer token");
  }

  @Test
  void an_empty_bearer_token_is_not_a_bearer_token() throws Exception {
    assertUnauthorized(get("/on", "Bearer "), "not a bearer token");
  }

  @Test
  void an_unknown_token_is_unauthorized_and_not_repeated() throws Exception {
    Answer answer = get("/on", "Bearer " + REVOKED.value());

    assertUnauthorized(answer, "unknown or revoked token");
    assertThat(answer.raw().body()).doesNotContain(REVOKED.secret());
  }

  @Test
  void a_malformed_token_is_unauthorized() throws Exception {
    assertUnauthorized(get("/on", "Bearer hunter2"), "unknown or revoked token");
  }

  @Test
  void a_token_whose_role_is_too_small_is_forbidden_saying_what_is_needed() throws Exception {
    Answer answer = get("/on", "Bearer " + VICTOR.value());

    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.raw().headers().firstValue("WWW-Authenticate")).isEmpty();
    assertThat(answer.body().get("error").asText()).isEqualTo("forbidden");
    assertThat(answer.body().get("field").isNull()).isTrue();
    assertThat(answer.body().get("detail").asText())
        .isEqualTo("this needs role operator; the token of 'victor' has role viewer");
    assertThat(answer.raw().body()).doesNotContain(VICTOR.secret());
  }

  @Test
  void a_token_whose_role_allows_the_route_reaches_it_as_its_principal() throws Exception {
    Answer answer = get("/on", "Bearer " + ALICE.value());

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.raw().body()).isEqualTo("alice operator");
  }

  @Test
  void the_scheme_is_case_insensitive() throws Exception {
    assertThat(get("/on", "bearer " + ALICE.value()).status()).isEqualTo(200);
  }

  @Test
  void with_authentication_off_every_request_is_an_anonymous_admin() throws Exception {
    assertThat(get("/off", null).raw().body()).isEqualTo("anonymous admin");
    assertThat(get("/off", "Bearer " + REVOKED.value()).raw().body()).isEqualTo("anonymous admin");
  }

  private static void assertUnauthorized(Answer answer, String why) {
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.raw().headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"ballast\"");
    assertThat(answer.raw().headers().firstValue("Content-Type")).contains("application/json");
    assertThat(answer.body().get("error").asText()).isEqualTo("unauthorized");
    assertThat(answer.body().get("field").asText()).isEqualTo("Authorization");
    assertThat(answer.body().get("detail").asText()).startsWith(why);
  }

  private static Answer get(String path, String authorization) throws IOException, InterruptedException {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path))
        .timeout(Duration.ofSeconds(10)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body = response.body().startsWith("{") ? JSON.readTree(response.body()) : null;
    return new Answer(response.statusCode(), body, response);
  }
}
