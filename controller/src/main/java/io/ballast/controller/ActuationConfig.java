package io.ballast.controller;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ballast.controller.actuation.ActuationSettings;
import io.ballast.controller.actuation.ActuationSettings.TargetSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads where each service's decisions go: {@code ballast.actuation.defaults} for every service, and
 * {@code ballast.actuation.services.<id>} over it for one. A setting that is unknown or makes no sense is refused
 * with its full name.
 */
final class ActuationConfig {

  private static final Set<String> COMMON = Set.of("target", "dry-run", "writes-per-second", "burst", "backoff",
      "circuit-breaker", "confirm-within", "read-interval", "call-timeout");
  private static final List<String> TARGETS =
      List.of("none", "kubernetes", "aws-autoscaling", "gcp-mig", "azure-vmss", "webhook");

  private ActuationConfig() {}

  record Catalog(ActuationSettings defaults, Map<String, ActuationSettings> services) {}

  static Catalog read(Config actuation) {
    Config defaults = actuation.getConfig("defaults");
    Map<String, ActuationSettings> services = new HashMap<>();
    Config perService = actuation.getConfig("services");
    for (String id : perService.root().keySet()) {
      String path = "ballast.actuation.services." + id;
      if (!Settings.SERVICE_ID.matcher(id).matches()) {
        throw new IllegalArgumentException(path + ": '" + id + "' is not a valid service id");
      }
      services.put(id, settings(path, perService.getConfig(id).withFallback(defaults)));
    }
    return new Catalog(settings("ballast.actuation.defaults", defaults), services);
  }

  private static ActuationSettings settings(String path, Config c) {
    try {
      for (String key : c.root().keySet()) {
        if (!COMMON.contains(key) && !TARGETS.contains(key)) {
          throw new IllegalArgumentException(path + "." + key + ": unknown setting");
        }
      }
      String target = c.getString("target");
      if (!TARGETS.contains(target)) {
        throw new IllegalArgumentException(path + ".target: '" + target + "' is not one of " + TARGETS);
      }
      return new ActuationSettings(
          target.equals("none") ? null : target(path + "." + target, target, block(path, c, target)),
          c.getBoolean("dry-run"),
          c.getDouble("writes-per-second"),
          c.getInt("burst"),
          c.getDuration("backoff.min"),
          c.getDuration("backoff.max"),
          c.getInt("circuit-breaker.failures"),
          c.getDuration("circuit-breaker.open-for"),
          c.getDuration("confirm-within"),
          c.getDuration("read-interval"),
          c.getDuration("call-timeout"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw e.getMessage() != null && e.getMessage().startsWith(path) ? e
          : new IllegalArgumentException(path + ": " + e.getMessage(), e);
    }
  }

  private static Config block(String path, Config c, String target) {
    if (!c.hasPath(target)) {
      throw new IllegalArgumentException(path + "." + target + " is required with target = " + target);
    }
    return c.getConfig(target);
  }

  private static TargetSettings target(String path, String kind, Config t) {
    return switch (kind) {
      case "kubernetes" -> {
        only(path, t, "kind", "namespace", "name", "context");
        yield new ActuationSettings.Kubernetes(string(t, "kind", "deployment"), t.getString("namespace"),
            t.getString("name"), string(t, "context", null));
      }
      case "aws-autoscaling" -> {
        only(path, t, "group", "region", "honor-cooldown", "endpoint");
        yield new ActuationSettings.AwsAutoScaling(t.getString("group"), t.getString("region"),
            t.hasPath("honor-cooldown") && t.getBoolean("honor-cooldown"), uri(path, t, "endpoint"));
      }
      case "gcp-mig" -> {
        only(path, t, "project", "zone", "region", "name", "endpoint", "credentials");
        yield new ActuationSettings.GcpInstanceGroup(t.getString("project"), string(t, "zone", null),
            string(t, "region", null), t.getString("name"), uri(path, t, "endpoint"),
            string(t, "credentials", "default"));
      }
      case "azure-vmss" -> {
        only(path, t, "subscription-id", "resource-group", "name", "endpoint", "api-version", "credentials");
        URI endpoint = uri(path, t, "endpoint");
        yield new ActuationSettings.AzureScaleSet(t.getString("subscription-id"), t.getString("resource-group"),
            t.getString("name"), endpoint == null ? URI.create("https://management.azure.com") : endpoint,
            string(t, "api-version", "2024-07-01"), string(t, "credentials", "default"));
      }
      default -> {
        only(path, t, "url", "secret", "read-url");
        if (!t.hasPath("secret")) {
          throw new IllegalArgumentException(path + ".secret is required (take it from the environment: "
              + "secret = ${?MY_WEBHOOK_SECRET})");
        }
        yield new ActuationSettings.Webhook(uri(path, t, "url"), t.getString("secret"), uri(path, t, "read-url"));
      }
    };
  }

  private static void only(String path, Config c, String... known) {
    Set<String> allowed = Set.of(known);
    for (String key : c.root().keySet()) {
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(path + "." + key + ": unknown setting; known settings are "
            + allowed.stream().sorted().toList());
      }
    }
  }

  private static String string(Config c, String key, String fallback) {
    return c.hasPath(key) ? c.getString(key) : fallback;
  }

  private static URI uri(String path, Config c, String key) {
    if (!c.hasPath(key)) {
      return null;
    }
    try {
      URI uri = new URI(c.getString(key));
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new URISyntaxException(c.getString(key), "needs a scheme and a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(path + "." + key + ": '" + c.getString(key) + "' is not a URL: "
          + e.getReason(), e);
    }
  }
}
