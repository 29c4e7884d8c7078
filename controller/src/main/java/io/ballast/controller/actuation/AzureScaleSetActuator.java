package io.ballast.controller.actuation;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.util.HttpClientOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.persistence.event.ActuationError;
import io.ballast.persistence.event.InstanceCounts;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/**
 * An Azure virtual machine scale set, reached through the ARM REST API on the official {@code azure-core} HTTP
 * pipeline ({@code azure-resourcemanager-compute} is not available to this build). The pipeline has no retry
 * policy: the {@link ActuationDriver} retries, so each call here is one attempt. Everything is non-blocking: the
 * stages complete on the HTTP client's event loop.
 *
 * <p>Calls:
 * <ul>
 *   <li>read: {@code GET .../virtualMachineScaleSets/{name}} (desired = {@code sku.capacity}) and
 *       {@code GET .../virtualMachineScaleSets/{name}/virtualMachines?$expand=instanceView}, following
 *       {@code nextLink}.
 *   <li>write: {@code GET} the scale set for its ETag, then {@code PATCH {"sku":{"capacity":N}}} with
 *       {@code If-Match} (a concurrent change answers 412: CONFLICT) and {@code x-ms-client-request-id} derived from
 *       the idempotency key (so ARM's logs tie every attempt of one decision together), then read. A 202 (an
 *       asynchronous operation) is not polled: the model already carries the new capacity, and the driver's
 *       reads follow the instances.
 * </ul>
 *
 * <p>Instances, by {@code properties.provisioningState} and the instance view:
 * <ul>
 *   <li>Creating, Updating: booting.
 *   <li>Succeeded: by power state: running (or none reported, or no instance view) is ready, unless the
 *       application health ({@code instanceView.vmHealth}) is reported and is not {@code HealthState/healthy}:
 *       then warming; starting is booting; stopping, stopped, deallocating, deallocated are not counted.
 *   <li>Deleting: draining.
 *   <li>Failed and anything else: not counted.
 * </ul>
 *
 * <p>Errors: ARM's {@code {"error":{"code","message"}}} goes into the message; the status is classified by
 * {@link ActuationException#ofHttpStatus} (429 throttled, 409/412 conflict, 401/403 unauthorized, 400/404 and other
 * 4xx invalid, 5xx unavailable); connection errors and timeouts are unavailable. Request headers (where the bearer
 * token is) never reach a message.
 */
public final class AzureScaleSetActuator implements Actuator {

