package io.ballast.controller.actuation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.http.HttpResponseException;
import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.ClientSettings;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.compute.v1.GetInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.GetRegionInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.InstanceGroupManager;
import com.google.cloud.compute.v1.InstanceGroupManagersClient;
import com.google.cloud.compute.v1.InstanceGroupManagersSettings;
import com.google.cloud.compute.v1.ListManagedInstancesInstanceGroupManagersRequest;
import com.google.cloud.compute.v1.ListManagedInstancesRegionInstanceGroupManagersRequest;
import com.google.cloud.compute.v1.ManagedInstance;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersClient;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersSettings;
import com.google.cloud.compute.v1.ResizeInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.ResizeRegionInstanceGroupManagerRequest;
import io.ballast.persistence.event.ActuationError;
import io.ballast.persistence.event.InstanceCounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A GCP managed instance group, zonal or regional, through the official Compute client (REST transport).
 *
 * <p>A write is one {@code resize} whose {@code requestId} is derived from the idempotency key, so a retried
 * write of the same decision is deduplicated by Compute instead of resizing twice. The resize operation is not
 * waited for: it is done once Compute has scheduled the change and {@code targetSize} already holds the new
 * count, which the read that follows reports. The client never retries (the driver does) and every call is
 * bounded by its own timeout. Calls run on the client's own executor, never on the caller's thread.
 *
 * <p>Instances by {@code currentAction} (and {@code instanceStatus}):
 * <ul>
 *   <li>ready: {@code NONE} and {@code RUNNING};
 *   <li>warming: {@code VERIFYING} (created, waiting for its initial health check);
 *   <li>booting: {@code CREATING}, {@code CREATING_WITHOUT_RETRIES}, {@code RECREATING}, {@code RESTARTING},
 *       {@code STARTING}, {@code RESUMING}, {@code REFRESHING}, {@code NONE} while {@code PROVISIONING},
 *       {@code STAGING} or {@code REPAIRING}, and any action this adapter does not know;
 *   <li>draining: {@code DELETING}, {@code ABANDONING}, {@code STOPPING}, {@code SUSPENDING}, and {@code NONE}
 *       while {@code STOPPING} or {@code SUSPENDING};
 *   <li>not counted: {@code NONE} while stopped, suspended or terminated (neither serving nor on the way).
 * </ul>
 */
public final class GcpInstanceGroupActuator implements Actuator, AutoCloseable {

  /** How long one call to Compute may take. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  private static final int PAGE_SIZE = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActuationSettings.GcpInstanceGroup target;
  private final Group group;

  /** A zonal group, through a client built by the caller. */
  public GcpInstanceGroupActuator(ActuationSettings.GcpInstanceGroup target, InstanceGroupManagersClient client) {
    if (target.zone() == null) {
      throw new IllegalArgumentException("a regional group needs a RegionInstanceGroupManagersClient");
    }
    this.target = target;
    this.group = new Zonal(target, Objects.requireNonNull(client));
  }

  /** A regional group, through a client built by the caller. */
  public GcpInstanceGroupActuator(ActuationSettings.GcpInstanceGroup target,
      RegionInstanceGroupManagersClient client) {
    if (target.region() == null) {
      throw new IllegalArgumentException("a zonal group needs an InstanceGroupManagersClient");
    }
    this.target = target;
    this.group = new Regional(target, Objects.requireNonNull(client));
  }

  /** The adapter for {@code target}, its client configured as the target says. */
  public static GcpInstanceGroupActuator create(ActuationSettings.GcpInstanceGroup target) {
    return create(target, CALL_TIMEOUT);
  }

