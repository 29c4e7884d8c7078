package io.ballast.controller.actuation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ballast.persistence.event.ActuationError;
import io.ballast.persistence.event.InstanceCounts;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.autoscaling.AutoScalingAsyncClient;

/** The EC2 Auto Scaling adapter against a WireMock server speaking the AWS query protocol. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class AwsAutoScalingActuatorTest {

  private static final String ACCESS_KEY = "AKIAFAKEBALLASTTEST1";
  private static final String SECRET_KEY = "fAkEsEcReT/ballast+test/0123456789abcdefXY";
  private static final String NS = "http://autoscaling.amazonaws.com/doc/2011-01-01/";

  private static WireMockServer server;
  private static AutoScalingAsyncClient client;

  @BeforeAll
  static void start() {
    server = new WireMockServer(options().dynamicPort());
    server.start();
    client = client(target(false), AwsAutoScalingActuator.API_CALL_TIMEOUT);
  }

  @AfterAll
  static void stop() {
    client.close();
    server.stop();
  }

  @BeforeEach
  void reset() {
    server.resetAll();
  }

  private static ActuationSettings.AwsAutoScaling target(boolean honorCooldown) {
    return new ActuationSettings.AwsAutoScaling("web", "us-east-1", honorCooldown,
        URI.create("http://localhost:" + server.port()));
  }

  /** The client {@code create} builds, with fake static credentials instead of the default chain. */
  private static AutoScalingAsyncClient client(ActuationSettings.AwsAutoScaling target, Duration apiCallTimeout) {
    return AwsAutoScalingActuator.clientBuilder(target, apiCallTimeout)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  private static AwsAutoScalingActuator actuator(boolean honorCooldown) {
    return new AwsAutoScalingActuator(target(honorCooldown), client);
  }

  // --- the wire ---

  private static RequestPatternBuilder action(String action) {
    return postRequestedFor(urlEqualTo("/")).withFormParam("Action", equalTo(action));
  }

  private static void answer(String action, ResponseDefinitionBuilder response) {
    server.stubFor(post(urlEqualTo("/")).withFormParam("Action", equalTo(action)).willReturn(response));
  }

  private static ResponseDefinitionBuilder xml(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "text/xml").withBody(body);
  }

  private static String member(String lifecycleState) {
    return "<member><InstanceId>i-" + Integer.toHexString(lifecycleState.hashCode()) + "</InstanceId>"
        + "<AvailabilityZone>us-east-1a</AvailabilityZone><LifecycleState>" + lifecycleState + "</LifecycleState>"
        + "<HealthStatus>Healthy</HealthStatus><ProtectedFromScaleIn>false</ProtectedFromScaleIn></member>";
  }

  private static String group(int desired, String... lifecycleStates) {
    String instances = Stream.of(lifecycleStates).map(AwsAutoScalingActuatorTest::member).collect(Collectors.joining());
    return "<DescribeAutoScalingGroupsResponse xmlns=\"" + NS + "\"><DescribeAutoScalingGroupsResult>"
        + "<AutoScalingGroups><member>"
        + "<AutoScalingGroupName>web</AutoScalingGroupName><MinSize>0</MinSize><MaxSize>20</MaxSize>"
        + "<DesiredCapacity>" + desired + "</DesiredCapacity><DefaultCooldown>300</DefaultCooldown>"
        + "<Instances>" + instances + "</Instances>"
        + "</member></AutoScalingGroups></DescribeAutoScalingGroupsResult>"
        + "<ResponseMetadata><RequestId>req-describe</RequestId></ResponseMetadata>"
        + "</DescribeAutoScalingGroupsResponse>";
  }

  private static final String NO_GROUPS = "<DescribeAutoScalingGroupsResponse xmlns=\"" + NS + "\">"
      + "<DescribeAutoScalingGroupsResult><AutoScalingGroups/></DescribeAutoScalingGroupsResult>"
      + "<ResponseMetadata><RequestId>req-empty</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>";

  private static final String SET_OK = "<SetDesiredCapacityResponse xmlns=\"" + NS + "\">"
      + "<ResponseMetadata><RequestId>req-set</RequestId></ResponseMetadata></SetDesiredCapacityResponse>";

  private static String error(String type, String code, String message) {
    return "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>" + type + "</Type><Code>" + code + "</Code>"
        + "<Message>" + message + "</Message></Error><RequestId>req-error</RequestId></ErrorResponse>";
  }

  private static ActuationException failure(CompletionStage<?> stage) {
    Throwable thrown = catchThrowable(() -> stage.toCompletableFuture().join());
    assertThat(thrown).isInstanceOf(CompletionException.class).hasCauseInstanceOf(ActuationException.class);
    return (ActuationException) thrown.getCause();
  }

  private static void assertNoCredentials(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(ACCESS_KEY).doesNotContain(SECRET_KEY);
    }
  }

  // --- read ---

  @Test
  void read_counts_instances_by_lifecycle_state() {
    answer("DescribeAutoScalingGroups", xml(200, group(6,
        "Pending", "Pending:Wait", "Pending:Proceed",
        "InService", "InService", "InService",
        "Terminating", "Terminating:Wait", "Detaching", "EnteringStandby",
        "Standby", "Warmed:Stopped", "Warmed:Running", "Terminated", "Detached")));

    TargetState state = actuator(false).read().toCompletableFuture().join();

    assertThat(state).isEqualTo(new TargetState(6, new InstanceCounts(3, 0, 3, 4)));
    server.verify(1, postRequestedFor(urlEqualTo("/")));
    server.verify(action("DescribeAutoScalingGroups")
        .withFormParam("Version", equalTo("2011-01-01"))
        .withFormParam("AutoScalingGroupNames.member.1", equalTo("web"))
        .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
        .withHeader("Authorization", matching(
            "AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/\\d{8}/us-east-1/autoscaling/aws4_request, .*")));
  }

  @Test
  void an_empty_group_reads_as_nothing() {
    answer("DescribeAutoScalingGroups", xml(200, group(0)));

    assertThat(actuator(false).read().toCompletableFuture().join())
        .isEqualTo(new TargetState(0, InstanceCounts.NONE));
  }

  @Test
  void a_group_that_is_not_there_is_invalid() {
    answer("DescribeAutoScalingGroups", xml(200, NO_GROUPS));

    ActuationException e = failure(actuator(false).read());

    assertThat(e.error()).isEqualTo(ActuationError.INVALID);
    assertThat(e).hasMessage("auto scaling group web not found in region us-east-1");
  }

  @Test
  void a_throttled_read_is_throttled() {
    answer("DescribeAutoScalingGroups", xml(400, error("Sender", "Throttling", "Rate exceeded")));

    ActuationException e = failure(actuator(false).read());

    assertThat(e.error()).isEqualTo(ActuationError.THROTTLED);
    assertThat(e.getMessage()).contains("DescribeAutoScalingGroups", "Throttling", "Rate exceeded");
    server.verify(1, postRequestedFor(urlEqualTo("/")));
  }

  // --- write ---

  @ParameterizedTest(name = "honor cooldown {0}")
  @ValueSource(booleans = {true, false})
  void write_sets_the_desired_capacity_then_reads_the_group_back(boolean honorCooldown) {
    answer("SetDesiredCapacity", xml(200, SET_OK));
    answer("DescribeAutoScalingGroups", xml(200, group(7, "InService", "InService", "Pending")));

    TargetState state = actuator(honorCooldown).write(7, "checkout@1732550400000/7").toCompletableFuture().join();

    assertThat(state).isEqualTo(new TargetState(7, new InstanceCounts(2, 0, 1, 0)));
    server.verify(1, action("SetDesiredCapacity")
        .withFormParam("Version", equalTo("2011-01-01"))
        .withFormParam("AutoScalingGroupName", equalTo("web"))
        .withFormParam("DesiredCapacity", equalTo("7"))
        .withFormParam("HonorCooldown", equalTo(String.valueOf(honorCooldown)))
        .withRequestBody(containing("DesiredCapacity=7")));
    server.verify(1, action("DescribeAutoScalingGroups"));
    List<LoggedRequest> requests = server.findAll(postRequestedFor(urlEqualTo("/")));
    assertThat(requests).extracting(r -> r.formParameters().get("Action").firstValue())
        .containsExactly("SetDesiredCapacity", "DescribeAutoScalingGroups");
    // No client token exists on SetDesiredCapacity: the idempotency key goes nowhere.
    assertThat(requests.get(0).getBodyAsString()).doesNotContain("checkout");
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("Throttling is throttled", 400, error("Sender", "Throttling", "Rate exceeded"),
            ActuationError.THROTTLED, List.of("Throttling", "Rate exceeded")),
        Arguments.of("RequestLimitExceeded is throttled", 400,
            error("Sender", "RequestLimitExceeded", "Request limit exceeded."),
            ActuationError.THROTTLED, List.of("RequestLimitExceeded")),
        Arguments.of("a scaling activity in progress is a conflict", 400,
            error("Sender", "ScalingActivityInProgress", "Scaling activity 4d3e is in progress and blocks this action"),
            ActuationError.CONFLICT, List.of("ScalingActivityInProgress", "blocks this action")),
        Arguments.of("resource contention is a conflict", 500,
            error("Sender", "ResourceContention", "You already have a pending update to an Auto Scaling resource"),
            ActuationError.CONFLICT, List.of("ResourceContention", "pending update")),
        Arguments.of("a count above max is invalid", 400,
            error("Sender", "ValidationError", "New SetDesiredCapacity value 30 is above max value 20"),
            ActuationError.INVALID, List.of("ValidationError", "New SetDesiredCapacity value 30 is above max value 20")),
        Arguments.of("a missing group is invalid", 400,
            error("Sender", "ValidationError", "AutoScalingGroup name not found - AutoScalingGroup web not found"),
            ActuationError.INVALID, List.of("ValidationError", "AutoScalingGroup web not found")),
        Arguments.of("access denied is unauthorized", 403,
            error("Sender", "AccessDenied", "User: arn:aws:iam::123456789012:user/ballast is not authorized to "
                + "perform: autoscaling:SetDesiredCapacity"),
            ActuationError.UNAUTHORIZED, List.of("AccessDenied", "not authorized")),
        Arguments.of("an unknown access key is unauthorized", 403,
            error("Sender", "InvalidClientTokenId", "The security token included in the request is invalid."),
            ActuationError.UNAUTHORIZED, List.of("InvalidClientTokenId")),
        Arguments.of("a bad signature is unauthorized", 403,
            error("Sender", "SignatureDoesNotMatch", "The request signature we calculated does not match"),
            ActuationError.UNAUTHORIZED, List.of("SignatureDoesNotMatch")),
        Arguments.of("an expired token is unauthorized", 400,
            error("Sender", "ExpiredToken", "The security token included in the request is expired"),
            ActuationError.UNAUTHORIZED, List.of("ExpiredToken")),
        Arguments.of("503 is unavailable", 503,
            error("Receiver", "ServiceUnavailable", "Service is unavailable"),
            ActuationError.UNAVAILABLE, List.of("ServiceUnavailable", "HTTP 503")),
        Arguments.of("500 is unavailable", 500,
            error("Receiver", "InternalFailure", "An internal error occurred"),
            ActuationError.UNAVAILABLE, List.of("InternalFailure", "HTTP 500")),
        Arguments.of("a 502 from a proxy, not XML, is unavailable", 502, "<html>Bad Gateway</html>",
            ActuationError.UNAVAILABLE, List.of("HTTP 502")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void a_refused_write_is_classified_and_sent_once(String name, int status, String body, ActuationError expected,
      List<String> inMessage) {
    answer("SetDesiredCapacity", xml(status, body));

    ActuationException e = failure(actuator(true).write(30, "checkout@1732550400000/30"));

    assertThat(e.error()).isEqualTo(expected);
    assertThat(e.getMessage()).startsWith("aws autoscaling group web (us-east-1): SetDesiredCapacity failed: ");
    assertThat(e.getMessage()).contains(inMessage);
    assertNoCredentials(e);
    // The SDK does not retry, and a failed write is not read back.
    server.verify(1, postRequestedFor(urlEqualTo("/")));
    server.verify(1, action("SetDesiredCapacity"));
  }

  @Test
  void a_retry_after_hint_is_kept() {
    answer("SetDesiredCapacity", xml(503, error("Receiver", "ServiceUnavailable", "Slow down"))
        .withHeader("Retry-After", "7"));

    ActuationException e = failure(actuator(false).write(3, "k"));

    assertThat(e.error()).isEqualTo(ActuationError.UNAVAILABLE);
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void a_write_whose_read_back_fails_fails_with_the_read_error() {
    answer("SetDesiredCapacity", xml(200, SET_OK));
    answer("DescribeAutoScalingGroups", xml(400, error("Sender", "Throttling", "Rate exceeded")));

    ActuationException e = failure(actuator(false).write(4, "k"));

    assertThat(e.error()).isEqualTo(ActuationError.THROTTLED);
    assertThat(e.getMessage()).startsWith("DesiredCapacity was set to 4, but reading it back failed: ")
        .contains("DescribeAutoScalingGroups", "Throttling");
    server.verify(1, action("SetDesiredCapacity"));
    server.verify(1, action("DescribeAutoScalingGroups"));
  }

  @Test
  void a_target_slower_than_the_call_timeout_is_unavailable_after_one_request() {
    answer("SetDesiredCapacity", xml(200, SET_OK).withFixedDelay(3_000));
    try (AutoScalingAsyncClient quick = client(target(false), Duration.ofMillis(300))) {
      AwsAutoScalingActuator actuator = new AwsAutoScalingActuator(target(false), quick);

      ActuationException e = failure(actuator.write(5, "k"));

      assertThat(e.error()).isEqualTo(ActuationError.UNAVAILABLE);
      assertThat(e).hasCauseInstanceOf(ApiCallTimeoutException.class);
      assertThat(e.getMessage()).contains("SetDesiredCapacity failed");
      assertNoCredentials(e);
    }
    server.verify(1, postRequestedFor(urlEqualTo("/")));
  }

  @Test
  void a_target_that_refuses_connections_is_unavailable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    var nowhere = new ActuationSettings.AwsAutoScaling("web", "us-east-1", false,
        URI.create("http://localhost:" + closedPort));
    try (AutoScalingAsyncClient unreachable = client(nowhere, Duration.ofSeconds(5))) {
      ActuationException e = failure(new AwsAutoScalingActuator(nowhere, unreachable).write(5, "k"));

      assertThat(e.error()).isEqualTo(ActuationError.UNAVAILABLE);
      assertThat(e.getMessage()).contains("SetDesiredCapacity failed");
      assertNoCredentials(e);
    }
  }

  // --- create ---

  @Test
  void create_signs_for_the_targets_region_sends_to_its_endpoint_and_does_not_retry() throws Exception {
    answer("DescribeAutoScalingGroups", xml(400, error("Sender", "Throttling", "Rate exceeded")));
    var target = new ActuationSettings.AwsAutoScaling("web", "eu-west-1", false,
        URI.create("http://localhost:" + server.port()));
    String[] keys = {"aws.accessKeyId", "aws.secretAccessKey"};
    String[] before = {System.getProperty(keys[0]), System.getProperty(keys[1])};
    System.setProperty(keys[0], ACCESS_KEY);
    System.setProperty(keys[1], SECRET_KEY);
    try (AwsAutoScalingActuator actuator = AwsAutoScalingActuator.create(target)) {
      ActuationException e = failure(actuator.read());

      assertThat(e.error()).isEqualTo(ActuationError.THROTTLED);
      assertNoCredentials(e);
      assertThat(actuator.describe()).isEqualTo("aws autoscaling group web (eu-west-1)");
    } finally {
      for (int i = 0; i < keys.length; i++) {
        if (before[i] == null) {
          System.clearProperty(keys[i]);
        } else {
          System.setProperty(keys[i], before[i]);
        }
      }
    }
    server.verify(1, postRequestedFor(urlEqualTo("/")));
    server.verify(action("DescribeAutoScalingGroups").withHeader("Authorization",
        matching("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/\\d{8}/eu-west-1/autoscaling/aws4_request, .*")));
  }

  @Test
  void describe_names_the_group_and_region() {
    assertThat(actuator(false).describe()).isEqualTo("aws autoscaling group web (us-east-1)");
  }
}
