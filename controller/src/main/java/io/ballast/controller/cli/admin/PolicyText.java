package io.ballast.controller.cli.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A policy as operators read and write it: {@code key = value} lines with dotted keys (valid HOCON, so
 * {@code policy show} output can be edited and given back with {@code --file}), files in JSON or HOCON, and
 * {@code KEY=VALUE} changes applied on top of the policy in force.
 */
final class PolicyText {

  private static final Pattern INTEGER = Pattern.compile("-?\\d+");
  private static final Pattern DECIMAL = Pattern.compile("-?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][+-]?\\d+)?");
  /** Strings HOCON reads back as the same string without quotes: names, and durations such as 60s. */
  private static final Pattern BARE = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-]*|\\d+[A-Za-z]+");

  private PolicyText() {}

  /** Every setting as {@code dotted.key = value}, in the policy's order; lists stay whole, as JSON. */
  static List<String> lines(JsonNode policy) {
    List<String> lines = new ArrayList<>();
    flatten(policy).forEach((key, value) -> lines.add(key + " = " + hocon(value)));
    return lines;
  }

  /** Leaves by dotted key; an empty object is a leaf, so it is not lost. */
  static Map<String, JsonNode> flatten(JsonNode policy) {
    Map<String, JsonNode> leaves = new LinkedHashMap<>();
    flatten("", policy, leaves);
    return leaves;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> leaves) {
    if (node != null && node.isObject() && (!node.isEmpty() || prefix.isEmpty())) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), leaves);
      }
    } else if (!prefix.isEmpty()) {
      leaves.put(prefix, node);
    }
  }

  /** A value as HOCON reads it back: strings bare when that keeps them strings, all else as JSON. */
  static String hocon(JsonNode value) {
    if (value.isTextual()) {
      String text = value.asText();
      boolean keyword = switch (text) {
        case "true", "false", "null", "yes", "no", "on", "off" -> true;
        default -> false;
      };
      return BARE.matcher(text).matches() && !keyword ? text : value.toString();
    }
    return value.toString();
  }

  /**
   * A policy from a file: JSON, or else HOCON (substitutions such as {@code ${?ENV}} resolved). A file whose
   * only top-level key is {@code policy} is unwrapped, so {@code policy show --json} output, edited, works.
   */
  static ObjectNode read(Path file) throws InputException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InputException("cannot read --file " + file + ": " + e, e);
    }
    JsonNode parsed;
    try {
      parsed = ApiClient.JSON.readTree(text);
    } catch (JsonProcessingException notJson) {
      parsed = hocon(file, text);
    }
    if (parsed == null || !parsed.isObject()) {
      throw new InputException("--file " + file + " must hold an object of policy settings");
    }
    if (parsed.size() == 1 && parsed.path("policy").isObject()) {
      parsed = parsed.get("policy");
    } else if (parsed.path("policy").isObject() && parsed.has("service")) {
      parsed = parsed.get("policy"); // The whole answer of policy show --json.
    }
    return (ObjectNode) parsed;
  }

  private static JsonNode hocon(Path file, String text) throws InputException {
    try {
      Config config = ConfigFactory.parseString(text,
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setOriginDescription(file.toString())).resolve();
      return ApiClient.JSON.readTree(config.root().render(ConfigRenderOptions.concise()));
    } catch (ConfigException e) {
      throw new InputException("--file " + file + " is neither JSON nor valid HOCON: " + e.getMessage(), e);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("HOCON rendered invalid JSON", e);
    }
  }

  /**
   * A copy of {@code policy} with each {@code dotted.key=value} set; objects on the way are created. Values
   * that look like numbers, booleans, {@code null} or JSON ({@code [..]}, {@code {..}}, {@code "..."}) are
   * taken as such, anything else as a string.
   */
  static ObjectNode apply(JsonNode policy, List<String> assignments) throws InputException {
    if (policy != null && !policy.isObject() && !policy.isNull() && !policy.isMissingNode()) {
      throw new InputException("the policy in force is not an object; use --file");
    }
    ObjectNode result = policy != null && policy.isObject() ? ((ObjectNode) policy).deepCopy()
        : ApiClient.JSON.createObjectNode();
    for (String assignment : assignments) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        throw new InputException("'" + assignment + "' is not KEY=VALUE");
      }
      String key = assignment.substring(0, eq).strip();
      String[] path = key.split("\\.", -1);
      ObjectNode parent = result;
      for (int i = 0; i < path.length; i++) {
        if (path[i].isEmpty()) {
          throw new InputException("'" + key + "' is not a setting name (empty part)");
        }
        if (i == path.length - 1) {
          parent.set(path[i], value(assignment.substring(eq + 1)));
        } else {
          JsonNode child = parent.get(path[i]);
          if (child == null || child.isNull()) {
            child = parent.putObject(path[i]);
          } else if (!child.isObject()) {
            throw new InputException("cannot set " + key + ": " + String.join(".", List.of(path).subList(0, i + 1))
                + " is " + child + ", not a group of settings");
          }
          parent = (ObjectNode) child;
        }
      }
    }
    return result;
  }

  static JsonNode value(String raw) throws InputException {
    String text = raw.strip();
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (text.startsWith("[") || text.startsWith("{") || text.startsWith("\"")) {
      try {
        return ApiClient.JSON.readTree(text);
      } catch (JsonProcessingException e) {
        throw new InputException("'" + raw + "' is not valid JSON: " + e.getOriginalMessage(), e);
      }
    }
    if (INTEGER.matcher(text).matches()) {
      try {
        return nodes.numberNode(Long.parseLong(text)).canConvertToInt()
            ? nodes.numberNode(Integer.parseInt(text)) : nodes.numberNode(Long.parseLong(text));
      } catch (NumberFormatException tooLong) {
        return nodes.textNode(text);
      }
    }
    if (DECIMAL.matcher(text).matches()) {
      return nodes.numberNode(Double.parseDouble(text));
    }
    return switch (text) {
      case "true" -> nodes.booleanNode(true);
      case "false" -> nodes.booleanNode(false);
      case "null" -> nodes.nullNode();
      default -> nodes.textNode(text);
    };
  }
}
