package io.ballast.controller.remotewrite;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.ballast.controller.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code ballast.remote-write}: the rules that turn Prometheus series into samples, and the receiver's limits.
 *
 * @param idle a series silent for longer is forgotten: its next sample only sets a baseline
 * @param maxStep a counter step longer than this only sets a new baseline
 * @param maxSeries the most series whose last value is kept
 */
public record RemoteWriteSettings(List<Rule> rules, Duration idle, Duration maxStep,
    int maxSeries, long maxCompressedBytes, long maxUncompressedBytes) {

  /** What a sample field is, and how its series is read. */
  public enum Field {
    REQUESTS(Type.COUNTER), ERRORS(Type.COUNTER), SHED(Type.COUNTER),
    LATENCY_P50_MS(Type.GAUGE), LATENCY_P99_MS(Type.GAUGE), CONCURRENCY(Type.GAUGE), CPU(Type.GAUGE),
    READY(Type.GAUGE), WARMING(Type.GAUGE), BOOTING(Type.GAUGE);

    final Type defaultType;

    Field(Type defaultType) {
      this.defaultType = defaultType;
    }

    public String configName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    boolean isLatency() {
      return this == LATENCY_P50_MS || this == LATENCY_P99_MS;
    }
  }

  /** How a series' values are read: a counter's increase, a gauge's value, or a histogram's buckets. */
  public enum Type {
    COUNTER, GAUGE, HISTOGRAM;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One mapping rule.
   *
   * @param metric the series name ({@code __name__}); for a histogram, the name its {@code _bucket} series extend
   * @param match labels that must have exactly these values
   * @param service the service every matching series belongs to, or {@code null} to read it from {@code serviceLabel}
   * @param priority the priority class, or {@code null} to read it from {@code priorityLabel}
   * @param scale what a gauge's value (or a histogram's bucket bound) is multiplied by: 1000 turns seconds into ms
   * @param sourceLabel the label that tells the sources apart (default {@code instance})
   */
  public record Rule(String metric, Map<String, String> match, String service, String serviceLabel, String priority,
      String priorityLabel, Field field, Type type, double scale, String sourceLabel) {

    public Rule {
      match = Map.copyOf(match);
    }

    /** The series name this rule reads: the metric, or its {@code _bucket} series for a histogram. */
    String seriesName() {
      return type == Type.HISTOGRAM ? metric + "_bucket" : metric;
    }

    boolean matches(String name, Map<String, String> labels) {
      if (!name.equals(seriesName())) {
        return false;
      }
      for (Map.Entry<String, String> m : match.entrySet()) {
        if (!m.getValue().equals(labels.get(m.getKey()))) {
          return false;
        }
      }
      return true;
    }
  }

  private static final String PATH = "ballast.remote-write";
  private static final Set<String> RULE_KEYS = Set.of("metric", "match", "service", "service-label", "priority",
      "priority-label", "field", "type", "scale", "source-label");

  public static RemoteWriteSettings from(Config root, List<String> priorityClasses) {
    Config c = root.getConfig(PATH);
    List<Rule> rules = new ArrayList<>();
    List<? extends ConfigValue> list;
    try {
      list = c.getList("rules");
    } catch (ConfigException e) {
      throw new IllegalArgumentException(PATH + ".rules must be a list of rules: " + e.getMessage(), e);
    }
    for (int i = 0; i < list.size(); i++) {
      rules.add(rule(PATH + ".rules[" + i + "]", list.get(i), priorityClasses));
    }
    Duration idle = positive(c, "idle");
    Duration maxStep = positive(c, "max-step");
    int maxSeries = c.getInt("max-series");
    if (maxSeries < 1) {
      throw new IllegalArgumentException(PATH + ".max-series must be >= 1, was " + maxSeries);
    }
    long compressed = c.getBytes("max-compressed-bytes");
    long uncompressed = c.getBytes("max-uncompressed-bytes");
    if (compressed < 1 || compressed > Integer.MAX_VALUE || uncompressed < compressed || uncompressed > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(PATH + ".max-compressed-bytes must be >= 1 and max-uncompressed-bytes at least "
          + "as large, both under 2g; were " + compressed + " and " + uncompressed);
    }
    return new RemoteWriteSettings(List.copyOf(rules), idle, maxStep, maxSeries, compressed, uncompressed);
  }

  private static Rule rule(String path, ConfigValue value, List<String> priorityClasses) {
    if (value.valueType() != ConfigValueType.OBJECT) {
      throw new IllegalArgumentException(path + " must be an object such as { metric = \"...\", field = requests, ... }");
    }
    Config r = ((com.typesafe.config.ConfigObject) value).toConfig();
    for (String key : ((com.typesafe.config.ConfigObject) value).keySet()) {
      if (!RULE_KEYS.contains(key)) {
        throw new IllegalArgumentException(path + "." + key + ": unknown setting; a rule's settings are "
            + new TreeSet<>(RULE_KEYS));
      }
    }
    String metric = string(r, path, "metric", true);
    if (!metric.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
      throw new IllegalArgumentException(path + ".metric: '" + metric + "' is not a Prometheus metric name");
    }
    Map<String, String> match = new LinkedHashMap<>();
    if (r.hasPath("match")) {
      try {
        for (Map.Entry<String, ConfigValue> e : r.getObject("match").entrySet()) {
          if (e.getValue().valueType() != ConfigValueType.STRING) {
            throw new IllegalArgumentException(path + ".match." + e.getKey() + " must be a string");
          }
          match.put(e.getKey(), (String) e.getValue().unwrapped());
        }
      } catch (ConfigException.WrongType e) {
        throw new IllegalArgumentException(path + ".match must be an object of label = \"value\"", e);
      }
    }
    String service = string(r, path, "service", false);
    String serviceLabel = string(r, path, "service-label", false);
    if ((service == null) == (serviceLabel == null)) {
      throw new IllegalArgumentException(path + ": give exactly one of service (a fixed id) and service-label "
          + "(the label that holds it)");
    }
    if (service != null && !Settings.SERVICE_ID.matcher(service).matches()) {
      throw new IllegalArgumentException(path + ".service: '" + service + "' is not a service id ("
          + Settings.SERVICE_ID.pattern() + ")");
    }
    String priority = string(r, path, "priority", false);
    String priorityLabel = string(r, path, "priority-label", false);
    if ((priority == null) == (priorityLabel == null)) {
      throw new IllegalArgumentException(path + ": give exactly one of priority (a fixed class) and priority-label");
    }
    if (priority != null && !priorityClasses.contains(priority)) {
      throw new IllegalArgumentException(path + ".priority: '" + priority + "' is not a priority class; the classes "
          + "are " + priorityClasses + " (ballast.observation.priority-classes)");
    }
    String fieldText = string(r, path, "field", true);
    Field field = null;
    for (Field f : Field.values()) {
      if (f.configName().equals(fieldText)) {
        field = f;
      }
    }
    if (field == null) {
      List<String> names = new ArrayList<>();
      for (Field f : Field.values()) {
        names.add(f.configName());
      }
      throw new IllegalArgumentException(path + ".field: '" + fieldText + "' is not a field; one of " + names);
    }
    Type type = field.defaultType;
    String typeText = string(r, path, "type", false);
    if (typeText != null) {
      type = switch (typeText) {
        case "counter" -> Type.COUNTER;
        case "gauge" -> Type.GAUGE;
        case "histogram" -> Type.HISTOGRAM;
        default -> throw new IllegalArgumentException(path + ".type: '" + typeText
            + "' is not a type; one of counter, gauge, histogram");
      };
    }
    if ((field.defaultType == Type.COUNTER) != (type == Type.COUNTER)) {
      throw new IllegalArgumentException(path + ".type: " + field.configName() + " is read from "
          + (field.defaultType == Type.COUNTER ? "a counter" : "a gauge or a histogram") + ", not a "
          + type.configName());
    }
    if (type == Type.HISTOGRAM && !field.isLatency()) {
      throw new IllegalArgumentException(path + ".type: only latency-p50-ms and latency-p99-ms come from a histogram");
    }
    double scale = type == Type.HISTOGRAM ? 1000 : 1;
    if (r.hasPath("scale")) {
      try {
        scale = r.getDouble("scale");
      } catch (ConfigException.WrongType e) {
        throw new IllegalArgumentException(path + ".scale must be a number", e);
      }
      if (!(scale > 0) || Double.isInfinite(scale)) {
        throw new IllegalArgumentException(path + ".scale must be > 0, was " + scale);
      }
    }
    String sourceLabel = string(r, path, "source-label", false);
    return new Rule(metric, match, service, serviceLabel, priority, priorityLabel, field, type, scale,
        sourceLabel == null ? "instance" : sourceLabel);
  }

  private static String string(Config r, String path, String key, boolean required) {
    if (!r.hasPath(key)) {
      if (required) {
        throw new IllegalArgumentException(path + "." + key + " is required");
      }
      return null;
    }
    try {
      String s = r.getString(key);
      if (s.isBlank()) {
        throw new IllegalArgumentException(path + "." + key + " must not be empty");
      }
      return s;
    } catch (ConfigException.WrongType e) {
      throw new IllegalArgumentException(path + "." + key + " must be a string", e);
    }
  }

  private static Duration positive(Config c, String key) {
    Duration d;
    try {
      d = c.getDuration(key);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(PATH + "." + key + " must be a duration such as 5m: " + e.getMessage(), e);
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(PATH + "." + key + " must be > 0, was " + d);
    }
    return d;
  }
}
