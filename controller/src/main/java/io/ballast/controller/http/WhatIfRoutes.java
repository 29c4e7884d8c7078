package io.ballast.controller.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.ballast.controller.PolicyRender;
import io.ballast.controller.Settings;
import io.ballast.controller.policy.Policies;
import io.ballast.controller.replay.WhatIf;
import io.ballast.controller.service.ServiceEntity;
import io.ballast.controller.simulation.InvalidInputException;
import io.ballast.persistence.journal.HistoryReader;
import io.ballast.persistence.journal.JournalHealth;
import io.ballast.persistence.policy.PolicySettings;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /v1/services/{id}/what-if}: a recorded range re-run under another policy through the simulator's
 * service model ({@link WhatIf}), reported side by side with the recorded policy re-run the same way and with what
 * was recorded. Changes nothing: a viewer may ask.
 *
 * <p>The body: {@code from} and {@code to} (ISO-8601, at most 7 days apart); either {@code policy} (a whole policy as
 * in the configuration: {@code kind} and settings, the kind's defaults filling the rest) or {@code changes} (settings
 * layered over the policy recorded in force, same kind); optionally {@code model} (bootSeconds, warmupSeconds,
 * drainSeconds, capacityRps, sloLatencyMs, sloQuantile, metricDelaySeconds) and {@code series} (false leaves the
 * per-window series out).
 */
public final class WhatIfRoutes extends AllDirectives {

  private static final Set<String> FIELDS = Set.of("from", "to", "policy", "changes", "model", "series");
  private static final Set<String> MODEL_FIELDS = Set.of("bootSeconds", "warmupSeconds", "drainSeconds",
      "capacityRps", "sloLatencyMs", "sloQuantile", "metricDelaySeconds");

  private final ActorSystem<?> system;
  private final HistoryReader history;
  private final JournalHealth health;
  private final Duration retryAfter;
  private final Guard guard;
  private final List<String> priorityClasses;
  private final Config policyKinds;
  private final Policies policies = new Policies();
  private final Executor blocking;

  public WhatIfRoutes(ActorSystem<?> system, HistoryReader history, JournalHealth health, Duration retryAfter,
      Guard guard, List<String> priorityClasses, Config policyKinds) {
    this.system = system;
    this.history = history;
    this.health = health;
    this.retryAfter = retryAfter;
    this.guard = guard;
    this.priorityClasses = List.copyOf(priorityClasses);
    this.policyKinds = policyKinds;
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
  }

  public Route route() {
    return path(segment("v1").slash("services").slash(segment()).slash("what-if"), id ->
        post(() -> guard.allow(Endpoint.WHAT_IF, principal -> JsonBodies.read(body ->
            completeWithFuture(whatIf(id, body))))));
  }

  /** The body, checked: everything but the policy, which needs the recorded one when it is given as changes. */
  private record Request(Instant from, Instant to, ObjectNode policy, ObjectNode changes, WhatIf.Model model,
      boolean series) {}

  /** The answer: the re-run, and the two policies compared, in the shape of the configuration. */
  record Answer(String service, Map<String, Object> baselineSettings, Map<String, Object> candidateSettings,
      WhatIf.Result whatIf) {}

  private CompletionStage<HttpResponse> whatIf(String id, JsonNode body) {
    Request request;
    try {
      request = parse(body);
    } catch (AdminRoutes.BadField e) {
      return CompletableFuture.completedFuture(Json.error(StatusCodes.BAD_REQUEST, e.error));
    }
    if (!Settings.SERVICE_ID.matcher(id).matches()) {
      return CompletableFuture.completedFuture(Json.serviceNotFound(id));
    }
    if (!health.status().available()) {
      return CompletableFuture.completedFuture(Json.journalUnavailable(health.status(), retryAfter));
    }
    PolicySettings whole;
    try {
      whole = request.policy() == null ? null : JsonBodies.policy("policy", request.policy(), policyKinds);
    } catch (AdminRoutes.BadField e) {
      return CompletableFuture.completedFuture(Json.error(StatusCodes.BAD_REQUEST, e.error));
    }
    WhatIf whatIf = new WhatIf(request.from(), request.to(), priorityClasses);
    long[] events = {0};
    return history.events(ServiceEntity.persistenceId(id).id(), 1, Long.MAX_VALUE)
        .runForeach(r -> {
          events[0]++;
          whatIf.add(r.event());
        }, system)
        .thenApplyAsync(done -> answer(id, events[0], whatIf, request, whole), blocking)
        .exceptionally(this::unavailable);
  }

