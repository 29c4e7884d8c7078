package io.ballast.controller.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The few phrases several views share (shed levels, an override, instance counts, a time), so that
 * {@code services}, {@code service}, {@code overrides} and {@code history} say the same thing the same way.
 */
final class Phrases {

  /** Wide enough for most explanations, narrow enough for a table row in a terminal. */
  static final int EXPLANATION_WIDTH = 60;

  private Phrases() {}

  /** An ISO instant truncated to seconds; text that is not an instant is shown as it is. */
  static String instant(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    try {
      return Instant.parse(node.asText()).truncatedTo(ChronoUnit.SECONDS).toString();
    } catch (DateTimeParseException e) {
      return node.asText();
    }
  }

  /** {@code text} cut to {@code width} characters, ending in an ellipsis when it was cut. */
  static String truncate(String text, int width) {
    if (text == null || text.length() <= width) {
      return text;
    }
    return text.substring(0, width - 1).stripTrailing() + "…";
  }

  static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** A number without a trailing {@code .0}: {@code 75}, {@code 12.5}. */
  static String number(double value) {
    String text = String.format(Locale.ROOT, "%.1f", value);
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }

  /** {@code TRACKING_TARGET} as {@code tracking target}. */
  static String words(String constant) {
    return constant == null ? null : constant.toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  /** Percent of requests shed from an admit fraction: admitting 0.25 sheds 75 %. */
  static String shedPercent(double admitFraction) {
    return number((1 - admitFraction) * 100) + "%";
  }

  /**
   * What an admission list sheds, e.g. {@code sheddable 75%, sheddable_plus 20%}; classes admitted in full
   * are left out, and {@code null} means nothing is shed.
   */
  static String shed(JsonNode admission) {
    List<String> parts = new ArrayList<>();
    if (admission != null && admission.isArray()) {
      for (JsonNode level : admission) {
        double admit = level.path("admitFraction").asDouble(1.0);
        if (admit < 1.0) {
          parts.add(level.path("priority").asText("?") + " " + shedPercent(admit));
        }
      }
    }
    return parts.isEmpty() ? null : String.join(", ", parts);
  }

  /** {@code 8 ready, 2 warming, 1 booting, 0 draining}. */
  static String instances(JsonNode counts) {
    if (counts == null || counts.isNull() || counts.isMissingNode()) {
      return null;
    }
    return counts.path("ready").asInt() + " ready, " + counts.path("warming").asInt() + " warming, "
        + counts.path("booting").asInt() + " booting, " + counts.path("draining").asInt() + " draining";
  }

  /** A policy in a few words: {@code ballast, 2..40 instances}. */
  static String policy(JsonNode policy) {
    if (policy == null || policy.isNull() || policy.isMissingNode()) {
      return null;
    }
    String kind = policy.path("kind").asText("?");
    JsonNode min = either(policy, "min-instances", "minInstances");
    JsonNode max = either(policy, "max-instances", "maxInstances");
    if (min == null && max == null) {
      return kind;
    }
    return kind + ", " + (min == null ? "?" : min.asText()) + ".." + (max == null ? "?" : max.asText())
        + " instances";
  }

  /**
   * What an override does, e.g. {@code pin 5}, {@code bounds 3..10}, {@code bounds min 3}, {@code freeze scale-in},
   * {@code shed sheddable 100%, sheddable_plus 50%}, {@code pause}; an unknown kind with its fields as JSON.
   */
  static String override(JsonNode override) {
    // The API answers in its own shape (pin, scaleIn); recorded events hold the record's (PIN, freezeScaleIn).
    String kind = override.path("kind").asText("?").toLowerCase(java.util.Locale.ROOT);
    return switch (kind) {
      case "pin" -> "pin " + override.path("instances").asText("?");
      case "bounds" -> {
        String min = text(override, "min");
        String max = text(override, "max");
        yield "bounds " + (min != null && max != null ? min + ".." + max
            : min != null ? "min " + min : max != null ? "max " + max : "none");
      }
      case "freeze" -> {
        List<String> frozen = new ArrayList<>();
        if (override.path("scaleIn").asBoolean() || override.path("freezeScaleIn").asBoolean()) {
          frozen.add("scale-in");
        }
        if (override.path("scaleOut").asBoolean() || override.path("freezeScaleOut").asBoolean()) {
          frozen.add("scale-out");
        }
        yield "freeze " + (frozen.isEmpty() ? "nothing" : String.join(", ", frozen));
      }
      case "shed" -> {
        List<String> levels = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = override.path("admit").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          levels.add(e.getKey() + " " + shedPercent(e.getValue().asDouble()));
        }
        yield "shed " + (levels.isEmpty() ? "nothing" : String.join(", ", levels));
      }
      case "pause" -> "pause";
      default -> {
        JsonNode rest = override.isObject()
            ? ((ObjectNode) override.deepCopy()).without(List.of("id", "kind", "reason", "setBy", "startsAt",
                "expiresAt"))
            : override;
        yield kind + " " + compact(rest);
      }
    };
  }

  /** A line when the journal does not answer, {@code null} while it does. */
  static String journalTrouble(JsonNode journal) {
    if (journal == null || !journal.isObject() || journal.path("available").asBoolean(true)) {
      return null;
    }
    return "journal unavailable since " + instant(journal.get("since"))
        + (journal.hasNonNull("detail") ? ": " + journal.get("detail").asText() : "");
  }

  /** JSON on one line, for what has no phrase of its own. */
  static String compact(JsonNode node) {
    return node.toString();
  }

  private static JsonNode either(JsonNode node, String first, String second) {
    if (node.hasNonNull(first)) {
      return node.get(first);
    }
    return node.hasNonNull(second) ? node.get(second) : null;
  }
}
