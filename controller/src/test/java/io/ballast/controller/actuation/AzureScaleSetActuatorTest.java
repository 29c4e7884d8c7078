package io.ballast.controller.actuation;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.ballast.persistence.event.ActuationError;
import io.ballast.persistence.event.InstanceCounts;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The adapter against WireMock speaking the ARM REST API, with credentials {@code none}. */
class AzureScaleSetActuatorTest {

  private static final String API = "2024-07-01";
  private static final String VMSS =
      "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/shop"
          + "/providers/Microsoft.Compute/virtualMachineScaleSets/checkout";
  private static final String VMS = VMSS + "/virtualMachines";
  private static final String KEY = "checkout@1732550400000/5";

  private static WireMockServer arm;
  private AzureScaleSetActuator actuator;

  @BeforeAll
  static void start() {
    arm = new WireMockServer(options().dynamicPort());
    arm.start();
  }

  @AfterAll
  static void stop() {
    arm.stop();
  }

  @BeforeEach
  void reset() {
    arm.resetAll();
    actuator = actuator(URI.create(arm.baseUrl()), Duration.ofSeconds(2));
  }

  private static AzureScaleSetActuator actuator(URI endpoint, Duration responseTimeout) {
    ActuationSettings.AzureScaleSet target = target(endpoint, "none");
    return new AzureScaleSetActuator(target, AzureScaleSetActuator.pipeline(target, responseTimeout));
  }

  private static ActuationSettings.AzureScaleSet target(URI endpoint, String credentials) {
    return new ActuationSettings.AzureScaleSet("00000000-1111-2222-3333-444444444444", "shop", "checkout", endpoint,
        API, credentials);
  }

  @Test
  void describes_the_scale_set_by_resource_group_and_name() {
    assertThat(actuator.describe()).isEqualTo("azure vmss shop/checkout");
  }

  @Test
  void read_counts_instances_by_provisioning_state_power_state_and_health_across_pages() throws Exception {
    stubScaleSet(12, "\"41\"");
    arm.stubFor(get(urlPathEqualTo(VMS)).withQueryParam("$skiptoken", absent())
        .willReturn(json(200, page(arm.baseUrl() + VMS + "?api-version=" + API + "&$skiptoken=page2",
            vm("Creating", null, null),                         // booting
            vm("Updating", "running", null),                    // booting
            vm("Succeeded", "running", null),                   // ready
            vm("Succeeded", "running", "HealthState/healthy"),  // ready
            vm("Succeeded", "running", "HealthState/initializing"), // warming
            vm("Succeeded", "starting", null),                  // booting
            vm("Succeeded", "deallocated", null),               // not counted
            vm("Deleting", "running", null),                    // draining
            vm("Failed", "running", null)))));                  // not counted
    arm.stubFor(get(urlPathEqualTo(VMS)).withQueryParam("$skiptoken", equalTo("page2"))
        .willReturn(json(200, page(null,
            "{\"properties\":{\"provisioningState\":\"Succeeded\"}}", // no instance view: ready
            vm("Succeeded", "running", "HealthState/unhealthy"),        // warming
            vm("Deleting", "stopping", null)))));                       // draining

    TargetState state = actuator.read().toCompletableFuture().get(10, SECONDS);

    assertThat(state).isEqualTo(new TargetState(12, new InstanceCounts(3, 2, 3, 2)));
    arm.verify(1, getRequestedFor(urlPathEqualTo(VMSS)).withQueryParam("api-version", equalTo(API))
        .withHeader("Accept", equalTo("application/json")));
    arm.verify(1, getRequestedFor(urlPathEqualTo(VMS)).withQueryParam("api-version", equalTo(API))
        .withQueryParam("$expand", equalTo("instanceView")).withQueryParam("$skiptoken", absent()));
    arm.verify(1, getRequestedFor(urlPathEqualTo(VMS)).withQueryParam("$skiptoken", equalTo("page2")));
    arm.verify(0, getRequestedFor(anyUrl()).withHeader("Authorization", matching(".*")));
  }

  @Test
  void a_next_link_to_another_host_is_not_followed() {
    stubScaleSet(2, "\"1\"");
    arm.stubFor(get(urlPathEqualTo(VMS)).willReturn(json(200,
        page("https://elsewhere.example.com" + VMS + "?$skiptoken=x", vm("Succeeded", "running", null)))));

    ActuationException failure = failure(actuator.read());

    assertThat(failure.error()).isEqualTo(ActuationError.UNAVAILABLE);
    assertThat(failure.getMessage()).contains("nextLink outside");
  }