  private HttpResponse answer(String id, long events, WhatIf whatIf, Request request, PolicySettings whole) {
    if (events == 0) {
      return Json.serviceNotFound(id);
    }
    PolicySettings baseline = whatIf.recordedPolicy();
    if (baseline != null && request.changes() != null) {
      try {
        changed(baseline, request.changes());
      } catch (AdminRoutes.BadField e) {
        return Json.error(StatusCodes.BAD_REQUEST, e.error);
      }
    }
    if (!whatIf.hasLoad() || baseline == null) {
      return Json.error(StatusCodes.UNPROCESSABLE_ENTITY, new ApiError("no_load", "from",
          "no window with samples of '" + id + "' lies within [" + request.from() + ", " + request.to() + "]"));
    }
    try {
      PolicySettings candidate = whole != null ? whole : changed(baseline, request.changes());
      WhatIf.Result result = whatIf.run(policies, candidate, request.model());
      if (!request.series()) {
        result = new WhatIf.Result(result.from(), result.to(), result.baselinePolicy(), result.candidatePolicy(),
            result.seconds(), result.gaps(), result.gapSeconds(), result.policyChanges(), result.model(),
            result.summary(), result.windows(), result.differing(), result.differences(),
            result.baselineMatchesRecorded(), List.of());
      }
      return Json.ok(new Answer(id, PolicyRender.render(baseline), PolicyRender.render(candidate), result));
    } catch (AdminRoutes.BadField e) {
      return Json.error(StatusCodes.BAD_REQUEST, e.error);
    } catch (InvalidInputException e) {
      return Json.error(StatusCodes.BAD_REQUEST, new ApiError("invalid_field", "model", "model " + e.getMessage()));
    }
  }

  /** The recorded policy with {@code changes} layered over it; the kind stays. */
  private PolicySettings changed(PolicySettings recorded, ObjectNode changes) throws AdminRoutes.BadField {
    if (changes.has("kind") && !changes.get("kind").asText().equals(recorded.kind())) {
      throw new AdminRoutes.BadField("changes.kind", "must stay '" + recorded.kind()
          + "', the recorded policy's kind: to re-run under another kind, give a whole policy as policy");
    }
    Config over;
    try {
      over = ConfigFactory.parseString(Json.MAPPER.writeValueAsString(changes));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | com.typesafe.config.ConfigException e) {
      throw new AdminRoutes.BadField("changes", e.getMessage());
    }
    Config base = ConfigValueFactory.fromMap(configShape(PolicyRender.render(recorded))).toConfig();
    return JsonBodies.policy("changes", over.withFallback(base), policyKinds);
  }

