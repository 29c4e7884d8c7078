package io.ballast.controller.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.ballast.controller.PolicyRender;
import io.ballast.controller.Settings;
import io.ballast.controller.auth.Principal;
import io.ballast.controller.service.ServiceEntity;
import io.ballast.persistence.event.PolicySet;
import io.ballast.persistence.event.ServiceOverride;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.state.ServiceState;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * What operators change: overrides (set, list, cancel) and the policy (show, replace), each recorded in the
 * service's history with who, when and why. A request that is refused changes nothing, and its error names the
 * field.
 */
public final class AdminRoutes extends AllDirectives {

  /** The longest an override may last: anything longer is a policy change, and should be one. */
  static final Duration MAX_TTL = Duration.ofDays(7);
  private static final int MAX_REASON = 500;
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
  private static final Set<String> KINDS = Set.of("pin", "bounds", "freeze", "shed", "pause");
  private static final Set<String> COMMON_FIELDS = Set.of("kind", "reason", "ttl", "startsAt");

  private final ClusterSharding sharding;
  private final Guard guard;
  private final List<String> priorityClasses;
  private final Config policyKinds;
  private final Duration timeout;
  private final Duration retryAfter;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public AdminRoutes(ActorSystem<?> system, Guard guard, List<String> priorityClasses, Config policyKinds,
      Duration timeout, Duration retryAfter, Clock clock) {
    this.sharding = ClusterSharding.get(system);
    this.guard = guard;
    this.priorityClasses = List.copyOf(priorityClasses);
    this.policyKinds = policyKinds;
    this.timeout = timeout;
    this.retryAfter = retryAfter;
    this.clock = clock;
  }

  public Route route() {
    return concat(
        path(segment("v1").slash("whoami"), () -> get(() -> guard.allow(Endpoint.WHOAMI, principal ->
            complete(Json.ok(Map.of("name", principal.name(), "role", principal.role().name()
                .toLowerCase(Locale.ROOT))))))),
        pathPrefix(segment("v1").slash("services").slash(segment()), id -> concat(
            path("overrides", () -> concat(
                get(() -> guard.allow(Endpoint.OVERRIDES, principal -> completeWithFuture(overrides(id)))),
                post(() -> guard.allow(Endpoint.SET_OVERRIDE, principal -> JsonBodies.read(body ->
                    completeWithFuture(setOverride(id, body, principal))))))),
            path(segment("overrides").slash(segment()), overrideId -> delete(() ->
                guard.allow(Endpoint.CANCEL_OVERRIDE, principal -> parameterOptional("reason", reason ->
                    completeWithFuture(cancelOverride(id, overrideId, reason, principal)))))),
            path("policy", () -> concat(
                get(() -> guard.allow(Endpoint.POLICY, principal -> completeWithFuture(policy(id)))),
                put(() -> guard.allow(Endpoint.SET_POLICY, principal -> JsonBodies.read(body ->
                    completeWithFuture(setPolicy(id, body, principal))))))))));
  }

  // --- overrides ---------------------------------------------------------------------------------------------

  private CompletionStage<HttpResponse> overrides(String id) {
    if (!Settings.SERVICE_ID.matcher(id).matches()) {
      return CompletableFuture.completedFuture(Json.serviceNotFound(id));
    }
    return state(id).thenApply(s -> s.isEmpty() ? Json.serviceNotFound(id) : Json.ok(Map.of("service", id,
        "overrides", s.overrides().stream().map(AdminRoutes::view).toList()))).exceptionally(this::unavailable);
  }