  @Test
  void write_patches_the_capacity_if_the_etag_still_matches_and_returns_what_it_reads_after()
      throws Exception {
    arm.stubFor(get(urlPathEqualTo(VMSS)).inScenario("scale").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(json(200, scaleSet(3, "\"7\"")).withHeader("ETag", "\"7\"")));
    arm.stubFor(patch(urlPathEqualTo(VMSS)).inScenario("scale").willSetStateTo("patched")
        .willReturn(json(202, scaleSet(5, "\"8\""))
            .withHeader("Azure-AsyncOperation", arm.baseUrl() + "/subscriptions/x/providers/Microsoft.Compute"
                + "/locations/westeurope/operations/op-1?api-version=" + API)));
    arm.stubFor(get(urlPathEqualTo(VMSS)).inScenario("scale").whenScenarioStateIs("patched")
        .willReturn(json(200, scaleSet(5, "\"8\"")).withHeader("ETag", "\"8\"")));
    arm.stubFor(get(urlPathEqualTo(VMS)).willReturn(json(200,
        page(null, vm("Succeeded", "running", null), vm("Succeeded", "running", null), vm("Creating", null, null),
            vm("Creating", null, null), vm("Creating", null, null)))));

    TargetState after = actuator.write(5, KEY).toCompletableFuture().get(10, SECONDS);

    assertThat(after).isEqualTo(new TargetState(5, new InstanceCounts(2, 0, 3, 0)));
    arm.verify(1, patchRequestedFor(urlPathEqualTo(VMSS))
        .withQueryParam("api-version", equalTo(API))
        .withHeader("If-Match", equalTo("\"7\""))
        .withHeader("Content-Type", equalTo("application/json"))
        .withHeader("x-ms-client-request-id", equalTo(requestIdOf(KEY)))
        .withRequestBody(equalToJson("{\"sku\":{\"capacity\":5}}")));
    arm.verify(2, getRequestedFor(urlPathEqualTo(VMSS)));
    arm.verify(0, getRequestedFor(urlPathMatching(".*/operations/.*")));
  }

  @Test
  void the_etag_in_the_body_is_used_when_the_response_has_no_etag_header() throws Exception {
    arm.stubFor(get(urlPathEqualTo(VMSS)).willReturn(json(200, scaleSet(3, "\"body-etag\""))));
    arm.stubFor(patch(urlPathEqualTo(VMSS)).willReturn(json(200, scaleSet(4, "\"next\""))));
    stubInstances();

    actuator.write(4, KEY).toCompletableFuture().get(10, SECONDS);

    arm.verify(1, patchRequestedFor(urlPathEqualTo(VMSS)).withHeader("If-Match", equalTo("\"body-etag\"")));
  }