  /** A rendered policy as plain maps, lists and strings that a Config takes. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> configShape(Map<String, Object> rendered) {
    return Json.MAPPER.convertValue(rendered, Map.class);
  }

  // ----------------------------------------------------------------------------------------------- the body

  private static Request parse(JsonNode body) throws AdminRoutes.BadField {
    if (!body.isObject()) {
      throw new AdminRoutes.BadField(null, "the body must be a JSON object: {\"from\": ..., \"to\": ..., "
          + "\"policy\": {\"kind\": \"hpa\"}}");
    }
    known(body, FIELDS, null);
    Instant from = instant(body, "from");
    Instant to = instant(body, "to");
    if (!to.isAfter(from)) {
      throw new AdminRoutes.BadField("to", "must be after from (" + from + "), was '" + to + "'");
    }
    if (Duration.between(from, to).compareTo(WhatIf.MAX_RANGE) > 0) {
      throw new AdminRoutes.BadField("to", "must be at most " + WhatIf.MAX_RANGE.toDays() + " days after from");
    }
    JsonNode policy = body.get("policy");
    JsonNode changes = body.get("changes");
    if ((policy == null) == (changes == null)) {
      throw new AdminRoutes.BadField(policy == null ? "policy" : "changes", "give exactly one of policy (a whole "
          + "policy, such as {\"kind\": \"hpa\"}) and changes (settings over the recorded policy)");
    }
    if (policy != null && !policy.isObject()) {
      throw new AdminRoutes.BadField("policy", "must be an object: {\"kind\": \"hpa\", ...}");
    }
    if (changes != null && !changes.isObject()) {
      throw new AdminRoutes.BadField("changes", "must be an object of settings, such as {\"tolerance-up\": 0.2}");
    }
    boolean series = true;
    if (body.has("series")) {
      if (!body.get("series").isBoolean()) {
        throw new AdminRoutes.BadField("series", "must be true or false");
      }
      series = body.get("series").asBoolean();
    }
    return new Request(from, to, (ObjectNode) policy, (ObjectNode) changes, model(body.get("model")), series);
  }

  private static WhatIf.Model model(JsonNode model) throws AdminRoutes.BadField {
    WhatIf.Model d = WhatIf.Model.defaults();
    if (model == null) {
      return d;
    }
    if (!model.isObject()) {
      throw new AdminRoutes.BadField("model", "must be an object, such as {\"bootSeconds\": 90}");
    }
    known(model, MODEL_FIELDS, "model");
    int boot = (int) number(model, "bootSeconds", d.bootSeconds(), 0, 3600, true);
    int warmup = (int) number(model, "warmupSeconds", d.warmupSeconds(), 0, 3600, true);
    int drain = (int) number(model, "drainSeconds", d.drainSeconds(), 0, 3600, true);
    Double capacity = model.has("capacityRps") ? number(model, "capacityRps", 0, 1e-3, 1e9, false) : null;
    double slo = number(model, "sloLatencyMs", d.sloLatencyMs(), 1, 600_000, false);
    double quantile = number(model, "sloQuantile", d.sloQuantile(), 0.5, 0.99999, false);
    Integer delay = model.has("metricDelaySeconds")
        ? (int) number(model, "metricDelaySeconds", 0, 0, 600, true) : null;
    return new WhatIf.Model(boot, warmup, drain, capacity, slo, quantile, delay);
  }

  private static double number(JsonNode node, String name, double fallback, double min, double max,
      boolean integer) throws AdminRoutes.BadField {
    JsonNode v = node.get(name);
    if (v == null) {
      return fallback;
    }
    String field = "model." + name;
    if (!v.isNumber() || (integer && !v.canConvertToExactIntegral())) {
      throw new AdminRoutes.BadField(field, "must be " + (integer ? "a whole number" : "a number") + ", was " + v);
    }
    double d = v.asDouble();
    if (!(d >= min && d <= max)) {
      throw new AdminRoutes.BadField(field, "must be within [" + format(min) + ", " + format(max) + "], was " + v);
    }
    return d;
  }

  private static String format(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  private static Instant instant(JsonNode body, String name) throws AdminRoutes.BadField {
    JsonNode v = body.get(name);
    if (v == null || !v.isTextual()) {
      throw new AdminRoutes.BadField(name, "is required: an ISO-8601 timestamp such as 2026-11-25T10:00:00Z");
    }
    try {
      return Instant.parse(v.asText());
    } catch (DateTimeParseException e) {
      throw new AdminRoutes.BadField(name, "must be an ISO-8601 timestamp such as 2026-11-25T10:00:00Z, was '"
          + v.asText() + "'");
    }
  }

  private static void known(JsonNode node, Set<String> names, String prefix) throws AdminRoutes.BadField {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!names.contains(name)) {
        throw new AdminRoutes.BadField(prefix == null ? name : prefix + "." + name,
            "is not a field; the fields are " + new TreeSet<>(names));
      }
    }
  }

  private HttpResponse unavailable(Throwable error) {
    if (!health.status().available()) {
      return Json.journalUnavailable(health.status(), retryAfter);
    }
    return Json.unavailable("the history could not be read (" + error.getMessage() + ")", retryAfter);
  }
}
