package io.ballast.controller.actuation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ballast.persistence.event.ActuationError;
import io.ballast.persistence.event.InstanceCounts;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The adapter against a fake Compute REST API: what reaches the wire, and how answers are read and classified. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class GcpInstanceGroupActuatorTest {

  @RegisterExtension
  static WireMockExtension compute = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String ZONAL = "/compute/v1/projects/shop/zones/europe-west1-b/instanceGroupManagers/checkout";
  private static final String REGIONAL = "/compute/v1/projects/shop/regions/europe-west1/instanceGroupManagers/checkout";
  private static final String OPERATION = """
      {"kind":"compute#operation","name":"operation-1","operationType":"compute.instanceGroupManagers.resize",
       "status":"DONE","progress":100}""";

  private GcpInstanceGroupActuator actuator;

  @AfterEach
  void close() {
    if (actuator != null) {
      actuator.close();
    }
  }

  private GcpInstanceGroupActuator zonal(Duration timeout) {
    actuator = GcpInstanceGroupActuator.create(new ActuationSettings.GcpInstanceGroup("shop", "europe-west1-b", null,
        "checkout", URI.create(compute.baseUrl()), "none"), timeout);
    return actuator;
  }

  private GcpInstanceGroupActuator zonal() {
    return zonal(Duration.ofSeconds(5));
  }

  private GcpInstanceGroupActuator regional() {
    actuator = GcpInstanceGroupActuator.create(new ActuationSettings.GcpInstanceGroup("shop", null, "europe-west1",
        "checkout", URI.create(compute.baseUrl()), "none"), Duration.ofSeconds(5));
    return actuator;
  }

  private static void group(String path, int targetSize, String... instances) {
    compute.stubFor(get(urlPathEqualTo(path)).willReturn(okJson(
        "{\"kind\":\"compute#instanceGroupManager\",\"name\":\"checkout\",\"targetSize\":" + targetSize
            + ",\"currentActions\":{\"none\":" + instances.length + "}}")));
    compute.stubFor(post(urlPathEqualTo(path + "/listManagedInstances")).willReturn(okJson(
        "{\"managedInstances\":[" + String.join(",", instances) + "]}")));
  }

  private static String instance(String name, String action, String status) {
    return "{\"instance\":\"https://www.googleapis.com/compute/v1/projects/shop/zones/europe-west1-b/instances/" + name
        + "\",\"currentAction\":\"" + action + "\"" + (status.isEmpty() ? "" : ",\"instanceStatus\":\"" + status + "\"")
        + "}";
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  private static ActuationException failure(CompletionStage<?> stage) {
    Throwable t = catchThrowable(() -> stage.toCompletableFuture().get(15, TimeUnit.SECONDS));
    assertThat(t).isInstanceOf(ExecutionException.class);
    assertThat(t.getCause()).isInstanceOf(ActuationException.class);
    return (ActuationException) t.getCause();
  }

  private static List<LoggedRequest> resizes(String path) {
    return compute.findAll(postRequestedFor(urlPathEqualTo(path + "/resize")));
  }

  @Test
  void a_zonal_write_resizes_with_the_size_and_a_request_id_and_reports_the_group_after() throws Exception {
    compute.stubFor(post(urlPathEqualTo(ZONAL + "/resize")).willReturn(okJson(OPERATION)));
    group(ZONAL, 5, instance("a", "NONE", "RUNNING"), instance("b", "CREATING", ""));

    TargetState after = await(zonal().write(5, "checkout@1732550400000/5"));

    assertThat(after).isEqualTo(new TargetState(5, new InstanceCounts(1, 0, 1, 0)));
    List<LoggedRequest> resizes = resizes(ZONAL);
    assertThat(resizes).hasSize(1);
    LoggedRequest resize = resizes.get(0);
    assertThat(resize.queryParameter("size").firstValue()).isEqualTo("5");
    assertThat(resize.queryParameter("requestId").firstValue())
        .isEqualTo(UUID.nameUUIDFromBytes("checkout@1732550400000/5".getBytes()).toString());
    assertThat(resize.containsHeader("Authorization")).as("credentials none sends no token").isFalse();
    // The operation is not polled: one resize, then the read.
    compute.verify(0, anyRequestedFor(urlPathEqualTo("/compute/v1/projects/shop/zones/europe-west1-b/operations/operation-1")));
    compute.verify(1, getRequestedFor(urlPathEqualTo(ZONAL)));
    compute.verify(1, postRequestedFor(urlPathEqualTo(ZONAL + "/listManagedInstances")));
  }

  @Test
  void a_regional_write_resizes_the_regional_group() throws Exception {
    compute.stubFor(post(urlPathEqualTo(REGIONAL + "/resize")).willReturn(okJson(OPERATION)));
    group(REGIONAL, 3, instance("a", "NONE", "RUNNING"), instance("b", "NONE", "RUNNING"),
        instance("c", "VERIFYING", "RUNNING"));

    GcpInstanceGroupActuator mig = regional();

    TargetState after = await(mig.write(3, "checkout@1732550400000/3"));

    assertThat(after).isEqualTo(new TargetState(3, new InstanceCounts(2, 1, 0, 0)));
    List<LoggedRequest> resizes = resizes(REGIONAL);
    assertThat(resizes).hasSize(1);
    assertThat(resizes.get(0).queryParameter("size").firstValue()).isEqualTo("3");
    assertThat(resizes.get(0).queryParameter("requestId").firstValue())
        .isEqualTo(UUID.nameUUIDFromBytes("checkout@1732550400000/3".getBytes()).toString());
    assertThat(mig.describe()).isEqualTo("gcp mig shop/europe-west1/checkout");
  }

  @Test
  void the_same_key_sends_the_same_request_id_and_different_keys_differ() throws Exception {
    compute.stubFor(post(urlPathEqualTo(ZONAL + "/resize")).willReturn(okJson(OPERATION)));
    group(ZONAL, 4);
    GcpInstanceGroupActuator mig = zonal();

    await(mig.write(4, "checkout@1732550400000/4"));
    await(mig.write(4, "checkout@1732550400000/4"));
    await(mig.write(4, "checkout@1732550460000/4"));

    List<String> ids = resizes(ZONAL).stream()
        .map(r -> r.queryParameter("requestId").firstValue()).collect(Collectors.toList());
    assertThat(ids).hasSize(3);
    assertThat(ids.get(0)).isEqualTo(ids.get(1)).isNotEqualTo(ids.get(2));
    assertThat(UUID.fromString(ids.get(2)).version()).isEqualTo(3);
  }

  @ParameterizedTest(name = "{0} while {1} is {2}")
  @CsvSource({
      "NONE, RUNNING, ready",
      "NONE, STAGING, booting",
      "NONE, STOPPING, draining",
      "NONE, TERMINATED, uncounted",
      "NONE, STOPPED, uncounted",
      "VERIFYING, RUNNING, warming",
      "CREATING, '', booting",
      "CREATING_WITHOUT_RETRIES, PROVISIONING, booting",
      "RECREATING, STAGING, booting",
      "RESTARTING, RUNNING, booting",
      "STARTING, STAGING, booting",
      "RESUMING, SUSPENDED, booting",
      "REFRESHING, RUNNING, booting",
      "DELETING, RUNNING, draining",
      "ABANDONING, RUNNING, draining",
      "STOPPING, RUNNING, draining",
      "SUSPENDING, RUNNING, draining",
  })
  void a_read_counts_each_instance_by_its_current_action(String action, String status, String state)
      throws Exception {
    group(ZONAL, 7, instance("x", action, status));

    TargetState read = await(zonal().read());

    InstanceCounts expected = switch (state) {
      case "ready" -> new InstanceCounts(1, 0, 0, 0);
      case "warming" -> new InstanceCounts(0, 1, 0, 0);
      case "booting" -> new InstanceCounts(0, 0, 1, 0);
      case "draining" -> new InstanceCounts(0, 0, 0, 1);
      default -> new InstanceCounts(0, 0, 0, 0);
    };
    assertThat(read).isEqualTo(new TargetState(7, expected));
  }

  @Test
  void a_read_follows_every_page_of_instances() throws Exception {
    compute.stubFor(get(urlPathEqualTo(ZONAL)).willReturn(okJson("{\"name\":\"checkout\",\"targetSize\":3}")));
    compute.stubFor(post(urlPathEqualTo(ZONAL + "/listManagedInstances")).withQueryParam("pageToken", equalTo("p2"))
        .willReturn(okJson("{\"managedInstances\":[" + instance("c", "DELETING", "RUNNING") + "]}")));
    compute.stubFor(post(urlPathEqualTo(ZONAL + "/listManagedInstances")).atPriority(10)
        .willReturn(okJson("{\"managedInstances\":[" + instance("a", "NONE", "RUNNING") + ","
            + instance("b", "NONE", "RUNNING") + "],\"nextPageToken\":\"p2\"}")));

    TargetState read = await(zonal().read());

    assertThat(read).isEqualTo(new TargetState(3, new InstanceCounts(2, 0, 0, 1)));
    compute.verify(2, postRequestedFor(urlPathEqualTo(ZONAL + "/listManagedInstances")));
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("429 rate limit", 429, error(429, "Rate Limit Exceeded", "rateLimitExceeded"),
            ActuationError.THROTTLED, "Rate Limit Exceeded"),
        Arguments.of("403 rate limit", 403, error(403, "User Rate Limit Exceeded", "userRateLimitExceeded"),
            ActuationError.THROTTLED, "User Rate Limit Exceeded"),
        Arguments.of("403 forbidden", 403,
            error(403, "Required 'compute.instanceGroupManagers.update' permission", "forbidden"),
            ActuationError.UNAUTHORIZED, "compute.instanceGroupManagers.update"),
        Arguments.of("401 unauthenticated", 401, error(401, "Request is missing required authentication", "required"),
            // The JDK's HttpURLConnection drops a 401's body on a streamed POST: status and reason are what is left.
            ActuationError.UNAUTHORIZED, "Unauthorized (HTTP 401, UNAUTHENTICATED)"),
        Arguments.of("404 not found", 404,
            error(404, "The resource 'projects/shop/zones/europe-west1-b/instanceGroupManagers/checkout' was not found",
                "notFound"),
            ActuationError.INVALID, "instance group manager shop/europe-west1-b/checkout not found"),
        Arguments.of("400 invalid size", 400, error(400, "Invalid value for field 'size': '-1'", "invalid"),
            ActuationError.INVALID, "Invalid value for field 'size'"),
        Arguments.of("400 resource not ready", 400,
            error(400, "The resource 'checkout' is not ready", "resourceNotReady"),
            ActuationError.CONFLICT, "is not ready"),
        Arguments.of("409 conflict", 409, error(409, "Operation in progress", "conflict"),
            ActuationError.CONFLICT, "Operation in progress"),
        Arguments.of("500 internal", 500, error(500, "Internal error", "backendError"),
            ActuationError.UNAVAILABLE, "Internal error"),
        Arguments.of("503 unavailable", 503, error(503, "Service unavailable", "backendError"),
            ActuationError.UNAVAILABLE, "Service unavailable"));
  }

  private static String error(int code, String message, String reason) {
    return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"errors\":[{\"message\":\"" + message
        + "\",\"domain\":\"global\",\"reason\":\"" + reason + "\"}]}}";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void a_refused_resize_is_classified_and_tried_once(String name, int status, String body, ActuationError error,
      String message) {
    compute.stubFor(post(urlPathEqualTo(ZONAL + "/resize")).willReturn(
        aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));

    ActuationException failure = failure(zonal().write(6, "checkout@1732550400000/6"));

    assertThat(failure.error()).isEqualTo(error);
    assertThat(failure.getMessage()).contains(message);
    assertThat(compute.getAllServeEvents()).as("one attempt, no read after a failed resize").hasSize(1);
  }

  @Test
  void a_throttled_resize_carries_the_retry_after_hint() {
    compute.stubFor(post(urlPathEqualTo(ZONAL + "/resize")).willReturn(aResponse().withStatus(429)
        .withHeader("Content-Type", "application/json").withHeader("Retry-After", "7")
        .withBody(error(429, "Rate Limit Exceeded", "rateLimitExceeded"))));

    ActuationException failure = failure(zonal().write(6, "checkout@1732550400000/6"));

    assertThat(failure.error()).isEqualTo(ActuationError.THROTTLED);
    assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    assertThat(failure.getMessage()).contains("Rate Limit Exceeded", "HTTP 429", "rateLimitExceeded");
  }

  @Test
  void a_missing_group_is_invalid_on_read() {
    compute.stubFor(get(urlPathEqualTo(ZONAL)).willReturn(aResponse().withStatus(404)
        .withHeader("Content-Type", "application/json")
        .withBody(error(404, "The resource 'checkout' was not found", "notFound"))));
    compute.stubFor(post(urlPathEqualTo(ZONAL + "/listManagedInstances")).willReturn(aResponse().withStatus(404)
        .withHeader("Content-Type", "application/json")
        .withBody(error(404, "The resource 'checkout' was not found", "notFound"))));

    ActuationException failure = failure(zonal().read());

    assertThat(failure.error()).isEqualTo(ActuationError.INVALID);
    assertThat(failure.getMessage()).contains("instance group manager shop/europe-west1-b/checkout not found");
    compute.verify(1, getRequestedFor(urlPathEqualTo(ZONAL)));
  }

  @Test
  void a_response_slower_than_the_call_timeout_is_unavailable_and_not_retried() {
    compute.stubFor(post(urlPathEqualTo(ZONAL + "/resize")).willReturn(okJson(OPERATION).withFixedDelay(3_000)));

    long started = System.nanoTime();
    ActuationException failure = failure(zonal(Duration.ofMillis(300)).write(6, "checkout@1732550400000/6"));

    assertThat(failure.error()).isEqualTo(ActuationError.UNAVAILABLE);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2_500));
    compute.verify(1, anyRequestedFor(anyUrl()));
  }

  @Test
  void a_broken_connection_is_unavailable_and_not_retried() {
    compute.stubFor(post(urlPathEqualTo(ZONAL + "/resize"))
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    ActuationException failure = failure(zonal().write(6, "checkout@1732550400000/6"));

    assertThat(failure.error()).isEqualTo(ActuationError.UNAVAILABLE);
    compute.verify(1, anyRequestedFor(anyUrl()));
  }

  @Test
  void it_describes_the_zonal_group() {
    assertThat(zonal().describe()).isEqualTo("gcp mig shop/europe-west1-b/checkout");
  }
}