  private CompletionStage<HttpResponse> setOverride(String id, JsonNode body, Principal principal) {
    if (!Settings.SERVICE_ID.matcher(id).matches()) {
      return CompletableFuture.completedFuture(Json.serviceNotFound(id));
    }
    ServiceOverride override;
    try {
      override = override(body, principal, clock.instant());
    } catch (BadField e) {
      return CompletableFuture.completedFuture(Json.error(StatusCodes.BAD_REQUEST, e.error));
    }
    return sharding.entityRefFor(ServiceEntity.ENTITY_KEY, id)
        .<ServiceOverride>askWithStatus(replyTo -> new ServiceEntity.SetOverride(override, replyTo), timeout)
        .thenApply(set -> Json.response(StatusCodes.CREATED, view(set)))
        .exceptionally(e -> refusedOrUnavailable(id, e));
  }

  private CompletionStage<HttpResponse> cancelOverride(String id, String overrideId, Optional<String> reason,
      Principal principal) {
    if (!Settings.SERVICE_ID.matcher(id).matches()) {
      return CompletableFuture.completedFuture(Json.serviceNotFound(id));
    }
    if (reason.isPresent() && reason.get().length() > MAX_REASON) {
      return CompletableFuture.completedFuture(Json.error(StatusCodes.BAD_REQUEST,
          new ApiError("invalid_parameter", "reason", "must be at most " + MAX_REASON + " characters")));
    }
    return sharding.entityRefFor(ServiceEntity.ENTITY_KEY, id)
        .<ServiceOverride>askWithStatus(replyTo -> new ServiceEntity.CancelOverride(overrideId, principal.name(),
            reason.orElse(null), replyTo), timeout)
        .thenApply(cancelled -> {
          Map<String, Object> answer = new LinkedHashMap<>();
          answer.put("override", view(cancelled));
          answer.put("cancelledBy", principal.name());
          answer.put("reason", reason.orElse(null));
          return Json.ok(answer);
        })
        .exceptionally(e -> refusedOrUnavailable(id, e));
  }

