package io.ballast.controller.cli.admin;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.ballast.persistence.event.Reason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One line per recorded event for {@code ballast history}: what changed, in the words {@code service} uses.
 * An event type this version does not know (a newer controller) is shown as compact JSON rather than
 * hidden, so history never silently leaves something out.
 */
final class EventSummary {

  /** Past this, a JSON fallback is cut: the whole event is one {@code --json} away. */
  private static final int JSON_WIDTH = 120;

  /** Reads a decision's reason as the controller's own record, tolerating fields a newer controller adds. */
  private static final ObjectReader REASON = ApiClient.JSON.readerFor(Reason.class)
      .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private EventSummary() {}

  static String of(String type, JsonNode event) {
    try {
      String summary = known(type == null ? "" : type, event);
      if (summary != null) {
        return summary;
      }
    } catch (RuntimeException e) {
      // A shape this version does not expect: fall back to the event itself.
    }
    return Phrases.truncate(Phrases.compact(event), JSON_WIDTH);
  }

  private static String known(String type, JsonNode e) {
    return switch (type) {
      case "ScaleDecided" -> e.path("from").asText() + " → " + e.path("to").asText() + ": " + explain(e.get("reason"))
          + ("NORMAL".equals(e.path("mode").asText("NORMAL")) ? "" : " (" + e.get("mode").asText() + ")");
      case "ShedLevelsChanged" -> {
        String shed = Phrases.shed(e.get("admission"));
        String code = Phrases.words(Phrases.text(e.path("reason"), "code"));
        yield (shed == null ? "nothing shed" : shed) + (code == null ? "" : " (" + code + ")");
      }
      case "PolicySet" -> Phrases.policy(e.get("settings")) + " set by " + e.path("setBy").asText("?")
          + (e.hasNonNull("previous") ? ", was " + Phrases.policy(e.get("previous")) : "");
      case "MetricsObserved" -> metrics(e);
      case "SamplesRecorded" -> e.path("samples").size() + " samples for the window from "
          + Phrases.instant(e.get("windowStart"));
      case "ScaleApplied" -> e.path("desired").asText() + " written" + to(e)
          + (e.hasNonNull("instances") ? "; " + Phrases.instances(e.get("instances")) : "");
      case "ScaleFailed" -> e.path("desired").asText() + " failed" + to(e) + ": " + e.path("error").asText()
          + (e.hasNonNull("detail") ? " " + e.get("detail").asText() : "") + " (attempt " + e.path("attempt").asText()
          + ", " + (e.path("willRetry").asBoolean() ? "will retry" : "not retried") + ")";
      case "InstancesObserved" -> Phrases.instances(e.get("instances")) + "; target at "
          + e.path("targetDesired").asText();
      case "CapacityChecked" -> e.path("desired").asText() + (e.path("confirmed").asBoolean() ? " confirmed"
          : " not reached in time: " + Phrases.instances(e.get("instances")));
      case "ActuatorCircuitChanged" -> e.path("open").asBoolean()
          ? "circuit open until " + Phrases.instant(e.get("until")) + reason(e)
          : "circuit closed" + reason(e);
      case "ShedDelivered" -> "delivered" + to(e) + ": " + shedPercents(e.path("shedPercent"));
      case "ShedDeliveryFailed" -> "delivery failed" + to(e) + reason(e, "detail");
      case "OverrideSet" -> {
        JsonNode o = e.hasNonNull("override") ? e.get("override") : e;
        String by = Phrases.text(o, "setBy") != null ? Phrases.text(o, "setBy") : Phrases.text(e, "setBy");
        yield Phrases.override(o) + (by == null ? "" : " by " + by) + reason(o) + until(o);
      }
      default -> type.startsWith("Override") ? overrideEnded(type, e) : null;
    };
  }

  /** OverrideCancelled, OverrideExpired and the like: which override, by whom, why. */
  private static String overrideEnded(String type, JsonNode e) {
    JsonNode o = e.hasNonNull("override") ? e.get("override") : e;
    String id = Phrases.text(o, "id") != null ? Phrases.text(o, "id") : Phrases.text(e, "overrideId");
    if (id == null) {
      return null;
    }
    String what = Phrases.words(type.substring("Override".length()));
    String by = Phrases.text(e, "cancelledBy") != null ? Phrases.text(e, "cancelledBy") : Phrases.text(e, "by");
    return id + (o.hasNonNull("kind") ? " (" + Phrases.override(o) + ")" : "") + " " + what
        + (by == null ? "" : " by " + by) + (e.hasNonNull("reason") ? ": " + e.get("reason").asText() : "");
  }

  /** The decision's rule in the controller's own words; just the rule's name for one this version lacks. */
  private static String explain(JsonNode reason) {
    if (reason == null || reason.isNull()) {
      return "no reason recorded";
    }
    try {
      return REASON.<Reason>readValue(reason).explain();
    } catch (IOException | IllegalArgumentException e) {
      return Phrases.words(reason.path("code").asText("?"));
    }
  }

  private static String metrics(JsonNode e) {
    double offered = 0;
    double shed = 0;
    for (JsonNode c : e.path("classes")) {
      offered += c.path("offeredRps").asDouble();
      shed += c.path("shedRps").asDouble();
    }
    String text = Phrases.number(offered) + " rps offered";
    if (shed > 0) {
      text += ", " + Phrases.number(shed) + " shed";
    }
    if (e.hasNonNull("instances")) {
      text += "; " + e.get("instances").path("ready").asText() + " ready";
    }
    return text + "; " + e.path("sampleCount").asText("0") + " samples";
  }

  private static String shedPercents(JsonNode shedPercent) {
    List<String> parts = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = shedPercent.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> level = it.next();
      if (level.getValue().asDouble() > 0) {
        parts.add(level.getKey() + " " + Phrases.number(level.getValue().asDouble()) + "%");
      }
    }
    return parts.isEmpty() ? "nothing shed" : String.join(", ", parts);
  }

  private static String to(JsonNode e) {
    return e.hasNonNull("target") ? " to " + e.get("target").asText() : "";
  }

  private static String reason(JsonNode e) {
    return reason(e, "reason");
  }

  private static String reason(JsonNode e, String field) {
    return e.hasNonNull(field) ? ": " + e.get(field).asText() : "";
  }

  private static String until(JsonNode o) {
    return o.hasNonNull("expiresAt") ? " (until " + Phrases.instant(o.get("expiresAt")) + ")" : "";
  }
}