  static final URI DEFAULT_ENDPOINT = URI.create("https://management.azure.com");
  static final String DEFAULT_API_VERSION = "2024-07-01";
  static final String MANAGEMENT_SCOPE = "https://management.azure.com/.default";
  static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);

  /** A runaway {@code nextLink} chain ends here. */
  private static final int MAX_PAGES = 200;
  private static final int MAX_DETAIL = 500;
  private static final Pattern BEARER = Pattern.compile("(?i)bearer\\s+[A-Za-z0-9._~+/=-]+");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpHeaderName RETRY_AFTER_MS = HttpHeaderName.fromString("retry-after-ms");
  private static final HttpHeaderName X_MS_RETRY_AFTER_MS = HttpHeaderName.fromString("x-ms-retry-after-ms");
  private static final HttpHeaderName CORRELATION_ID = HttpHeaderName.fromString("x-ms-correlation-request-id");

  private final AzureScaleSetTarget target;
  private final HttpPipeline pipeline;
  private final Clock clock;

  public AzureScaleSetActuator(ActuationSettings.AzureScaleSet target, HttpPipeline pipeline) {
    this.target = new AzureScaleSetTarget(target);
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.clock = Clock.systemUTC();
  }

  /** The production adapter: DefaultAzureCredential unless the target says {@code none}, 10 s response timeout. */
  public static AzureScaleSetActuator create(ActuationSettings.AzureScaleSet target) {
    return new AzureScaleSetActuator(target, pipeline(target, RESPONSE_TIMEOUT));
  }

  /**
   * The pipeline {@link #create} uses: whichever azure-core HTTP client is on the class path (Netty here), bounded
   * by {@code responseTimeout}, no retry policy, and a bearer token for ARM when credentials are {@code default}.
   */
  static HttpPipeline pipeline(ActuationSettings.AzureScaleSet target, Duration responseTimeout) {
    HttpClientOptions options = new HttpClientOptions()
        .setConnectTimeout(responseTimeout.compareTo(Duration.ofSeconds(5)) < 0 ? responseTimeout
            : Duration.ofSeconds(5))
        .setWriteTimeout(responseTimeout)
        .setResponseTimeout(responseTimeout)
        .setReadTimeout(responseTimeout);
    HttpPipelineBuilder builder = new HttpPipelineBuilder().httpClient(HttpClient.createDefault(options));
    if (target.credentials().equals("default")) {
      URI endpoint = target.endpoint() == null ? DEFAULT_ENDPOINT : target.endpoint();
      if (!"https".equalsIgnoreCase(endpoint.getScheme())) {
        throw new IllegalArgumentException("azure-vmss.endpoint must be https with credentials default, was "
            + endpoint);
      }
      TokenCredential credential = new DefaultAzureCredentialBuilder().build();
      builder.policies(new BearerTokenAuthenticationPolicy(credential, MANAGEMENT_SCOPE));
    }
    return builder.build();
  }

  @Override
  public String describe() {
    return target.settings().describe();
  }

  @Override
  public CompletionStage<TargetState> read() {
    return stage(readState());
  }

  @Override
  public CompletionStage<TargetState> write(int desired, String idempotencyKey) {
    if (desired < 0) {
      return CompletableFuture.failedFuture(
          new ActuationException(ActuationError.INVALID, describe() + ": capacity must be >= 0, was " + desired));
    }
    String requestId = UUID.nameUUIDFromBytes(idempotencyKey.getBytes(StandardCharsets.UTF_8)).toString();
    byte[] body = ("{\"sku\":{\"capacity\":" + desired + "}}").getBytes(StandardCharsets.UTF_8);
    Mono<TargetState> written = scaleSet().flatMap(current -> {
      HttpRequest patch = request(HttpMethod.PATCH, target.scaleSetUrl())
          .setHeader(HttpHeaderName.CONTENT_TYPE, "application/json")
          .setHeader(HttpHeaderName.X_MS_CLIENT_REQUEST_ID, requestId)
          .setBody(body);
      if (current.etag() != null) {
        patch.setHeader(HttpHeaderName.IF_MATCH, current.etag());
      }
      return send(patch, "PATCH scale set");
    }).then(Mono.defer(this::readState));
    return stage(written);
  }

  private Mono<TargetState> readState() {
    return Mono.zip(scaleSet(), instances(target.instancesUrl(), InstanceCounts.NONE, 1))
        .map(both -> new TargetState(both.getT1().capacity(), both.getT2()));
  }

  private record ScaleSet(int capacity, String etag) {}

  private Mono<ScaleSet> scaleSet() {
    return send(request(HttpMethod.GET, target.scaleSetUrl()), "GET scale set").map(reply -> {
      JsonNode body = reply.json(describe() + ": GET scale set");
      JsonNode capacity = body.path("sku").path("capacity");
      if (!capacity.canConvertToInt()) {
        throw new ActuationException(ActuationError.UNAVAILABLE,
            describe() + ": GET scale set answered without sku.capacity");
      }
      String etag = reply.headers.getValue(HttpHeaderName.ETAG);
      if (etag == null || etag.isBlank()) {
        etag = body.path("etag").textValue();
      }
      return new ScaleSet(capacity.intValue(), etag);
    });
  }

  private Mono<InstanceCounts> instances(String url, InstanceCounts sofar, int page) {
    return send(request(HttpMethod.GET, url), "GET instances").flatMap(reply -> {
      JsonNode body = reply.json(describe() + ": GET instances");
      InstanceCounts counts = sofar;
      for (JsonNode vm : body.path("value")) {
        counts = plus(counts, stageOf(vm));
      }
      String next = body.path("nextLink").textValue();
      if (next == null || next.isBlank()) {
        return Mono.just(counts);
      }
      if (page >= MAX_PAGES) {
        return Mono.error(new ActuationException(ActuationError.UNAVAILABLE,
            describe() + ": GET instances gave more than " + MAX_PAGES + " pages"));
      }
      if (!target.sameOrigin(next)) {
        // The pipeline would send the bearer token wherever nextLink points: only ever to the endpoint.
        return Mono.error(new ActuationException(ActuationError.UNAVAILABLE,
            describe() + ": GET instances gave a nextLink outside " + target.endpoint()));
      }
      return instances(next, counts, page + 1);
    });
  }

  /** Where one instance counts. */
  enum Stage { READY, WARMING, BOOTING, DRAINING }

  /** Where a VM of the scale set counts (see the class comment), or {@code null}: not counted. */
  static Stage stageOf(JsonNode vm) {
    JsonNode properties = vm.path("properties");
    String provisioning = properties.path("provisioningState").asText("").toLowerCase(Locale.ROOT);
    return switch (provisioning) {
      case "creating", "updating" -> Stage.BOOTING;
      case "deleting" -> Stage.DRAINING;
      case "succeeded" -> ofInstanceView(properties.path("instanceView"));
      default -> null;
    };
  }

  private static Stage ofInstanceView(JsonNode view) {
    String power = null;
    for (JsonNode status : view.path("statuses")) {
      String code = status.path("code").asText("");
      if (code.regionMatches(true, 0, "PowerState/", 0, "PowerState/".length())) {
        power = code.substring("PowerState/".length()).toLowerCase(Locale.ROOT);
      }
    }
    if (power == null || power.equals("running")) {
      String health = view.path("vmHealth").path("status").path("code").textValue();
      return health == null || health.equalsIgnoreCase("HealthState/healthy") ? Stage.READY : Stage.WARMING;
    }
    return power.equals("starting") ? Stage.BOOTING : null;
  }

  private static InstanceCounts plus(InstanceCounts c, Stage stage) {
    if (stage == null) {
      return c;
    }
    return switch (stage) {
      case READY -> new InstanceCounts(c.ready() + 1, c.warming(), c.booting(), c.draining());
      case WARMING -> new InstanceCounts(c.ready(), c.warming() + 1, c.booting(), c.draining());
      case BOOTING -> new InstanceCounts(c.ready(), c.warming(), c.booting() + 1, c.draining());
      case DRAINING -> new InstanceCounts(c.ready(), c.warming(), c.booting(), c.draining() + 1);
    };
  }

  private static HttpRequest request(HttpMethod method, String url) {
    return new HttpRequest(method, url).setHeader(HttpHeaderName.ACCEPT, "application/json");
  }

  private record Reply(int status, HttpHeaders headers, byte[] body) {
    JsonNode json(String what) {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new ActuationException(ActuationError.UNAVAILABLE, what + " answered " + status + " with no JSON body");
      }
    }
  }

  /** One attempt: a 2xx reply, or a classified failure. */
  private Mono<Reply> send(HttpRequest request, String what) {
    return pipeline.send(request)
        .flatMap(response -> response.getBodyAsByteArray()
            .defaultIfEmpty(new byte[0])
            .map(bytes -> new Reply(response.getStatusCode(), response.getHeaders(), bytes))
            .doFinally(signal -> response.close()))
        .onErrorMap(e -> !(e instanceof ActuationException), e -> failed(what, e))
        .flatMap(reply -> reply.status() / 100 == 2 ? Mono.just(reply) : Mono.error(refused(what, reply)));
  }

  private ActuationException refused(String what, Reply reply) {
    String code = null;
    String message = null;
    try {
      JsonNode error = JSON.readTree(reply.body()).path("error");
      code = error.path("code").textValue();
      message = error.path("message").textValue();
    } catch (IOException | RuntimeException notJson) {
      // described by the raw body below
    }
    StringBuilder text = new StringBuilder(describe()).append(": ").append(what).append(" answered ")
        .append(reply.status());
    if (code != null || message != null) {
      text.append(' ').append(code == null ? "" : code).append(message == null ? "" : ": " + message);
    } else if (reply.body().length > 0) {
      text.append(": ").append(new String(reply.body(), StandardCharsets.UTF_8));
    }
    String correlation = reply.headers().getValue(CORRELATION_ID);
    String detail = truncate(redact(text.toString().strip()));
    if (correlation != null) {
      detail += " (x-ms-correlation-request-id " + correlation + ")";
    }
    return new ActuationException(ActuationException.ofHttpStatus(reply.status()), detail,
        retryAfter(reply.headers(), clock.instant()), null);
  }

  private ActuationException failed(String what, Throwable e) {
    if (e instanceof ClientAuthenticationException) {
      return new ActuationException(ActuationError.UNAUTHORIZED,
          describe() + ": " + what + ": no ARM token: " + truncate(redact(String.valueOf(e.getMessage()))), null, e);
    }
    String why = e instanceof TimeoutException ? "timed out" : "failed";
    return new ActuationException(ActuationError.UNAVAILABLE,
        describe() + ": " + what + " " + why + ": " + truncate(redact(String.valueOf(e))), null, e);
  }

  /** The target's wait hint: {@code retry-after-ms}, {@code x-ms-retry-after-ms}, or Retry-After (seconds or date). */
  static Duration retryAfter(HttpHeaders headers, Instant now) {
    for (HttpHeaderName millis : new HttpHeaderName[] {RETRY_AFTER_MS, X_MS_RETRY_AFTER_MS}) {
      String value = headers.getValue(millis);
      if (value != null && value.strip().matches("\\d{1,12}")) {
        return Duration.ofMillis(Long.parseLong(value.strip()));
      }
    }
    String value = headers.getValue(HttpHeaderName.RETRY_AFTER);
    return value == null || value.isBlank() ? null : ActuationException.retryAfter(value, now);
  }

  private static String redact(String text) {
    return BEARER.matcher(text).replaceAll("Bearer <redacted>");
  }

  private static String truncate(String text) {
    return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "...";
  }

  private <T> CompletionStage<T> stage(Mono<T> call) {
    return call.onErrorMap(e -> !(e instanceof ActuationException), e -> failed("call", e)).toFuture();
  }

  /** The scale set's URLs, built once. */
  private record AzureScaleSetTarget(ActuationSettings.AzureScaleSet settings, URI endpoint, String apiVersion) {

    AzureScaleSetTarget(ActuationSettings.AzureScaleSet settings) {
      this(settings, settings.endpoint() == null ? DEFAULT_ENDPOINT : settings.endpoint(),
          settings.apiVersion() == null || settings.apiVersion().isBlank() ? DEFAULT_API_VERSION
              : settings.apiVersion());
    }

    String resourcePath() {
      String base = endpoint.toString().replaceAll("/+$", "");
      return base + "/subscriptions/" + segment(settings.subscriptionId())
          + "/resourceGroups/" + segment(settings.resourceGroup())
          + "/providers/Microsoft.Compute/virtualMachineScaleSets/" + segment(settings.name());
    }

    String scaleSetUrl() {
      return resourcePath() + "?api-version=" + segment(apiVersion);
    }

    String instancesUrl() {
      return resourcePath() + "/virtualMachines?api-version=" + segment(apiVersion) + "&$expand=instanceView";
    }

    boolean sameOrigin(String url) {
      try {
        URI next = URI.create(url);
        return endpoint.getScheme().equalsIgnoreCase(next.getScheme())
            && endpoint.getHost().equalsIgnoreCase(next.getHost())
            && port(endpoint) == port(next);
      } catch (IllegalArgumentException | NullPointerException e) {
        return false;
      }
    }

    private static int port(URI uri) {
      if (uri.getPort() != -1) {
        return uri.getPort();
      }
      return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String segment(String value) {
      return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
  }
}