  /** As {@link #create(ActuationSettings.GcpInstanceGroup)}, each call bounded by {@code callTimeout}. */
  static GcpInstanceGroupActuator create(ActuationSettings.GcpInstanceGroup target, Duration callTimeout) {
    try {
      if (target.zone() != null) {
        InstanceGroupManagersSettings.Builder b = InstanceGroupManagersSettings.newBuilder();
        connect(b, target);
        b.resizeSettings().setSimpleTimeoutNoRetriesDuration(callTimeout);
        b.getSettings().setSimpleTimeoutNoRetriesDuration(callTimeout);
        b.listManagedInstancesSettings().setSimpleTimeoutNoRetriesDuration(callTimeout);
        return new GcpInstanceGroupActuator(target, InstanceGroupManagersClient.create(b.build()));
      }
      RegionInstanceGroupManagersSettings.Builder b = RegionInstanceGroupManagersSettings.newBuilder();
      connect(b, target);
      b.resizeSettings().setSimpleTimeoutNoRetriesDuration(callTimeout);
      b.getSettings().setSimpleTimeoutNoRetriesDuration(callTimeout);
      b.listManagedInstancesSettings().setSimpleTimeoutNoRetriesDuration(callTimeout);
      return new GcpInstanceGroupActuator(target, RegionInstanceGroupManagersClient.create(b.build()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Compute client for " + target.describe(), e);
    }
  }

  /** Endpoint and credentials. The REST transport takes a scheme in the endpoint, so an emulator may be http. */
  private static void connect(ClientSettings.Builder<?, ?> b, ActuationSettings.GcpInstanceGroup target) {
    URI endpoint = target.endpoint();
    if (endpoint != null) {
      // "http://host:port" keeps its scheme; a bare "host:port" is https (the transport's default).
      b.setEndpoint(endpoint.getRawAuthority() != null
          ? endpoint.getScheme() + "://" + endpoint.getRawAuthority()
          : endpoint.toString());
    }
    if (target.credentials().equals("none")) {
      b.setCredentialsProvider(NoCredentialsProvider.create());
    }
  }

  @Override
  public CompletionStage<TargetState> read() {
    CompletableFuture<InstanceGroupManager> manager = call("read", group::get);
    CompletableFuture<InstanceCounts> instances = listFrom("", new ArrayList<>())
        .thenApply(GcpInstanceGroupActuator::count);
    return manager.thenCombine(instances, (m, counts) -> new TargetState(m.getTargetSize(), counts));
  }

  @Override
  public CompletionStage<TargetState> write(int desired, String idempotencyKey) {
    String requestId = requestId(idempotencyKey);
    return call("resize to " + desired, () -> group.resize(desired, requestId))
        .thenCompose(op -> {
          if (op.hasHttpErrorStatusCode() && op.getHttpErrorStatusCode() >= 400) {
            String errors = op.getError().getErrorsList().stream()
                .map(e -> e.getCode() + ": " + e.getMessage())
                .collect(Collectors.joining("; "));
            throw new ActuationException(ActuationException.ofHttpStatus(op.getHttpErrorStatusCode()),
                describe() + ": resize to " + desired + " failed: HTTP " + op.getHttpErrorStatusCode() + " "
                    + op.getHttpErrorMessage() + (errors.isEmpty() ? "" : " (" + errors + ")"));
          }
          return read();
        });
  }

  @Override
  public String describe() {
    return target.describe();
  }

  @Override
  public void close() {
    group.close();
  }

  /** The same key always gives the same id: Compute deduplicates a retried write instead of doing it twice. */
  static String requestId(String idempotencyKey) {
    return UUID.nameUUIDFromBytes(idempotencyKey.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private CompletableFuture<List<ManagedInstance>> listFrom(String pageToken, List<ManagedInstance> seen) {
    return call("list instances", () -> group.list(pageToken)).thenCompose(page -> {
      seen.addAll(page.instances());
      return page.nextPageToken().isEmpty()
          ? CompletableFuture.completedFuture(seen)
          : listFrom(page.nextPageToken(), seen);
    });
  }

  static InstanceCounts count(List<ManagedInstance> instances) {
    int ready = 0;
    int warming = 0;
    int booting = 0;
    int draining = 0;
    for (ManagedInstance instance : instances) {
      switch (state(instance.getCurrentAction(), instance.getInstanceStatus())) {
        case READY -> ready++;
        case WARMING -> warming++;
        case BOOTING -> booting++;
        case DRAINING -> draining++;
        case UNCOUNTED -> { }
      }
    }
    return new InstanceCounts(ready, warming, booting, draining);
  }

  private enum State { READY, WARMING, BOOTING, DRAINING, UNCOUNTED }

  private static State state(String action, String status) {
    return switch (action) {
      case "NONE", "" -> switch (status) {
        case "RUNNING" -> State.READY;
        case "PROVISIONING", "STAGING", "REPAIRING" -> State.BOOTING;
        case "STOPPING", "SUSPENDING" -> State.DRAINING;
        default -> State.UNCOUNTED;
      };
      case "VERIFYING" -> State.WARMING;
      case "DELETING", "ABANDONING", "STOPPING", "SUSPENDING" -> State.DRAINING;
      default -> State.BOOTING;
    };
  }

  /** One call, its failure classified. A call that throws before it starts fails the stage too. */
  private <T> CompletableFuture<T> call(String what, Supplier<ApiFuture<T>> start) {
    CompletableFuture<T> result = new CompletableFuture<>();
    ApiFuture<T> future;
    try {
      future = start.get();
    } catch (RuntimeException e) {
      result.completeExceptionally(classify(what, e));
      return result;
    }
    ApiFutures.addCallback(future, new ApiFutureCallback<T>() {
      @Override
      public void onSuccess(T value) {
        result.complete(value);
      }

      @Override
      public void onFailure(Throwable t) {
        result.completeExceptionally(classify(what, t));
      }
    }, Runnable::run);
    return result;
  }

  private ActuationException classify(String what, Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof ActuationException e) {
      return e;
    }
    if (!(t instanceof ApiException api)) {
      return new ActuationException(ActuationError.UNAVAILABLE,
          describe() + ": " + what + " failed: " + t, null, t);
    }
    StatusCode.Code code = api.getStatusCode().getCode();
    HttpResponseException response = responseOf(api);
    Integer http = response != null ? Integer.valueOf(response.getStatusCode())
        : api.getStatusCode().getTransportCode() instanceof Integer i ? i : null;
    GoogleError body = response != null ? GoogleError.parse(response.getContent()) : GoogleError.NONE;
    String hint = response != null ? response.getHeaders().getRetryAfter() : null;
    Duration retryAfter = hint == null || hint.isBlank() ? null : ActuationException.retryAfter(hint, Instant.now());
    String detail = (body.message().isEmpty() ? api.getMessage() : body.message())
        + " (" + (http != null ? "HTTP " + http + ", " : "") + code
        + (body.reasons().isEmpty() ? "" : ", " + String.join(", ", body.reasons())) + ")";
    if (code == StatusCode.Code.NOT_FOUND || Integer.valueOf(404).equals(http)) {
      return new ActuationException(ActuationError.INVALID,
          "instance group manager " + target.project() + "/" + location() + "/" + target.name()
              + " not found: " + detail, retryAfter, api);
    }
    return new ActuationException(classify(code, http, body.reasons()),
        describe() + ": " + what + " failed: " + detail, retryAfter, api);
  }

  /**
   * By Compute's reason first (it throttles with 403 {@code rateLimitExceeded} too, and answers 400
   * {@code resourceNotReady} while another operation holds the group), then by HTTP status, then by code.
   * A reused {@code requestId} is no error: Compute answers with the first request's operation.
   */
  static ActuationError classify(StatusCode.Code code, Integer http, List<String> reasons) {
    if (reasons.contains("rateLimitExceeded") || reasons.contains("userRateLimitExceeded")
        || reasons.contains("RATE_LIMIT_EXCEEDED")) {
      return ActuationError.THROTTLED;
    }
    if (reasons.contains("resourceNotReady")) {
      return ActuationError.CONFLICT;
    }
    if (http != null && http >= 400) {
      return ActuationException.ofHttpStatus(http);
    }
    return switch (code) {
      case RESOURCE_EXHAUSTED -> ActuationError.THROTTLED;
      case ABORTED, ALREADY_EXISTS, FAILED_PRECONDITION -> ActuationError.CONFLICT;
      case INVALID_ARGUMENT, NOT_FOUND, OUT_OF_RANGE, UNIMPLEMENTED -> ActuationError.INVALID;
      case UNAUTHENTICATED, PERMISSION_DENIED -> ActuationError.UNAUTHORIZED;
      default -> ActuationError.UNAVAILABLE;
    };
  }

  /** The REST transport keeps the HTTP answer (status, headers, body) as the cause. */
  private static HttpResponseException responseOf(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof HttpResponseException r) {
        return r;
      }
    }
    return null;
  }

  /** Google's JSON error: {@code {"error":{"message":..,"errors":[{"reason":..}],"details":[{"reason":..}]}}}. */
  private record GoogleError(String message, List<String> reasons) {
    static final GoogleError NONE = new GoogleError("", List.of());

    static GoogleError parse(String body) {
      if (body == null || body.isBlank()) {
        return NONE;
      }
      try {
        JsonNode error = JSON.readTree(body).path("error");
        List<String> reasons = new ArrayList<>();
        for (String list : List.of("errors", "details")) {
          for (JsonNode e : error.path(list)) {
            String reason = e.path("reason").asText("");
            if (!reason.isEmpty() && !reasons.contains(reason)) {
              reasons.add(reason);
            }
          }
        }
        return new GoogleError(error.path("message").asText(""), List.copyOf(reasons));
      } catch (IOException notJson) {
        return NONE;
      }
    }
  }

  private String location() {
    return target.zone() != null ? target.zone() : target.region();
  }

  /** One page of managed instances. */
  private record Page(List<ManagedInstance> instances, String nextPageToken) {}

  /** The calls a group takes, zonal or regional. */
  private sealed interface Group permits Zonal, Regional {
    ApiFuture<Operation> resize(int size, String requestId);

    ApiFuture<InstanceGroupManager> get();

    ApiFuture<Page> list(String pageToken);

    void close();
  }

  private record Zonal(ActuationSettings.GcpInstanceGroup target, InstanceGroupManagersClient client)
      implements Group {
    @Override
    public ApiFuture<Operation> resize(int size, String requestId) {
      return client.resizeCallable().futureCall(ResizeInstanceGroupManagerRequest.newBuilder()
          .setProject(target.project()).setZone(target.zone()).setInstanceGroupManager(target.name())
          .setSize(size).setRequestId(requestId).build());
    }

    @Override
    public ApiFuture<InstanceGroupManager> get() {
      return client.getCallable().futureCall(GetInstanceGroupManagerRequest.newBuilder()
          .setProject(target.project()).setZone(target.zone()).setInstanceGroupManager(target.name()).build());
    }

    @Override
    public ApiFuture<Page> list(String pageToken) {
      var request = ListManagedInstancesInstanceGroupManagersRequest.newBuilder()
          .setProject(target.project()).setZone(target.zone()).setInstanceGroupManager(target.name())
          .setMaxResults(PAGE_SIZE);
      if (!pageToken.isEmpty()) {
        request.setPageToken(pageToken);
      }
      return ApiFutures.transform(client.listManagedInstancesCallable().futureCall(request.build()),
          r -> new Page(r.getManagedInstancesList(), r.getNextPageToken()), Runnable::run);
    }

    @Override
    public void close() {
      client.close();
    }
  }

  private record Regional(ActuationSettings.GcpInstanceGroup target, RegionInstanceGroupManagersClient client)
      implements Group {
    @Override
    public ApiFuture<Operation> resize(int size, String requestId) {
      return client.resizeCallable().futureCall(ResizeRegionInstanceGroupManagerRequest.newBuilder()
          .setProject(target.project()).setRegion(target.region()).setInstanceGroupManager(target.name())
          .setSize(size).setRequestId(requestId).build());
    }

    @Override
    public ApiFuture<InstanceGroupManager> get() {
      return client.getCallable().futureCall(GetRegionInstanceGroupManagerRequest.newBuilder()
          .setProject(target.project()).setRegion(target.region()).setInstanceGroupManager(target.name())
          .build());
    }

    @Override
    public ApiFuture<Page> list(String pageToken) {
      var request = ListManagedInstancesRegionInstanceGroupManagersRequest.newBuilder()
          .setProject(target.project()).setRegion(target.region()).setInstanceGroupManager(target.name())
          .setMaxResults(PAGE_SIZE);
      if (!pageToken.isEmpty()) {
        request.setPageToken(pageToken);
      }
      return ApiFutures.transform(client.listManagedInstancesCallable().futureCall(request.build()),
          r -> new Page(r.getManagedInstancesList(), r.getNextPageToken()), Runnable::run);
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
