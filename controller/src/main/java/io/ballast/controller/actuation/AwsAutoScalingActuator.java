package io.ballast.controller.actuation;

import io.ballast.persistence.event.ActuationError;
import io.ballast.persistence.event.InstanceCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingAsyncClient;
import software.amazon.awssdk.services.autoscaling.AutoScalingAsyncClientBuilder;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;

/**
 * An EC2 Auto Scaling group, through the AWS SDK's async client (non-blocking: Netty underneath).
 *
 * <p>{@code SetDesiredCapacity} takes no client token, so {@code idempotencyKey} is not sent: setting an absolute
 * count is idempotent by itself, sending the same count twice leaves the group as once. The SDK does not retry
 * (the {@link ActuationDriver} does), so each call is one request, bounded by the API call timeout.
 *
 * <p>Instances by {@code LifecycleState}: {@code Pending*} and {@code ReplacingRootVolume*}/{@code RootVolumeReplaced}
 * are booting; {@code InService} is ready (the API cannot tell an instance within its warmup, so warming is always
 * 0); {@code Terminating*}, {@code Detaching} and {@code EnteringStandby} are draining. {@code Standby} is not
 * counted: an operator parked it, it serves nothing and is not leaving. Warm pool ({@code Warmed:*}),
 * {@code Terminated}, {@code Detached} and {@code Quarantined} instances are not counted either.
 *
 * <p>Errors: throttling codes (and 429) are THROTTLED; {@code ScalingActivityInProgress} (a cooldown or activity
 * under way while HonorCooldown is set) and {@code ResourceContention} (another update to the group is pending: a
 * race on the resource, not a request rate) are CONFLICT; authentication and authorization codes are UNAUTHORIZED;
 * 5xx and client-side failures (connection, timeout) are UNAVAILABLE; {@code ValidationError} and other 4xx are
 * INVALID.
 */
public final class AwsAutoScalingActuator implements Actuator, AutoCloseable {

  /** One call may take this long, all of it: the driver's own call timeout bounds it from outside too. */
  static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(10);

