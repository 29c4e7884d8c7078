package io.ballast.controller.actuation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ballast.persistence.event.ActuationError;
import io.ballast.persistence.event.InstanceCounts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends each count to a URL the user runs, as a signed JSON POST. The receiver contract (the README has it in
 * full):
 *
 * <pre>
 * POST {url}
 * Content-Type: application/json
 * Idempotency-Key: checkout@1732550400000/12      (the same decision always has the same key)
 * X-Ballast-Timestamp: 1732550401                  (seconds since the epoch)
 * X-Ballast-Signature: sha256=&lt;hex HMAC-SHA256 of "{timestamp}.{body}" under the shared secret&gt;
 *
 * {"service":"checkout","desired":12,"idempotencyKey":"checkout@1732550400000/12"}
 * </pre>
 *
 * A 2xx means the count is taken. The answer may report the target's state as
 * {@code {"desired":12,"instances":{"ready":8,"warming":2,"booting":2,"draining":0}}}; so may a GET of
 * {@code read-url}, signed the same way over an empty body. Without a read URL Ballast cannot tell what the
 * receiver has, and dedupes against what it wrote last.
 */
public final class WebhookActuator implements Actuator {

  static final String SIGNATURE_HEADER = "X-Ballast-Signature";
  static final String TIMESTAMP_HEADER = "X-Ballast-Timestamp";
  static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final String service;
  private final ActuationSettings.Webhook target;
  private final HttpClient http;
  private final Clock clock;

  public WebhookActuator(String service, ActuationSettings.Webhook target, HttpClient http, Clock clock) {
    this.service = service;
    this.target = target;
    this.http = http;
    this.clock = clock;
  }

  public static WebhookActuator create(String service, ActuationSettings.Webhook target) {
    HttpClient http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    return new WebhookActuator(service, target, http, Clock.systemUTC());
  }

  @Override
  public CompletionStage<TargetState> read() {
    if (target.readUrl() == null) {
      return CompletableFuture.completedFuture(TargetState.unknown());
    }
    HttpRequest request = signed(HttpRequest.newBuilder(target.readUrl()).GET(), "").build();
    return send(request, TargetState.unknown());
  }

  @Override
  public CompletionStage<TargetState> write(int desired, String idempotencyKey) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("service", service);
    body.put("desired", desired);
    body.put("idempotencyKey", idempotencyKey);
    String json;
    try {
      json = JSON.writeValueAsString(body);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    HttpRequest request = signed(HttpRequest.newBuilder(target.url()), json)
        .header("Content-Type", "application/json")
        .header(IDEMPOTENCY_HEADER, idempotencyKey)
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
        .build();
    return send(request, new TargetState(desired, null));
  }

  @Override
  public String describe() {
    return target.describe();
  }

  /** The signature a receiver recomputes: {@code sha256=} and the hex HMAC-SHA256 of {@code timestamp.body}. */
  static String signature(String secret, long timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] digest = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      return "sha256=" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  private HttpRequest.Builder signed(HttpRequest.Builder builder, String body) {
    long timestamp = clock.instant().getEpochSecond();
    return builder
        .timeout(TIMEOUT)
        .header("User-Agent", "ballast")
        .header(TIMESTAMP_HEADER, Long.toString(timestamp))
        .header(SIGNATURE_HEADER, signature(target.secret(), timestamp, body));
  }

  private CompletionStage<TargetState> send(HttpRequest request, TargetState assumed) {
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .handle((response, error) -> {
          if (error != null) {
            throw new CompletionException(unavailable(request, error));
          }
          int status = response.statusCode();
          if (status / 100 != 2) {
            throw new CompletionException(new ActuationException(ActuationException.ofHttpStatus(status),
                request.method() + " " + request.uri() + " answered " + status + excerpt(response.body()),
                response.headers().firstValue("Retry-After")
                    .map(v -> ActuationException.retryAfter(v, clock.instant())).orElse(null), null));
          }
          return parse(request, response.body(), assumed);
        });
  }

  /** The receiver's report, where it gives one; otherwise what was assumed. */
  private static TargetState parse(HttpRequest request, String body, TargetState assumed) {
    if (body == null || body.isBlank()) {
      return assumed;
    }
    try {
      JsonNode root = JSON.readTree(body);
      if (root == null || !root.isObject()) {
        return assumed;
      }
      int desired = root.path("desired").isInt() ? root.get("desired").intValue() : assumed.desired();
      JsonNode i = root.path("instances");
      InstanceCounts instances = i.isObject()
          ? new InstanceCounts(count(i, "ready"), count(i, "warming"), count(i, "booting"), count(i, "draining"))
          : assumed.instances();
      return new TargetState(desired, instances);
    } catch (IOException | IllegalArgumentException e) {
      throw new CompletionException(new ActuationException(ActuationError.INVALID,
          request.method() + " " + request.uri() + " answered with other than the documented JSON: "
              + e.getMessage(), null, e));
    }
  }

  private static int count(JsonNode instances, String field) {
    JsonNode n = instances.path(field);
    if (n.isMissingNode() || n.isNull()) {
      return 0;
    }
    if (!n.canConvertToInt() || n.intValue() < 0) {
      throw new IllegalArgumentException("instances." + field + " must be a count >= 0, was " + n);
    }
    return n.intValue();
  }

  private static ActuationException unavailable(HttpRequest request, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String what = cause instanceof HttpTimeoutException ? "timed out" : "failed: " + cause;
    return new ActuationException(ActuationError.UNAVAILABLE, request.method() + " " + request.uri() + " " + what,
        null, cause);
  }

  private static String excerpt(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String flat = body.strip().replaceAll("\\s+", " ");
    return ": " + (flat.length() > 200 ? flat.substring(0, 200) + "..." : flat);
  }
}
