package io.ballast.controller.actuation;

import io.ballast.persistence.event.ActuationError;
import io.ballast.persistence.event.InstanceCounts;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleSpec;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ScalableResource;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Sets the replicas of a Deployment or StatefulSet through its {@code scale} subresource, the way
 * {@code kubectl scale} and the HorizontalPodAutoscaler do.
 *
 * <p>A write is GET scale, set {@code spec.replicas}, PUT scale carrying the {@code resourceVersion} it read: if
 * anyone changed the workload in between, the API server answers 409 and the write fails as
 * {@link ActuationError#CONFLICT} without being retried here (the driver re-reads and decides). The write is
 * idempotent because it sets an absolute count, so the idempotency key is not sent anywhere (the scale
 * subresource cannot carry annotations).
 *
 * <p>A read is one GET of the workload: its {@code spec.replicas} is exactly what the scale subresource
 * exposes, and one object gives the desired count and the status as one consistent snapshot. Instances are
 * mapped from the status so that the four counts never overlap and never go negative:
 * <ul>
 *   <li><b>draining</b>: pods beyond {@code spec.replicas} that the controller will remove
 *       ({@code status.replicas - spec.replicas}, a scale-down not yet carried out or a rollout's surge; for a
 *       StatefulSet this includes pods already terminating), plus pods already terminating where the API
 *       reports them ({@code status.terminatingReplicas} of a Deployment);
 *   <li><b>ready</b>: {@code status.availableReplicas} (ready for {@code minReadySeconds});
 *   <li><b>warming</b>: {@code readyReplicas - availableReplicas}, ready but not yet available;
 *   <li><b>booting</b>: {@code status.replicas - readyReplicas}, created but not ready.
 * </ul>
 * The surplus counted as draining is taken out of booting first, then warming, then ready: the order in which
 * the ReplicaSet and StatefulSet controllers pick pods to delete. A missing {@code availableReplicas} (the API
 * omits zeros; very old servers lack it) counts as {@code readyReplicas} when {@code minReadySeconds} is 0, where
 * the two are equal by definition, and as 0 otherwise.
 *
 * <p>The client's blocking calls run on one daemon thread owned by this actuator; the client's own retries are
 * off (each call is one attempt) and its timeouts bound every request.
 */
public final class KubernetesScaleActuator implements Actuator, AutoCloseable {

  /** How long opening a connection to the API server may take. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** How long one request may take; a write is up to three requests. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final ActuationSettings.Kubernetes target;
  private final KubernetesClient client;
  private final ExecutorService executor;

  public KubernetesScaleActuator(ActuationSettings.Kubernetes target, KubernetesClient client) {
    this.target = Objects.requireNonNull(target, "target");
    this.client = Objects.requireNonNull(client, "client");
    String threadName = "ballast-kubernetes-" + target.namespace() + "/" + target.name();
    this.executor = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, threadName);
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * An actuator with a client configured the standard way: the kubeconfig ({@code KUBECONFIG} or
   * {@code ~/.kube/config}, its context {@code target.context()} if set, else its current one), or in a pod
   * its service account.
   */
  public static KubernetesScaleActuator create(ActuationSettings.Kubernetes target) {
    Config config = clientConfig(Config.autoConfigure(target.context()));
    return new KubernetesScaleActuator(target, new KubernetesClientBuilder().withConfig(config).build());
  }

  /** {@code config} with the client's retries off and its timeouts bounded: one call is one attempt. */
  static Config clientConfig(Config config) {
    // Set in place rather than copied through a builder, so that nothing autoConfigure found (token refresh,
    // exec credentials) is lost.
    config.setRequestRetryBackoffLimit(0);
    config.setConnectionTimeout((int) CONNECT_TIMEOUT.toMillis());
    config.setRequestTimeout((int) REQUEST_TIMEOUT.toMillis());
    return config;
  }

  @Override
  public CompletionStage<TargetState> read() {
    return submit(() -> stateOf(get("GET")));
  }

  /**
   * GET scale, set its replicas, PUT it back with the {@code resourceVersion} read, then read the workload.
   * {@code idempotencyKey} is not sent: the count is absolute, so writing it twice changes nothing the second
   * time.
   */
  @Override
  public CompletionStage<TargetState> write(int desired, String idempotencyKey) {
    if (desired < 0) {
      return CompletableFuture.failedFuture(
          new ActuationException(ActuationError.INVALID, describe() + ": cannot scale to " + desired));
    }
    return submit(() -> {
      Scale scale = call("GET scale", () -> workload().scale());
      if (scale.getSpec() == null) {
        scale.setSpec(new ScaleSpec());
      }
      scale.getSpec().setReplicas(desired);
      call("PUT scale", () -> workload().scale(scale));
      try {
        return stateOf(get("GET after PUT scale"));
      } catch (ActuationException e) {
        // The count is set; only reading it back failed. Retrying the write is harmless (same absolute count).
        throw new ActuationException(e.error(), describe() + ": replicas set to " + desired
            + ", but reading the workload back failed: " + e.getMessage(), e.retryAfter(), e.getCause());
      }
    });
  }

  @Override
  public String describe() {
    return target.describe();
  }

  /** Closes the client; calls still queued then fail as unavailable. */
  @Override
  public void close() {
    executor.shutdown();
    client.close();
  }

  private ScalableResource<? extends HasMetadata> workload() {
    return target.kind().equals("deployment")
        ? client.apps().deployments().inNamespace(target.namespace()).withName(target.name())
        : client.apps().statefulSets().inNamespace(target.namespace()).withName(target.name());
  }

  private HasMetadata get(String operation) {
    HasMetadata workload = call(operation, () -> workload().get());
    if (workload == null) {
      // get() answers a 404 with null.
      throw new ActuationException(ActuationError.INVALID, notFound() + " (" + operation + " answered 404)");
    }
    return workload;
  }

  private TargetState stateOf(HasMetadata workload) {
    if (workload instanceof Deployment d) {
      var spec = d.getSpec();
      var status = d.getStatus();
      return state(spec == null ? null : spec.getReplicas(), spec == null ? null : spec.getMinReadySeconds(),
          status == null ? null : status.getReplicas(), status == null ? null : status.getReadyReplicas(),
          status == null ? null : status.getAvailableReplicas(), status == null ? null : status.getTerminatingReplicas());
    } else if (workload instanceof StatefulSet s) {
      var spec = s.getSpec();
      var status = s.getStatus();
      return state(spec == null ? null : spec.getReplicas(), spec == null ? null : spec.getMinReadySeconds(),
          status == null ? null : status.getReplicas(), status == null ? null : status.getReadyReplicas(),
          status == null ? null : status.getAvailableReplicas(), null);
    }
    throw new ActuationException(ActuationError.INVALID, describe() + ": unexpected object " + workload.getKind());
  }

  /** The mapping of the class Javadoc; {@code null} is what the API omits. */
  static TargetState state(Integer specReplicas, Integer minReadySeconds, Integer replicas, Integer readyReplicas,
      Integer availableReplicas, Integer terminatingReplicas) {
    int desired = specReplicas == null ? 1 : Math.max(0, specReplicas); // the API server defaults it to 1
    int total = nonNegative(replicas);
    int ready = Math.min(nonNegative(readyReplicas), total);
    int available = availableReplicas != null ? nonNegative(availableReplicas)
        : nonNegative(minReadySeconds) == 0 ? ready : 0;
    available = Math.min(available, ready);
    int warming = ready - available;
    int booting = total - ready;

    int surplus = Math.max(0, total - desired);
    int left = surplus;
    int fromBooting = Math.min(booting, left);
    left -= fromBooting;
    int fromWarming = Math.min(warming, left);
    left -= fromWarming;
    int fromReady = Math.min(available, left);
    return new TargetState(desired, new InstanceCounts(available - fromReady, warming - fromWarming,
        booting - fromBooting, surplus + nonNegative(terminatingReplicas)));
  }

  private static int nonNegative(Integer n) {
    return n == null ? 0 : Math.max(0, n);
  }

  private String notFound() {
    return target.kind() + " " + target.namespace() + "/" + target.name() + " not found";
  }

  private <T> CompletionStage<T> submit(Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        try {
          result.complete(work.get());
        } catch (ActuationException e) {
          result.completeExceptionally(e);
        } catch (RuntimeException e) {
          result.completeExceptionally(new ActuationException(ActuationError.UNAVAILABLE,
              describe() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), null, e));
        }
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new ActuationException(ActuationError.UNAVAILABLE, describe() + ": the actuator is closed", null, e));
    }
    return result;
  }

  /** Runs one request, turning the client's exception into a classified one. */
  private <T> T call(String operation, Supplier<T> request) {
    try {
      return request.get();
    } catch (KubernetesClientException e) {
      throw classify(operation, e);
    }
  }

  private ActuationException classify(String operation, KubernetesClientException e) {
    int code = e.getCode();
    Status status = e.getStatus();
    if (code <= 0) {
      // No answer: refused, reset, timed out, TLS. The client's message is not used: it is ours to word.
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String why = root instanceof TimeoutException ? "timed out"
          : root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
      return new ActuationException(ActuationError.UNAVAILABLE,
          describe() + ": " + operation + " got no answer from the API server (" + why + ")", null, e);
    }
    ActuationError error = code == 404 ? ActuationError.INVALID
        : code >= 500 ? ActuationError.UNAVAILABLE
        : ActuationException.ofHttpStatus(code);
    StringBuilder answer = new StringBuilder().append(operation).append(" answered ").append(code);
    if (status != null && status.getReason() != null && !status.getReason().isBlank()) {
      answer.append(' ').append(status.getReason());
    }
    if (status != null && status.getMessage() != null && !status.getMessage().isBlank()) {
      answer.append(": ").append(status.getMessage());
    }
    String message = code == 404 ? notFound() + " (" + answer + ")" : describe() + ": " + answer;
    return new ActuationException(error, message, retryAfter(status), e);
  }

  /** The server's hint ({@code details.retryAfterSeconds}, set with 429 and some 5xx), or {@code null}. */
  private static Duration retryAfter(Status status) {
    StatusDetails details = status == null ? null : status.getDetails();
    Integer seconds = details == null ? null : details.getRetryAfterSeconds();
    return seconds != null && seconds > 0 ? Duration.ofSeconds(seconds) : null;
  }
}
