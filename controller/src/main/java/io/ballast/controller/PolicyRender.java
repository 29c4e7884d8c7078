package io.ballast.controller;

import io.ballast.persistence.policy.PolicySettings;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A policy written back in the shape of its configuration: kebab-case keys, durations such as {@code 60s}, enum
 * values in lower case. What the admin API shows is what it takes, and what a config file holds, so an operator can
 * copy one into the other; {@link PolicyConfig} reads it back to the same policy (a test holds the two together).
 */
public final class PolicyRender {

  private PolicyRender() {}

  public static Map<String, Object> render(PolicySettings policy) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kind", policy.kind());
    out.putAll(fields((Record) policy));
    return out;
  }

  private static Map<String, Object> fields(Record record) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      Object value;
      try {
        value = c.getAccessor().invoke(record);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + c.getName() + " of " + record.getClass().getSimpleName(), e);
      }
      if (value != null) {
        out.put(kebab(c.getName()), value(value));
      }
    }
    return out;
  }

  private static Object value(Object value) {
    if (value instanceof Record r) {
      return fields(r);
    } else if (value instanceof Duration d) {
      return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    } else if (value instanceof Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    } else if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object item : list) {
        out.add(value(item));
      }
      return out;
    }
    return value;
  }

  /** {@code latencyP99Ms} → {@code latency-p99-ms}. */
  static String kebab(String camel) {
    StringBuilder out = new StringBuilder();
    for (char ch : camel.toCharArray()) {
      if (Character.isUpperCase(ch)) {
        out.append('-').append(Character.toLowerCase(ch));
      } else {
        out.append(ch);
      }
    }
    return out.toString();
  }
}
