package io.ballast.controller.actuation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.persistence.event.ActuationError;
import io.ballast.persistence.event.InstanceCounts;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The actuator against fabric8's mock API server: in CRUD mode (a stored Deployment or StatefulSet really
 * changes) and with canned answers for the failures, asserting the requests that reached the server.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class KubernetesScaleActuatorTest {

  private static final ActuationSettings.Kubernetes CHECKOUT =
      new ActuationSettings.Kubernetes("deployment", "shop", "checkout", null);
  private static final String DEPLOYMENT_PATH = "/apis/apps/v1/namespaces/shop/deployments/checkout";
  private static final String SCALE_PATH = DEPLOYMENT_PATH + "/scale";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
  private final Recording recording = new Recording(new KubernetesMixedDispatcher(responses));
  private KubernetesMockServer server;
  /** The test's own client, to arrange and inspect what is stored. */
  private KubernetesClient admin;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private int requestsSeen;

  @BeforeEach
  void start() {
    // Mixed: canned answers (expect()) first, everything else against the in-memory store; all recorded.
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), responses,
        recording, false);
    server.init();
    admin = server.createClient();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    admin.close();
    server.destroy();
  }

  // --- CRUD: the normal path ---

  @Test
  void a_read_is_one_get_of_the_deployment_mapped_to_desired_and_instances() throws Exception {
    store(deployment(3, 30, status(3, 3, 1, null)));
    KubernetesScaleActuator actuator = actuator(CHECKOUT);
    newRequests();

    TargetState state = await(actuator.read());

    assertThat(state).isEqualTo(new TargetState(3, new InstanceCounts(1, 2, 0, 0)));
    assertThat(newRequests()).extracting(Seen::method, Seen::path)
        .containsExactly(tuple("GET", DEPLOYMENT_PATH));
  }

  @Test
  void a_write_gets_the_scale_puts_it_back_with_its_resource_version_and_the_deployment_changes() throws Exception {
    store(deployment(3, null, status(3, 3, 3, null)));
    String versionBefore = stored().getMetadata().getResourceVersion();
    KubernetesScaleActuator actuator = actuator(CHECKOUT);
    newRequests();

    TargetState after = await(actuator.write(5, "checkout@1732550400000/5"));
    List<Seen> requests = newRequests();

    assertThat(stored().getSpec().getReplicas()).isEqualTo(5);
    // Just after the write the status is still the old one: two pods more are wanted, none exists yet.
    assertThat(after).isEqualTo(new TargetState(5, new InstanceCounts(3, 0, 0, 0)));
    assertThat(requests).extracting(Seen::method, Seen::path).containsExactly(
        tuple("GET", SCALE_PATH), tuple("PUT", SCALE_PATH), tuple("GET", DEPLOYMENT_PATH));
    JsonNode put = JSON.readTree(requests.get(1).body());
    assertThat(put.at("/metadata/resourceVersion").asText()).isEqualTo(versionBefore);
    assertThat(put.at("/spec/replicas").asInt()).isEqualTo(5);
    assertThat(requests.get(1).header("Content-Type")).startsWith("application/json");
  }

  @Test
  void the_put_body_is_the_scale_read_with_only_its_replicas_changed() throws Exception {
    server.expect().get().withPath(SCALE_PATH).andReturn(200, scale("42", 3)).once();
    server.expect().put().withPath(SCALE_PATH).andReturn(200, scale("43", 6)).once();
    server.expect().get().withPath(DEPLOYMENT_PATH).andReturn(200, deployment(6, null, status(3, 3, 3, null)))
        .once();
    KubernetesScaleActuator actuator = actuator(CHECKOUT);

    TargetState after = await(actuator.write(6, "checkout@1732550400000/6"));

    assertThat(after.desired()).isEqualTo(6);
    Seen put = newRequests().stream().filter(r -> r.method().equals("PUT")).findFirst().orElseThrow();
    JsonNode body = JSON.readTree(put.body());
    assertThat(body.path("apiVersion").asText()).isEqualTo("autoscaling/v1");
    assertThat(body.path("kind").asText()).isEqualTo("Scale");
    assertThat(body.at("/metadata/name").asText()).isEqualTo("checkout");
    assertThat(body.at("/metadata/namespace").asText()).isEqualTo("shop");
    assertThat(body.at("/metadata/resourceVersion").asText()).isEqualTo("42");
    assertThat(body.at("/spec/replicas").asInt()).isEqualTo(6);
  }

  @Test
  void a_change_between_the_get_and_the_put_is_refused_as_a_conflict_and_not_retried() throws Exception {
    store(deployment(3, null, status(3, 3, 3, null)));
    AtomicBoolean meddled = new AtomicBoolean();
    // Someone else (kubectl scale, another controller) changes the deployment just before our PUT goes out.
    Interceptor meddler = new Interceptor() {
      @Override
      public void before(BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
        if (request.method().equals("PUT") && meddled.compareAndSet(false, true)) {
          admin.apps().deployments().inNamespace("shop").withName("checkout").edit(d -> {
            d.getSpec().setReplicas(7);
            return d;
          });
        }
      }
    };
    KubernetesScaleActuator actuator = actuator(CHECKOUT,
        b -> b.withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor("meddler", meddler)));
    newRequests();

    ActuationException failure = failure(actuator.write(5, "checkout@1732550400000/5"));

    assertThat(failure.error()).isEqualTo(ActuationError.CONFLICT);
    assertThat(failure.getMessage()).startsWith("kubernetes deployment shop/checkout: PUT scale answered 409")
        .contains("the object has been modified");
    assertThat(stored().getSpec().getReplicas()).as("the other writer's count stands").isEqualTo(7);
    assertThat(newRequests()).filteredOn(r -> r.path().equals(SCALE_PATH))
        .extracting(Seen::method).containsExactly("GET", "PUT");
  }

  @Test
  void a_statefulset_is_read_and_scaled_through_its_own_paths() throws Exception {
    admin.apps().statefulSets().inNamespace("shop").resource(new StatefulSetBuilder()
        .withNewMetadata().withName("web").withNamespace("shop").endMetadata()
        .withNewSpec().withReplicas(3).withServiceName("web").endSpec()
        .withNewStatus().withReplicas(3).withReadyReplicas(2).endStatus()
        .build()).create();
    KubernetesScaleActuator actuator = actuator(new ActuationSettings.Kubernetes("statefulset", "shop", "web", null));
    String path = "/apis/apps/v1/namespaces/shop/statefulsets/web";
    newRequests();

    // No availableReplicas and no minReadySeconds: available is ready.
    assertThat(await(actuator.read())).isEqualTo(new TargetState(3, new InstanceCounts(2, 0, 1, 0)));
    TargetState after = await(actuator.write(1, "web@1732550400000/1"));
    List<Seen> requests = newRequests();

    StatefulSet stored = admin.apps().statefulSets().inNamespace("shop").withName("web").get();
    assertThat(stored.getSpec().getReplicas()).isEqualTo(1);
    // Scaling down: of three pods two are beyond the count, the not-ready one first.
    assertThat(after).isEqualTo(new TargetState(1, new InstanceCounts(1, 0, 0, 2)));
    assertThat(actuator.describe()).isEqualTo("kubernetes statefulset shop/web");
    assertThat(requests).extracting(Seen::method, Seen::path).containsExactly(
        tuple("GET", path), tuple("GET", path + "/scale"), tuple("PUT", path + "/scale"), tuple("GET", path));
    assertThat(JSON.readTree(requests.get(2).body()).at("/spec/replicas").asInt()).isEqualTo(1);
  }

  // --- The instance mapping, through the wire ---

  record Mapping(String name, int spec, Integer minReadySeconds, DeploymentStatus status, InstanceCounts expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Mapping> mappings() {
    return Stream.of(
        new Mapping("a settled deployment is all ready", 3, null, status(3, 3, 3, null),
            new InstanceCounts(3, 0, 0, 0)),
        new Mapping("ready pods still within minReadySeconds are warming", 3, 30, status(3, 3, 1, null),
            new InstanceCounts(1, 2, 0, 0)),
        new Mapping("created pods not yet ready are booting", 5, null, status(5, 3, 3, null),
            new InstanceCounts(3, 0, 2, 0)),
        new Mapping("a scale-down not yet carried out drains the surplus, not-ready pods first", 2, 30,
            status(5, 4, 3, null), new InstanceCounts(2, 0, 0, 3)),
        new Mapping("pods the API reports terminating are draining", 2, null, status(2, 2, 2, 3),
            new InstanceCounts(2, 0, 0, 3)),
        new Mapping("no availableReplicas without minReadySeconds counts the ready pods", 3, null,
            status(3, 3, null, null), new InstanceCounts(3, 0, 0, 0)),
        new Mapping("no availableReplicas with minReadySeconds counts none available yet", 3, 10,
            status(3, 3, null, null), new InstanceCounts(0, 3, 0, 0)),
        new Mapping("a status out of step never makes a count negative", 3, null, status(1, 2, 4, null),
            new InstanceCounts(1, 0, 0, 0)),
        new Mapping("a deployment without a status yet has no instances", 3, null, null, InstanceCounts.NONE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mappings")
  void instances_are_mapped_from_the_status(Mapping m) throws Exception {
    store(deployment(m.spec(), m.minReadySeconds(), m.status()));

    TargetState state = await(actuator(CHECKOUT).read());

    assertThat(state).isEqualTo(new TargetState(m.spec(), m.expected()));
  }

  // --- Canned answers: the failures ---

  record Failure(String name, String method, int code, Object body, String retryAfterHeader, ActuationError error,
      Duration retryAfter, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Failure> failures() {
    return Stream.of(
        new Failure("409 on the PUT is a conflict", "PUT", 409,
            status(409, "Conflict", "Operation cannot be fulfilled on deployments.apps \"checkout\": the object has"
                + " been modified; please apply your changes to the latest version and try again", null),
            null, ActuationError.CONFLICT, null, "PUT scale answered 409 Conflict: Operation cannot be fulfilled"),
        new Failure("429 is throttled with the server's retryAfterSeconds", "PUT", 429,
            status(429, "TooManyRequests", "Too many requests, please try again later.", 7), "7",
            ActuationError.THROTTLED, Duration.ofSeconds(7), "PUT scale answered 429 TooManyRequests"),
        new Failure("429 without a hint is throttled with none", "GET", 429,
            status(429, "TooManyRequests", "Too many requests", null), null,
            ActuationError.THROTTLED, null, "GET scale answered 429"),
        new Failure("500 is unavailable", "PUT", 500, "etcdserver: request timed out", null,
            ActuationError.UNAVAILABLE, null, "PUT scale answered 500"),
        new Failure("503 is unavailable with its hint", "GET", 503,
            status(503, "ServiceUnavailable", "the server is currently unable to handle the request", 2), null,
            ActuationError.UNAVAILABLE, Duration.ofSeconds(2), "unable to handle the request"),
        new Failure("403 is unauthorized and says who was refused what", "PUT", 403,
            status(403, "Forbidden", "deployments.apps \"checkout\" is forbidden: User"
                + " \"system:serviceaccount:ballast:controller\" cannot update resource \"deployments/scale\"", null),
            null, ActuationError.UNAUTHORIZED, null, "cannot update resource \"deployments/scale\""),
        new Failure("401 is unauthorized", "GET", 401, status(401, "Unauthorized", "Unauthorized", null), null,
            ActuationError.UNAUTHORIZED, null, "GET scale answered 401 Unauthorized"),
        new Failure("404 is invalid: the target does not exist", "GET", 404,
            status(404, "NotFound", "deployments.apps \"checkout\" not found", null), null,
            ActuationError.INVALID, null, "deployment shop/checkout not found"),
        new Failure("422 is invalid", "PUT", 422,
            status(422, "Invalid", "Scale.autoscaling \"checkout\" is invalid: spec.replicas: Invalid value", null),
            null, ActuationError.INVALID, null, "spec.replicas: Invalid value"),
        new Failure("400 is invalid", "PUT", 400, status(400, "BadRequest", "the body is not a Scale", null), null,
            ActuationError.INVALID, null, "PUT scale answered 400 BadRequest"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void a_refused_write_is_classified_and_tried_once(Failure f) throws Exception {
    if (f.method().equals("PUT")) {
      server.expect().get().withPath(SCALE_PATH).andReturn(200, scale("42", 3)).once();
    }
    var answer = (f.method().equals("PUT") ? server.expect().put() : server.expect().get())
        .withPath(SCALE_PATH).andReturn(f.code(), f.body());
    if (f.retryAfterHeader() != null) {
      answer = answer.withHeader("Retry-After", f.retryAfterHeader());
    }
    answer.always();
    KubernetesScaleActuator actuator = actuator(CHECKOUT);

    ActuationException failure = failure(actuator.write(5, "checkout@1732550400000/5"));

    assertThat(failure.error()).isEqualTo(f.error());
    assertThat(failure.retryAfter()).isEqualTo(f.retryAfter());
    assertThat(failure.getMessage()).contains(f.message());
    assertThat(newRequests()).as("one attempt: the client does not retry")
        .filteredOn(r -> r.method().equals(f.method()) && r.path().equals(SCALE_PATH)).hasSize(1);
  }

  @Test
  void reading_a_deployment_that_does_not_exist_is_invalid() throws Exception {
    ActuationException failure = failure(actuator(CHECKOUT).read());

    assertThat(failure.error()).isEqualTo(ActuationError.INVALID);
    assertThat(failure.getMessage()).startsWith("deployment shop/checkout not found");
  }

  @Test
  void a_server_that_cannot_be_reached_is_unavailable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Config config = KubernetesScaleActuator.clientConfig(
        new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + closedPort).build());
    KubernetesScaleActuator actuator = closing(
        new KubernetesScaleActuator(CHECKOUT, new KubernetesClientBuilder().withConfig(config).build()));

    ActuationException failure = failure(actuator.write(5, "checkout@1732550400000/5"));

    assertThat(failure.error()).isEqualTo(ActuationError.UNAVAILABLE);
    assertThat(failure.getMessage())
        .startsWith("kubernetes deployment shop/checkout: GET scale got no answer from the API server");
  }

  @Test
  void an_answer_slower_than_the_request_timeout_is_unavailable() throws Exception {
    server.expect().get().delay(3, TimeUnit.SECONDS).withPath(DEPLOYMENT_PATH)
        .andReturn(200, deployment(3, null, status(3, 3, 3, null))).once();
    Config config = KubernetesScaleActuator.clientConfig(baseConfig());
    config.setRequestTimeout(200);
    KubernetesScaleActuator actuator = closing(
        new KubernetesScaleActuator(CHECKOUT, new KubernetesClientBuilder().withConfig(config).build()));

    ActuationException failure = failure(actuator.read());

    assertThat(failure.error()).isEqualTo(ActuationError.UNAVAILABLE);
    assertThat(failure.getMessage()).contains("got no answer");
  }

  @Test
  void create_uses_the_kubeconfig_context_asked_for_and_the_client_does_not_retry(@TempDir Path dir)
      throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    // The current context points nowhere: only the context asked for reaches the mock server.
    Path kubeconfig = Files.writeString(dir.resolve("config"), """
        apiVersion: v1
        kind: Config
        current-context: elsewhere
        clusters:
        - name: nowhere
          cluster: {server: "http://127.0.0.1:%d"}
        - name: mock
          cluster: {server: "%s"}
        users:
        - name: someone
          user: {token: not-a-real-token}
        contexts:
        - name: elsewhere
          context: {cluster: nowhere, user: someone, namespace: default}
        - name: mock
          context: {cluster: mock, user: someone, namespace: default}
        """.formatted(closedPort, server.url("/").replaceAll("/$", "")));
    store(deployment(4, null, status(4, 4, 4, null)));
    server.expect().get().withPath(DEPLOYMENT_PATH).andReturn(500, "etcdserver: leader changed").once();
    newRequests();

    String previous = System.getProperty("kubeconfig");
    System.setProperty("kubeconfig", kubeconfig.toString());
    KubernetesScaleActuator actuator;
    try {
      actuator = closing(KubernetesScaleActuator.create(
          new ActuationSettings.Kubernetes("deployment", "shop", "checkout", "mock")));
    } finally {
      if (previous == null) {
        System.clearProperty("kubeconfig");
      } else {
        System.setProperty("kubeconfig", previous);
      }
    }

    // With the client's default retries the 500 would be retried and the retry would find the deployment.
    ActuationException failure = failure(actuator.read());
    assertThat(failure.error()).isEqualTo(ActuationError.UNAVAILABLE);
    assertThat(failure.getMessage()).doesNotContain("not-a-real-token");
    List<Seen> first = newRequests();
    assertThat(first).extracting(Seen::path).containsExactly(DEPLOYMENT_PATH);
    assertThat(first.get(0).header("Authorization")).isEqualTo("Bearer not-a-real-token");

    assertThat(await(actuator.read()).desired()).isEqualTo(4);
  }

  @Test
  void the_client_config_turns_retries_off_and_bounds_every_request() {
    Config config = KubernetesScaleActuator.clientConfig(Config.empty());

    assertThat(config.getRequestRetryBackoffLimit()).isZero();
    assertThat(config.getConnectionTimeout()).isEqualTo(5_000);
    assertThat(config.getRequestTimeout()).isEqualTo(5_000);
  }

  @Test
  void a_negative_count_is_refused_without_a_request() throws Exception {
    KubernetesScaleActuator actuator = actuator(CHECKOUT);
    newRequests();

    ActuationException failure = failure(actuator.write(-1, "checkout@1732550400000/-1"));

    assertThat(failure.error()).isEqualTo(ActuationError.INVALID);
    assertThat(newRequests()).isEmpty();
  }

  @Test
  void after_close_calls_fail_as_unavailable() throws Exception {
    store(deployment(3, null, status(3, 3, 3, null)));
    KubernetesScaleActuator actuator = actuator(CHECKOUT);
    assertThat(actuator.describe()).isEqualTo("kubernetes deployment shop/checkout");
    actuator.close();
    newRequests();

    ActuationException failure = failure(actuator.read());

    assertThat(failure.error()).isEqualTo(ActuationError.UNAVAILABLE);
    assertThat(newRequests()).isEmpty();
  }

  // --- Helpers ---

  private KubernetesScaleActuator actuator(ActuationSettings.Kubernetes target) {
    return actuator(target, b -> {});
  }

  private KubernetesScaleActuator actuator(ActuationSettings.Kubernetes target,
      Consumer<KubernetesClientBuilder> customize) {
    KubernetesClientBuilder builder =
        new KubernetesClientBuilder().withConfig(KubernetesScaleActuator.clientConfig(baseConfig()));
    customize.accept(builder);
    return closing(new KubernetesScaleActuator(target, builder.build()));
  }

  private Config baseConfig() {
    return new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/")).withNamespace("default")
        .withHttp2Disable(true).build();
  }

  private KubernetesScaleActuator closing(KubernetesScaleActuator actuator) {
    toClose.add(actuator);
    return actuator;
  }

  private void store(Deployment deployment) {
    admin.apps().deployments().inNamespace("shop").resource(deployment).create();
  }

  private Deployment stored() {
    return admin.apps().deployments().inNamespace("shop").withName("checkout").get();
  }

  /** The requests that reached the server since the last call. */
  private List<Seen> newRequests() {
    List<Seen> all = recording.seen();
    List<Seen> fresh = new ArrayList<>(all.subList(requestsSeen, all.size()));
    requestsSeen = all.size();
    return fresh;
  }

  /** A request as it reached the server, its body read before the in-memory store consumes it. */
  record Seen(String method, String path, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** Records every request, then lets the mixed dispatcher answer it. */
  static final class Recording extends Dispatcher {
    private final Dispatcher answering;
    private final List<Seen> seen = new ArrayList<>();

    Recording(Dispatcher answering) {
      this.answering = answering;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      Map<String, String> headers = new HashMap<>();
      request.getHeaders().toMultimap().forEach((name, values) ->
          headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
      String body = request.getBody() == null ? "" : new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
      synchronized (seen) {
        seen.add(new Seen(request.getMethod(), request.getPath(), headers, body));
      }
      return answering.dispatch(request);
    }

    List<Seen> seen() {
      synchronized (seen) {
        return List.copyOf(seen);
      }
    }

    @Override
    public void shutdown() {
      answering.shutdown();
    }
  }

  private static Deployment deployment(int replicas, Integer minReadySeconds, DeploymentStatus status) {
    return new DeploymentBuilder()
        .withNewMetadata().withName("checkout").withNamespace("shop").endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withMinReadySeconds(minReadySeconds)
        .withNewSelector().addToMatchLabels("app", "checkout").endSelector()
        .withNewTemplate()
        .withNewMetadata().addToLabels("app", "checkout").endMetadata()
        .withNewSpec().addNewContainer().withName("checkout").withImage("shop/checkout:1").endContainer().endSpec()
        .endTemplate()
        .endSpec()
        .withStatus(status)
        .build();
  }

  private static DeploymentStatus status(int replicas, int ready, Integer available, Integer terminating) {
    return new DeploymentStatusBuilder().withReplicas(replicas).withReadyReplicas(ready)
        .withAvailableReplicas(available).withTerminatingReplicas(terminating).build();
  }

  private static Status status(int code, String reason, String message, Integer retryAfterSeconds) {
    return new StatusBuilder().withApiVersion("v1").withKind("Status").withStatus("Failure").withCode(code)
        .withReason(reason).withMessage(message)
        .withNewDetails().withName("checkout").withGroup("apps").withKind("deployments")
        .withRetryAfterSeconds(retryAfterSeconds).endDetails()
        .build();
  }

  private static Scale scale(String resourceVersion, int replicas) {
    return new ScaleBuilder().withApiVersion("autoscaling/v1").withKind("Scale")
        .withNewMetadata().withName("checkout").withNamespace("shop").withResourceVersion(resourceVersion)
        .endMetadata()
        .withNewSpec().withReplicas(replicas).endSpec()
        .withNewStatus().withReplicas(3).withSelector("app=checkout").endStatus()
        .build();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static ActuationException failure(CompletionStage<?> stage) throws Exception {
    try {
      Object value = stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
      return fail("expected a failure, got " + value);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ActuationException.class);
      return (ActuationException) e.getCause();
    }
  }
}
