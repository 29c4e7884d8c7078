package io.ballast.controller;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ballast.controller.shedding.SheddingSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads {@code ballast.shedding}: a setting that is unknown or makes no sense is refused with its full name. */
final class SheddingConfig {

  private SheddingConfig() {}

  static SheddingSettings read(Config shedding) {
    String root = "ballast.shedding";
    try {
      Config haproxyDefaults = shedding.getConfig("haproxy-defaults");
      Config metricsDefaults = shedding.getConfig("haproxy-metrics-defaults");
      Map<String, SheddingSettings.HaproxyTarget> haproxy = new HashMap<>();
      List<SheddingSettings.HaproxyMetrics> metrics = new ArrayList<>();
      Config services = shedding.getConfig("services");
      for (String id : services.root().keySet()) {
        String path = root + ".services." + id;
        if (!Settings.SERVICE_ID.matcher(id).matches()) {
          throw new IllegalArgumentException(path + ": '" + id + "' is not a valid service id");
        }
        Config service = services.getConfig(id);
        only(path, service, Set.of("haproxy", "haproxy-metrics"));
        if (service.hasPath("haproxy")) {
          String at = path + ".haproxy";
          Config h = service.getConfig("haproxy").withFallback(haproxyDefaults);
          only(at, h, Set.of("address", "map", "key-prefix", "timeout", "verify-every"));
          haproxy.put(id, wrap(at, () -> new SheddingSettings.HaproxyTarget(h.getString("address"),
              h.getString("map"), h.hasPath("key-prefix") ? h.getString("key-prefix") : id, h.getDuration("timeout"),
              h.getDuration("verify-every"))));
        }
        if (service.hasPath("haproxy-metrics")) {
          String at = path + ".haproxy-metrics";
          Config m = service.getConfig("haproxy-metrics").withFallback(metricsDefaults);
          only(at, m, Set.of("address", "table", "backend", "interval", "timeout"));
          metrics.add(wrap(at, () -> new SheddingSettings.HaproxyMetrics(id, m.getString("address"),
              m.getString("table"), m.getString("backend"), m.getDuration("interval"), m.getDuration("timeout"))));
        }
      }
      return wrap(root, () -> new SheddingSettings(shedding.getDuration("ttl"), shedding.getDuration("retry-after"),
          shedding.getDuration("max-retry-after"), shedding.getDuration("heartbeat"), shedding.getDuration("refresh"),
          haproxy, metrics));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static <T> T wrap(String path, java.util.function.Supplier<T> build) {
    try {
      return build.get();
    } catch (ConfigException.Missing e) {
      java.util.regex.Matcher key = java.util.regex.Pattern.compile("for key '([^']+)'").matcher(e.getMessage());
      throw new IllegalArgumentException(path + "." + (key.find() ? key.group(1) : "?") + " is required", e);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw e.getMessage() != null && e.getMessage().startsWith("ballast.") ? e
          : new IllegalArgumentException(path + ": " + e.getMessage(), e);
    }
  }

  private static void only(String path, Config c, Set<String> known) {
    for (String key : c.root().keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(path + "." + key + ": unknown setting; known settings are "
            + known.stream().sorted().toList());
      }
    }
  }
}