  private static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "ThrottledException",
      "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException", "TooManyRequestsException",
      "SlowDown");
  private static final Set<String> CONFLICTING = Set.of("ScalingActivityInProgress", "ResourceContention");
  private static final Set<String> UNAUTHORIZED = Set.of("AccessDenied", "AccessDeniedException",
      "UnauthorizedOperation", "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken",
      "ExpiredTokenException", "IncompleteSignature", "MissingAuthenticationToken", "UnrecognizedClientException",
      "AuthFailure", "OptInRequired");

  private final ActuationSettings.AwsAutoScaling target;
  private final AutoScalingAsyncClient client;
  private final AutoCloseable credentials;

  /** Uses {@code client} as it is (tests point it elsewhere); {@link #close()} closes it. */
  public AwsAutoScalingActuator(ActuationSettings.AwsAutoScaling target, AutoScalingAsyncClient client) {
    this(target, client, null);
  }

  private AwsAutoScalingActuator(ActuationSettings.AwsAutoScaling target, AutoScalingAsyncClient client,
      AutoCloseable credentials) {
    this.target = target;
    this.client = client;
    this.credentials = credentials;
  }

  /** The group in its region, with the default credential chain (environment, profile, web identity, instance role). */
  public static AwsAutoScalingActuator create(ActuationSettings.AwsAutoScaling target) {
    DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
    AutoScalingAsyncClient client = clientBuilder(target, API_CALL_TIMEOUT).credentialsProvider(credentials).build();
    return new AwsAutoScalingActuator(target, client, credentials);
  }

  /** Region, endpoint, no SDK retries, the timeout: everything but credentials, which the caller adds. */
  static AutoScalingAsyncClientBuilder clientBuilder(ActuationSettings.AwsAutoScaling target, Duration apiCallTimeout) {
    AutoScalingAsyncClientBuilder builder = AutoScalingAsyncClient.builder()
        .region(Region.of(target.region()))
        .overrideConfiguration(o -> o
            .retryStrategy(AwsRetryStrategy.doNotRetry())
            .apiCallTimeout(apiCallTimeout));
    if (target.endpoint() != null) {
      builder.endpointOverride(target.endpoint());
    }
    return builder;
  }

  @Override
  public CompletionStage<TargetState> read() {
    return describeGroup();
  }

  @Override
  public CompletionStage<TargetState> write(int desired, String idempotencyKey) {
    CompletableFuture<TargetState> written = new CompletableFuture<>();
    call("SetDesiredCapacity", () -> client.setDesiredCapacity(r -> r
            .autoScalingGroupName(target.group())
            .desiredCapacity(desired)
            .honorCooldown(target.honorCooldown())), response -> response)
        .whenComplete((ignored, setFailed) -> {
          if (setFailed != null) {
            written.completeExceptionally(setFailed);
            return;
          }
          // The count is set; a failed read-back fails the write, and the driver's retry sets the same count again.
          describeGroup().whenComplete((state, readFailed) -> {
            if (readFailed == null) {
              written.complete(state);
            } else {
              ActuationException cause = classify("DescribeAutoScalingGroups", unwrap(readFailed));
              written.completeExceptionally(new ActuationException(cause.error(),
                  "DesiredCapacity was set to " + desired + ", but reading it back failed: " + cause.getMessage(),
                  cause.retryAfter(), cause));
            }
          });
        });
    return written;
  }

  @Override
  public String describe() {
    return target.describe();
  }

  @Override
  public void close() throws Exception {
    client.close();
    if (credentials != null) {
      credentials.close();
    }
  }

  private CompletableFuture<TargetState> describeGroup() {
    return call("DescribeAutoScalingGroups",
        () -> client.describeAutoScalingGroups(r -> r.autoScalingGroupNames(target.group())),
        response -> response.autoScalingGroups().stream()
            .filter(g -> target.group().equals(g.autoScalingGroupName()))
            .findFirst()
            .map(AwsAutoScalingActuator::state)
            .orElseThrow(() -> new ActuationException(ActuationError.INVALID,
                "auto scaling group " + target.group() + " not found in region " + target.region())));
  }

  static TargetState state(AutoScalingGroup group) {
    int ready = 0;
    int booting = 0;
    int draining = 0;
    for (Instance instance : group.instances()) {
      switch (String.valueOf(instance.lifecycleStateAsString())) {
        case "Pending", "Pending:Wait", "Pending:Proceed",
            "ReplacingRootVolume", "ReplacingRootVolume:Wait", "ReplacingRootVolume:Proceed", "RootVolumeReplaced" ->
            booting++;
        case "InService" -> ready++;
        case "Terminating", "Terminating:Wait", "Terminating:Proceed", "Terminating:Retained", "Detaching",
            "EnteringStandby" -> draining++;
        default -> {
          // Standby, Warmed:*, Terminated, Detached, Quarantined, states newer than this SDK: not counted.
        }
      }
    }
    int desired = group.desiredCapacity() == null ? 0 : group.desiredCapacity();
    return new TargetState(desired, new InstanceCounts(ready, 0, booting, draining));
  }

  /**
   * Runs one SDK call and maps its response; the returned stage fails with a classified {@link ActuationException}
   * itself (not wrapped), whether the call failed synchronously, asynchronously or in the mapping.
   */
  private <T, R> CompletableFuture<R> call(String action, Supplier<CompletableFuture<T>> sdkCall,
      Function<T, R> result) {
    CompletableFuture<R> done = new CompletableFuture<>();
    CompletableFuture<T> started;
    try {
      started = sdkCall.get();
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    started.whenComplete((value, error) -> {
      if (error != null) {
        done.completeExceptionally(classify(action, unwrap(error)));
        return;
      }
      try {
        done.complete(result.apply(value));
      } catch (RuntimeException e) {
        done.completeExceptionally(classify(action, e));
      }
    });
    return done;
  }

  private ActuationException classify(String action, Throwable error) {
    if (error instanceof ActuationException a) {
      return a;
    }
    String prefix = describe() + ": " + action + " failed: ";
    if (error instanceof AwsServiceException e) {
      AwsErrorDetails details = e.awsErrorDetails();
      String code = details == null ? null : details.errorCode();
      String message = details == null ? null : details.errorMessage();
      int status = e.statusCode();
      ActuationError kind;
      if (code != null && THROTTLING.contains(code) || status == 429 || e.isThrottlingException()) {
        kind = ActuationError.THROTTLED;
      } else if (code != null && CONFLICTING.contains(code)) {
        kind = ActuationError.CONFLICT;
      } else if (code != null && UNAUTHORIZED.contains(code)) {
        kind = ActuationError.UNAUTHORIZED;
      } else if (status >= 500 || status == 0) {
        kind = ActuationError.UNAVAILABLE;
      } else {
        kind = ActuationException.ofHttpStatus(status);
      }
      return new ActuationException(kind, prefix + code + ": " + message + " (HTTP " + status + ")",
          retryAfter(details), e);
    }
    if (error instanceof SdkClientException e) {
      // The default chain found no credentials: no retry will find them either.
      ActuationError kind = String.valueOf(e.getMessage()).contains("Unable to load credentials")
          ? ActuationError.UNAUTHORIZED : ActuationError.UNAVAILABLE;
      return new ActuationException(kind, prefix + e.getMessage(), null, e);
    }
    return new ActuationException(ActuationError.UNAVAILABLE, prefix + error, null, error);
  }

  /** Auto Scaling rarely sends Retry-After, but a proxy or endpoint in front of it may: seconds or an HTTP date. */
  private static Duration retryAfter(AwsErrorDetails details) {
    if (details == null || details.sdkHttpResponse() == null) {
      return null;
    }
    Optional<String> header = details.sdkHttpResponse().firstMatchingHeader("Retry-After");
    if (header.isEmpty()) {
      return null;
    }
    return ActuationException.retryAfter(header.get(), Instant.now());
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
