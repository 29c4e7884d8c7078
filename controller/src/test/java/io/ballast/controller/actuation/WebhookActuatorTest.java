package io.ballast.controller.actuation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ballast.persistence.event.ActuationError;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.ScaleApplied;
import io.ballast.persistence.event.ScaleFailed;
import io.ballast.persistence.event.ServiceEvent;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The webhook adapter against a real HTTP receiver, alone and behind the driver. */
class WebhookActuatorTest {

  private static final String SECRET = "s3cret-s3cret-s3cret";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ActorTestKit testKit = ActorTestKit.create("WebhookActuatorTest");

  private final WireMockServer receiver = new WireMockServer(wireMockConfig().dynamicPort());
  private WebhookActuator webhook;

  @BeforeEach
  void start() {
    receiver.start();
    webhook = WebhookActuator.create("checkout", target(true));
  }

  @AfterEach
  void stopReceiver() {
    receiver.stop();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private ActuationSettings.Webhook target(boolean withReadUrl) {
    return new ActuationSettings.Webhook(URI.create(receiver.baseUrl() + "/scale"), SECRET,
        withReadUrl ? URI.create(receiver.baseUrl() + "/state") : null);
  }

  @Test
  void a_write_is_a_signed_json_post_with_the_idempotency_key() throws Exception {
    receiver.stubFor(post("/scale").willReturn(okJson(
        "{\"desired\":12,\"instances\":{\"ready\":8,\"warming\":2,\"booting\":2,\"draining\":0}}")));

    TargetState after = webhook.write(12, "checkout@1000/12").toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(after).isEqualTo(new TargetState(12, new InstanceCounts(8, 2, 2, 0)));
    LoggedRequest request = receiver.findAll(postRequestedFor(urlEqualTo("/scale"))).get(0);
    JsonNode body = JSON.readTree(request.getBodyAsString());
    assertThat(body.get("service").asText()).isEqualTo("checkout");
    assertThat(body.get("desired").asInt()).isEqualTo(12);
    assertThat(body.get("idempotencyKey").asText()).isEqualTo("checkout@1000/12");
    assertThat(request.getHeader("Idempotency-Key")).isEqualTo("checkout@1000/12");
    assertThat(request.getHeader("Content-Type")).startsWith("application/json");
    long timestamp = Long.parseLong(request.getHeader("X-Ballast-Timestamp"));
    assertThat(timestamp).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
    assertThat(request.getHeader("X-Ballast-Signature"))
        .isEqualTo(WebhookActuator.signature(SECRET, timestamp, request.getBodyAsString()))
        .startsWith("sha256=")
        .doesNotContain(SECRET);
  }

  @Test
  void the_signature_is_the_documented_hmac_sha256() {
    // Receivers in any language compute the same: printf '%s' '1700000000.{}' | openssl dgst -sha256 -hmac KEY
    assertThat(WebhookActuator.signature("key", 1700000000L, "{}"))
        .isEqualTo("sha256=" + hmacOf("key", "1700000000.{}"));
  }

  @Test
  void an_empty_answer_means_the_count_is_taken_and_the_instances_are_unknown() throws Exception {
    receiver.stubFor(post("/scale").willReturn(aResponse().withStatus(204)));

    TargetState after = webhook.write(4, "checkout@1000/4").toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(after).isEqualTo(new TargetState(4, null));
  }

  @Test
  void reads_the_receivers_state_from_the_read_url() throws Exception {
    receiver.stubFor(get("/state").willReturn(okJson(
        "{\"desired\":6,\"instances\":{\"ready\":5,\"booting\":1}}")));

    TargetState state = webhook.read().toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(state).isEqualTo(new TargetState(6, new InstanceCounts(5, 0, 1, 0)));
    LoggedRequest request = receiver.getAllServeEvents().get(0).getRequest();
    long timestamp = Long.parseLong(request.getHeader("X-Ballast-Timestamp"));
    assertThat(request.getHeader("X-Ballast-Signature")).isEqualTo(WebhookActuator.signature(SECRET, timestamp, ""));
  }

  @Test
  void without_a_read_url_the_state_is_unknown_and_nothing_is_called() throws Exception {
    TargetState state = WebhookActuator.create("checkout", target(false)).read().toCompletableFuture()
        .get(5, TimeUnit.SECONDS);

    assertThat(state.knowsDesired()).isFalse();
    assertThat(receiver.getAllServeEvents()).isEmpty();
  }

  static Stream<Arguments> answers() {
    return Stream.of(
        Arguments.of("429 is throttling", aResponse().withStatus(429).withHeader("Retry-After", "7"),
            ActuationError.THROTTLED, Duration.ofSeconds(7)),
        Arguments.of("409 is a conflict", aResponse().withStatus(409), ActuationError.CONFLICT, null),
        Arguments.of("401 is unauthorized", aResponse().withStatus(401), ActuationError.UNAUTHORIZED, null),
        Arguments.of("403 is unauthorized", aResponse().withStatus(403), ActuationError.UNAUTHORIZED, null),
        Arguments.of("422 is an invalid count", aResponse().withStatus(422).withBody("{\"error\":\"over quota\"}"),
            ActuationError.INVALID, null),
        Arguments.of("500 is unavailable", aResponse().withStatus(500), ActuationError.UNAVAILABLE, null),
        Arguments.of("503 with a Retry-After is unavailable for that long",
            aResponse().withStatus(503).withHeader("Retry-After", "2"), ActuationError.UNAVAILABLE,
            Duration.ofSeconds(2)),
        Arguments.of("an answer that is not the documented JSON is invalid",
            okJson("{\"instances\":{\"ready\":-1}}"), ActuationError.INVALID, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("answers")
  void classifies_the_receivers_answer(String name,
      com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer, ActuationError error,
      Duration retryAfter) {
    receiver.stubFor(post("/scale").willReturn(answer));

    ActuationException failure = failure(webhook.write(3, "checkout@1000/3").toCompletableFuture());

    assertThat(failure.error()).isEqualTo(error);
    assertThat(failure.retryAfter()).isEqualTo(retryAfter);
    assertThat(failure.getMessage()).contains("/scale").doesNotContain(SECRET);
    assertThat(receiver.findAll(postRequestedFor(urlEqualTo("/scale")))).hasSize(1);
  }

  @Test
  void a_receiver_that_is_not_there_is_unavailable() {
    receiver.stop();

    ActuationException failure = failure(webhook.write(3, "checkout@1000/3").toCompletableFuture());

    assertThat(failure.error()).isEqualTo(ActuationError.UNAVAILABLE);
  }

  // --- behind the driver: what reaches the receiver, and what is recorded ---------------------------------

  private final TestProbe<ServiceEvent> events = testKit.createTestProbe();

  private ActorRef<ActuationDriver.Command> driver(ActuationSettings.Webhook target, Duration callTimeout) {
    var settings = new ActuationSettings(target, false, 100, 10, Duration.ofMillis(50), Duration.ofMillis(200), 5,
        Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(1), callTimeout);
    return testKit.spawn(ActuationDriver.create("checkout", WebhookActuator.create("checkout", target), settings,
        events.ref(), Clock.systemUTC(), new Random(3)));
  }

  private static ActuationDriver.Desired desired(int count, int second) {
    return new ActuationDriver.Desired(count, Instant.parse("2026-11-25T12:00:00Z").plusSeconds(second));
  }

  @Test
  void decisions_made_during_a_slow_write_reach_the_receiver_as_the_latest_only() throws Exception {
    receiver.stubFor(post("/scale").withRequestBody(com.github.tomakehurst.wiremock.client.WireMock
        .matchingJsonPath("$.desired", equalTo("8"))).willReturn(aResponse().withStatus(200).withFixedDelay(700)));
    receiver.stubFor(post("/scale").withRequestBody(com.github.tomakehurst.wiremock.client.WireMock
        .matchingJsonPath("$.desired", equalTo("11"))).willReturn(aResponse().withStatus(200)));
    var driver = driver(target(false), Duration.ofSeconds(5));

    driver.tell(desired(8, 0));
    Thread.sleep(100);
    driver.tell(desired(9, 5));
    driver.tell(desired(10, 10));
    driver.tell(desired(11, 15));
    assertThat(events.expectMessageClass(ScaleApplied.class).desired()).isEqualTo(8);
    assertThat(events.expectMessageClass(ScaleApplied.class).desired()).isEqualTo(11);
    driver.tell(desired(11, 20));
    events.expectNoMessage(Duration.ofMillis(300));

    assertThat(desiredCountsReceived()).containsExactly(8, 11);
  }

  @Test
  void a_failing_receiver_is_retried_with_the_same_key_and_the_events_tell_each_attempt() throws Exception {
    receiver.stubFor(post("/scale").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(503)).willSetStateTo("throttling"));
    receiver.stubFor(post("/scale").inScenario("flaky").whenScenarioStateIs("throttling")
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("slow"));
    receiver.stubFor(post("/scale").inScenario("flaky").whenScenarioStateIs("slow")
        .willReturn(aResponse().withStatus(200).withFixedDelay(2_000)).willSetStateTo("fine"));
    receiver.stubFor(post("/scale").inScenario("flaky").whenScenarioStateIs("fine")
        .willReturn(okJson("{\"desired\":8,\"instances\":{\"ready\":5,\"booting\":3}}")));
    var driver = driver(target(false), Duration.ofMillis(500));

    driver.tell(desired(8, 0));

    ScaleFailed unavailable = events.expectMessageClass(ScaleFailed.class);
    assertThat(unavailable.error()).isEqualTo(ActuationError.UNAVAILABLE);
    assertThat(unavailable.detail()).contains("503");
    ScaleFailed throttled = events.expectMessageClass(ScaleFailed.class);
    assertThat(throttled.error()).isEqualTo(ActuationError.THROTTLED);
    ScaleFailed timedOut = events.expectMessageClass(ScaleFailed.class, Duration.ofSeconds(5));
    assertThat(timedOut.error()).isEqualTo(ActuationError.UNAVAILABLE);
    assertThat(timedOut.detail()).contains("timed out");
    ScaleApplied applied = events.expectMessageClass(ScaleApplied.class, Duration.ofSeconds(5));
    assertThat(applied.instances()).isEqualTo(new InstanceCounts(5, 0, 3, 0));
    assertThat(List.of(unavailable.attempt(), throttled.attempt(), timedOut.attempt())).containsExactly(1, 2, 3);

    List<LoggedRequest> posts = receiver.findAll(postRequestedFor(urlEqualTo("/scale")));
    assertThat(posts).hasSize(4);
    assertThat(posts).extracting(r -> r.getHeader("Idempotency-Key")).containsOnly(
        "checkout@" + desired(8, 0).decidedAt().toEpochMilli() + "/8");
  }

  private List<Integer> desiredCountsReceived() {
    return receiver.findAll(postRequestedFor(urlEqualTo("/scale"))).stream()
        .map(r -> {
          try {
            return JSON.readTree(r.getBodyAsString()).get("desired").asInt();
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        }).toList();
  }

  private static ActuationException failure(java.util.concurrent.CompletableFuture<?> call) {
    Throwable thrown = catchThrowable(() -> call.get(15, TimeUnit.SECONDS));
    Throwable cause = thrown.getCause() instanceof CompletionException c ? c.getCause() : thrown.getCause();
    assertThat(cause).isInstanceOf(ActuationException.class);
    return (ActuationException) cause;
  }

  private static String hmacOf(String key, String message) {
    try {
      var mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          "HmacSHA256"));
      return java.util.HexFormat.of().formatHex(mac.doFinal(message.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