  /** An override as the API shows it: in the shape it is asked for, with only its kind's fields. */
  static Map<String, Object> view(ServiceOverride o) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("id", o.id());
    v.put("kind", o.kind().name().toLowerCase(Locale.ROOT));
    switch (o.kind()) {
      case PIN -> v.put("instances", o.instances());
      case BOUNDS -> {
        v.put("min", o.min());
        v.put("max", o.max());
      }
      case FREEZE -> {
        v.put("scaleIn", Boolean.TRUE.equals(o.freezeScaleIn()));
        v.put("scaleOut", Boolean.TRUE.equals(o.freezeScaleOut()));
      }
      case SHED -> v.put("admit", o.admit());
      default -> { }
    }
    v.put("reason", o.reason());
    v.put("setBy", o.setBy());
    v.put("startsAt", o.startsAt());
    v.put("expiresAt", o.expiresAt());
    return v;
  }

  /** The override a request body asks for, or the field that is wrong. */
  ServiceOverride override(JsonNode body, Principal principal, Instant now) throws BadField {
    if (body == null || !body.isObject()) {
      throw new BadField(null, "the body must be a JSON object");
    }
    String kind = text(body, "kind", true);
    if (!KINDS.contains(kind)) {
      throw new BadField("kind", "must be one of " + KINDS.stream().sorted().toList() + ", was '" + kind + "'");
    }
    Set<String> allowed = switch (kind) {
      case "pin" -> Set.of("instances");
      case "bounds" -> Set.of("min", "max");
      case "freeze" -> Set.of("scaleIn", "scaleOut");
      case "shed" -> Set.of("admit");
      default -> Set.of();
    };
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!COMMON_FIELDS.contains(name) && !allowed.contains(name)) {
        throw new BadField(name, "is not a field of a '" + kind + "' override; its fields are "
            + allowed.stream().sorted().toList() + " and " + COMMON_FIELDS.stream().sorted().toList());
      }
    }
    String reason = text(body, "reason", true);
    if (reason.isBlank() || reason.length() > MAX_REASON) {
      throw new BadField("reason", "must say why, in 1 to " + MAX_REASON + " characters");
    }
    Duration ttl = duration(text(body, "ttl", true));
    Instant startsAt = now;
    if (body.hasNonNull("startsAt")) {
      try {
        startsAt = Instant.parse(text(body, "startsAt", true));
      } catch (DateTimeParseException e) {
        throw new BadField("startsAt", "must be an ISO-8601 instant such as 2026-11-25T10:00:00Z");
      }
      if (startsAt.isAfter(now.plus(MAX_TTL))) {
        throw new BadField("startsAt", "must be within " + MAX_TTL.toDays() + " days from now");
      }
    }
    Integer instances = null;
    Integer min = null;
    Integer max = null;
    Boolean scaleIn = null;
    Boolean scaleOut = null;
    Map<String, Double> admit = null;
    switch (kind) {
      case "pin" -> instances = count(body, "instances", true);
      case "bounds" -> {
        min = count(body, "min", false);
        max = count(body, "max", false);
        if (min == null && max == null) {
          throw new BadField("min", "a bounds override needs min, max, or both");
        }
        if (min != null && max != null && min > max) {
          throw new BadField("max", "must be >= min (" + min + "), was " + max);
        }
      }
      case "freeze" -> {
        scaleIn = bool(body, "scaleIn");
        scaleOut = bool(body, "scaleOut");
        if (!scaleIn && !scaleOut) {
          throw new BadField("scaleIn", "a freeze override needs scaleIn, scaleOut, or both set to true");
        }
      }
      case "shed" -> admit = admit(body);
      default -> { }
    }
    String id = "ovr-" + HexFormat.of().formatHex(bytes(6));
    try {
      return new ServiceOverride(id, ServiceOverride.Kind.valueOf(kind.toUpperCase(Locale.ROOT)), instances, min, max,
          scaleIn, scaleOut, admit, reason, principal.name(), startsAt, startsAt.plus(ttl));
    } catch (IllegalArgumentException e) {
      throw new BadField(null, e.getMessage());
    }
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private Map<String, Double> admit(JsonNode body) throws BadField {
    JsonNode admit = body.get("admit");
    if (admit == null || !admit.isObject() || admit.isEmpty()) {
      throw new BadField("admit", "must be an object of priority class to the fraction to admit, for example "
          + "{\"sheddable\": 0.0}");
    }
    Map<String, Double> levels = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> fields = admit.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (!priorityClasses.contains(f.getKey())) {
        throw new BadField("admit." + f.getKey(), "is not a priority class; the classes are " + priorityClasses);
      }
      JsonNode v = f.getValue();
      if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 1) {
        throw new BadField("admit." + f.getKey(), "must be a fraction within [0, 1], was " + v);
      }
      levels.put(f.getKey(), v.asDouble());
    }
    return levels;
  }

  /** An ISO-8601 duration ({@code PT30M}) or a short one ({@code 30m}, {@code 2h}, {@code 1d}). */
  static Duration duration(String text) throws BadField {
    Duration d;
    Matcher m = SHORT_DURATION.matcher(text.strip());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } else {
      try {
        d = Duration.parse(text.strip());
      } catch (DateTimeParseException e) {
        throw new BadField("ttl", "must be a duration such as 30m, 2h or PT30M, was '" + text + "'");
      }
    }
    if (d.isNegative() || d.isZero() || d.compareTo(MAX_TTL) > 0) {
      throw new BadField("ttl", "must be more than 0 and at most " + MAX_TTL.toDays() + " days, was " + text);
    }
    return d;
  }

  private static String text(JsonNode body, String field, boolean required) throws BadField {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new BadField(field, "is required");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new BadField(field, "must be a string");
    }
    return v.asText();
  }

  private static Integer count(JsonNode body, String field, boolean required) throws BadField {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new BadField(field, "is required");
      }
      return null;
    }
    if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > 100_000) {
      throw new BadField(field, "must be a whole number of instances within [0, 100000], was " + v);
    }
    return v.asInt();
  }

  private static boolean bool(JsonNode body, String field) throws BadField {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new BadField(field, "must be true or false, was " + v);
    }
    return v.asBoolean();
  }

  // --- policy ------------------------------------------------------------------------------------------------

  private CompletionStage<HttpResponse> policy(String id) {
    if (!Settings.SERVICE_ID.matcher(id).matches()) {
      return CompletableFuture.completedFuture(Json.serviceNotFound(id));
    }
    return state(id).thenApply(s -> {
      if (s.isEmpty() || s.policy() == null) {
        return Json.serviceNotFound(id);
      }
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("service", id);
      answer.put("policy", PolicyRender.render(s.policy()));
      answer.put("setBy", s.policySetBy());
      return Json.ok(answer);
    }).exceptionally(this::unavailable);
  }

  private CompletionStage<HttpResponse> setPolicy(String id, JsonNode body, Principal principal) {
    if (!Settings.SERVICE_ID.matcher(id).matches()) {
      return CompletableFuture.completedFuture(Json.serviceNotFound(id));
    }
    PolicySettings settings;
    String reason;
    try {
      if (body == null || !body.isObject()) {
        throw new BadField(null, "the body must be a JSON object: {\"policy\": {...}, \"reason\": \"...\"}");
      }
      for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!name.equals("policy") && !name.equals("reason")) {
          throw new BadField(name, "is not a field; the fields are policy and reason");
        }
      }
      reason = text(body, "reason", true);
      if (reason.isBlank() || reason.length() > MAX_REASON) {
        throw new BadField("reason", "must say why, in 1 to " + MAX_REASON + " characters");
      }
      JsonNode policy = body.get("policy");
      if (policy == null || !policy.isObject()) {
        throw new BadField("policy", "is required: the policy's settings as in the configuration");
      }
      settings = JsonBodies.policy("policy", (ObjectNode) policy, policyKinds);
    } catch (BadField e) {
      return CompletableFuture.completedFuture(Json.error(StatusCodes.BAD_REQUEST, e.error));
    }
    return sharding.entityRefFor(ServiceEntity.ENTITY_KEY, id)
        .<PolicySet>askWithStatus(replyTo -> new ServiceEntity.SetPolicy(settings, principal.name(), reason, replyTo),
            timeout)
        .thenApply(set -> {
          Map<String, Object> answer = new LinkedHashMap<>();
          answer.put("service", id);
          answer.put("policy", PolicyRender.render(set.settings()));
          answer.put("previous", set.previous() == null ? null : PolicyRender.render(set.previous()));
          answer.put("setBy", set.setBy());
          answer.put("reason", set.reason());
          return Json.ok(answer);
        })
        .exceptionally(e -> refusedOrUnavailable(id, e));
  }

  // --- common ------------------------------------------------------------------------------------------------

  private CompletionStage<ServiceState> state(String id) {
    return sharding.entityRefFor(ServiceEntity.ENTITY_KEY, id).ask(ServiceEntity.GetState::new, timeout);
  }

  private HttpResponse refusedOrUnavailable(String id, Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause() : error;
    if (cause instanceof StatusReply.ErrorMessage refused) {
      String message = refused.getMessage();
      if (message.startsWith("no service")) {
        return Json.serviceNotFound(id);
      }
      return Json.error(StatusCodes.NOT_FOUND, new ApiError("not_found", "overrideId", message));
    }
    return unavailable(cause);
  }

  private HttpResponse unavailable(Throwable error) {
    return Json.unavailable("the change could not be confirmed in time; it may or may not have been recorded: "
        + "read it back before retrying (" + error.getMessage() + ")", retryAfter);
  }

  /** A request field that is wrong: refused with a 400 naming it. */
  static final class BadField extends Exception {
    final ApiError error;

    BadField(String field, String message) {
      super((field == null ? "" : field + ": ") + message, null, false, false);
      this.error = new ApiError("invalid_field", field, (field == null ? "" : field + " ") + message);
    }
  }
}