  @Test
  void the_client_request_id_is_the_same_for_the_same_key_and_differs_for_another() throws Exception {
    stubScaleSet(3, "\"3\"");
    arm.stubFor(patch(urlPathEqualTo(VMSS)).willReturn(json(200, scaleSet(5, "\"4\""))));
    stubInstances();

    actuator.write(5, KEY).toCompletableFuture().get(10, SECONDS);
    actuator.write(5, KEY).toCompletableFuture().get(10, SECONDS);
    actuator.write(6, "checkout@1732550460000/6").toCompletableFuture().get(10, SECONDS);

    List<String> ids = arm.findAll(patchRequestedFor(urlPathEqualTo(VMSS))).stream()
        .map(r -> r.getHeader("x-ms-client-request-id")).collect(Collectors.toList());
    assertThat(ids).hasSize(3);
    assertThat(ids.get(0)).isEqualTo(ids.get(1)).isEqualTo(requestIdOf(KEY));
    assertThat(ids.get(2)).isNotEqualTo(ids.get(0)).isEqualTo(requestIdOf("checkout@1732550460000/6"));
    assertThat(UUID.fromString(ids.get(2))).isNotNull();
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        refusal("412 PreconditionFailed: someone changed the scale set is a conflict", 412, "PreconditionFailed",
            "The specified precondition 'If-Match = \"7\"' failed.", null, ActuationError.CONFLICT, null),
        refusal("409 Conflict is a conflict", 409, "Conflict",
            "Another operation is in progress on the scale set.", null, ActuationError.CONFLICT, null),
        refusal("429 with Retry-After: 7 is throttled for 7 s", 429, "TooManyRequests",
            "The request is being throttled.", "7", ActuationError.THROTTLED, Duration.ofSeconds(7)),
        refusal("400 OperationNotAllowed (quota) is invalid", 400, "OperationNotAllowed",
            "Operation could not be completed as it results in exceeding approved standardDSv3Family Cores quota.",
            null, ActuationError.INVALID, null),
        refusal("400 InvalidParameter is invalid", 400, "InvalidParameter",
            "The value of parameter sku.capacity is invalid.", null, ActuationError.INVALID, null),
        refusal("404 ResourceNotFound is invalid", 404, "ResourceNotFound",
            "The Resource 'Microsoft.Compute/virtualMachineScaleSets/checkout' was not found.", null,
            ActuationError.INVALID, null),
        refusal("403 AuthorizationFailed is unauthorized", 403, "AuthorizationFailed",
            "The client does not have authorization to perform action 'Microsoft.Compute/virtualMachineScaleSets/"
                + "write'.", null, ActuationError.UNAUTHORIZED, null),
        refusal("500 is unavailable", 500, "InternalServerError", "An internal error occurred.", null,
            ActuationError.UNAVAILABLE, null),
        refusal("503 with Retry-After is unavailable and keeps the hint", 503, "ServiceUnavailable",
            "The service is unavailable.", "30", ActuationError.UNAVAILABLE, Duration.ofSeconds(30)));
  }

  private static Arguments refusal(String name, int status, String code, String message, String retryAfter,
      ActuationError error, Duration hint) {
    return Arguments.of(name, status, code, message, retryAfter, error, hint);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void a_refused_patch_is_classified_with_arms_code_and_message_and_sent_once(String name, int status, String code,
      String message, String retryAfter, ActuationError error, Duration hint) {
    stubScaleSet(3, "\"7\"");
    ResponseDefinitionBuilder answer = json(status, armError(code, message))
        .withHeader("x-ms-correlation-request-id", "corr-1");
    if (retryAfter != null) {
      answer = answer.withHeader("Retry-After", retryAfter);
    }
    arm.stubFor(patch(urlPathEqualTo(VMSS)).willReturn(answer));

    ActuationException failure = failure(actuator.write(5, KEY));

    assertThat(failure.error()).isEqualTo(error);
    assertThat(failure.retryAfter()).isEqualTo(hint);
    assertThat(failure.getMessage())
        .startsWith("azure vmss shop/checkout: PATCH scale set answered " + status)
        .contains(code, message, "corr-1");
    arm.verify(1, patchRequestedFor(urlPathEqualTo(VMSS)));
  }

  @Test
  void a_missing_scale_set_on_read_is_invalid() {
    arm.stubFor(get(urlPathEqualTo(VMSS)).willReturn(json(404, armError("ResourceNotFound",
        "The Resource 'Microsoft.Compute/virtualMachineScaleSets/checkout' under resource group 'shop' was not"
            + " found."))));
    stubInstances();

    ActuationException failure = failure(actuator.read());

    assertThat(failure.error()).isEqualTo(ActuationError.INVALID);
    assertThat(failure.getMessage()).contains("ResourceNotFound", "under resource group 'shop' was not found");
  }

  @Test
  void a_response_slower_than_the_timeout_is_unavailable_and_not_retried() {
    AzureScaleSetActuator impatient = actuator(URI.create(arm.baseUrl()), Duration.ofMillis(300));
    arm.stubFor(get(urlPathEqualTo(VMSS)).willReturn(json(200, scaleSet(3, "\"7\"")).withFixedDelay(2_000)));

    ActuationException failure = failure(impatient.write(5, KEY));

    assertThat(failure.error()).isEqualTo(ActuationError.UNAVAILABLE);
    assertThat(failure.getMessage()).contains("GET scale set timed out");
    arm.verify(1, getRequestedFor(urlPathEqualTo(VMSS)));
    arm.verify(0, patchRequestedFor(anyUrl()));
  }

  @Test
  void a_slow_patch_is_unavailable_and_sent_once() {
    AzureScaleSetActuator impatient = actuator(URI.create(arm.baseUrl()), Duration.ofMillis(300));
    stubScaleSet(3, "\"7\"");
    arm.stubFor(patch(urlPathEqualTo(VMSS)).willReturn(json(200, scaleSet(5, "\"8\"")).withFixedDelay(2_000)));

    ActuationException failure = failure(impatient.write(5, KEY));

    assertThat(failure.error()).isEqualTo(ActuationError.UNAVAILABLE);
    arm.verify(1, patchRequestedFor(urlPathEqualTo(VMSS)));
  }

  @Test
  void a_refused_connection_is_unavailable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    AzureScaleSetActuator nowhere = actuator(URI.create("http://localhost:" + closedPort), Duration.ofSeconds(2));

    ActuationException failure = failure(nowhere.read());

    assertThat(failure.error()).isEqualTo(ActuationError.UNAVAILABLE);
    assertThat(failure.getMessage()).startsWith("azure vmss shop/checkout: GET");
  }

  @Test
  void a_bearer_token_echoed_in_an_error_body_is_redacted() {
    arm.stubFor(get(urlPathEqualTo(VMSS)).willReturn(aResponse().withStatus(401)
        .withBody("invalid token: Bearer eyJ0eXAiOiJKV1QiLCJhbGciOi.s3cr3t")));
    stubInstances();

    ActuationException failure = failure(actuator.read());

    assertThat(failure.error()).isEqualTo(ActuationError.UNAUTHORIZED);
    assertThat(failure.getMessage()).contains("401").doesNotContain("s3cr3t").doesNotContain("eyJ0eXAi");
  }

  @Test
  void retry_after_is_read_as_seconds_an_http_date_or_milliseconds() {
    Instant now = Instant.parse("2024-11-25T16:00:00Z");
    assertThat(AzureScaleSetActuator.retryAfter(headers("Retry-After", "7"), now)).isEqualTo(Duration.ofSeconds(7));
    assertThat(AzureScaleSetActuator.retryAfter(headers("Retry-After", "Mon, 25 Nov 2024 16:00:30 GMT"), now))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(AzureScaleSetActuator.retryAfter(headers("Retry-After", "Mon, 25 Nov 2024 15:59:00 GMT"), now))
        .isEqualTo(Duration.ZERO);
    assertThat(AzureScaleSetActuator.retryAfter(headers("retry-after-ms", "1500"), now))
        .isEqualTo(Duration.ofMillis(1500));
    assertThat(AzureScaleSetActuator.retryAfter(headers("Retry-After", "soon"), now)).isNull();
    assertThat(AzureScaleSetActuator.retryAfter(new HttpHeaders(), now)).isNull();
  }

  @Test
  void default_credentials_need_an_https_endpoint() {
    assertThatThrownBy(() -> AzureScaleSetActuator.create(target(URI.create(arm.baseUrl()), "default")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https");
  }

  // ARM responses

  private static void stubScaleSet(int capacity, String etag) {
    arm.stubFor(get(urlPathEqualTo(VMSS)).willReturn(json(200, scaleSet(capacity, etag)).withHeader("ETag", etag)));
  }

  private static void stubInstances() {
    arm.stubFor(get(urlPathEqualTo(VMS)).willReturn(json(200, page(null, vm("Succeeded", "running", null)))));
  }

  private static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
        .withBody(body);
  }

  private static String scaleSet(int capacity, String etag) {
    return """
        {"name":"checkout","type":"Microsoft.Compute/virtualMachineScaleSets","location":"westeurope",
         "etag":%s,
         "sku":{"name":"Standard_D2s_v3","tier":"Standard","capacity":%d},
         "properties":{"provisioningState":"Succeeded","orchestrationMode":"Uniform"}}"""
        .formatted(quoted(etag), capacity);
  }

  private static String page(String nextLink, String... vms) {
    return "{\"value\":[" + String.join(",", vms) + "]"
        + (nextLink == null ? "" : ",\"nextLink\":" + quoted(nextLink)) + "}";
  }

  private static String vm(String provisioning, String power, String health) {
    String statuses = "{\"code\":\"ProvisioningState/" + provisioning.toLowerCase() + "\"}"
        + (power == null ? "" : ",{\"code\":\"PowerState/" + power + "\"}");
    String vmHealth = health == null ? "" : ",\"vmHealth\":{\"status\":{\"code\":\"" + health + "\"}}";
    return "{\"instanceId\":\"0\",\"properties\":{\"provisioningState\":\"" + provisioning + "\","
        + "\"instanceView\":{\"statuses\":[" + statuses + "]" + vmHealth + "}}}";
  }

  private static String armError(String code, String message) {
    return "{\"error\":{\"code\":" + quoted(code) + ",\"message\":" + quoted(message) + "}}";
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String requestIdOf(String key) {
    return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static HttpHeaders headers(String name, String value) {
    return new HttpHeaders().set(HttpHeaderName.fromString(name), value);
  }

  private static ActuationException failure(CompletionStage<?> call) {
    Throwable thrown = catchThrowable(() -> call.toCompletableFuture().get(10, SECONDS));
    assertThat(thrown).isInstanceOf(ExecutionException.class);
    assertThat(thrown.getCause()).isInstanceOf(ActuationException.class);
    return (ActuationException) thrown.getCause();
  }
}
