package io.ballast.controller;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import io.ballast.persistence.policy.AwsTargetTrackingPolicy;
import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.policy.HpaPolicy;
import io.ballast.persistence.policy.KnativePolicy;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.policy.RatePolicy;
import io.ballast.persistence.policy.ScalingRules;
import io.ballast.persistence.policy.Select;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads policies from configuration. {@code ballast.policy.kinds.<kind>} holds every setting of each kind
 * with its default; {@code ballast.policy.defaults} is the policy of services without their own (a kind and
 * the settings it changes); {@code ballast.policy.services.<id>} is a service's own: it starts from the
 * defaults, or from its kind's settings when it names another kind. Unknown settings are refused by name, so
 * a typo never passes silently.
 */
public final class PolicyConfig {

  private static final Set<String> KINDS =
      Set.of(BallastPolicy.KIND, HpaPolicy.KIND, KnativePolicy.KIND, AwsTargetTrackingPolicy.KIND);

  private PolicyConfig() {}

  /** The default policy and the per-service policies, by service id. */
  public record Catalog(PolicySettings defaults, Map<String, PolicySettings> services) {}

  public static Catalog read(Config policy) {
    Config kinds = policy.getConfig("kinds");
    Config defaults = policy.getConfig("defaults");
    String defaultKind = kind("ballast.policy.defaults", defaults);
    Config defaultBase = defaults.withFallback(kinds.getConfig(defaultKind));
    PolicySettings defaultPolicy = settings("ballast.policy.defaults", defaultKind, defaultBase);

    Map<String, PolicySettings> services = new HashMap<>();
    Config perService = policy.getConfig("services");
    for (String id : perService.root().keySet()) {
      String path = "ballast.policy.services." + id;
      if (!Settings.SERVICE_ID.matcher(id).matches()) {
        throw new IllegalArgumentException(path + ": '" + id + "' is not a valid service id");
      }
      if (perService.root().get(id).valueType() != ConfigValueType.OBJECT) {
        throw new IllegalArgumentException(path + " must be an object of policy settings");
      }
      Config own = perService.getConfig(id);
      Config base = own.hasPath("kind") ? kinds.getConfig(kind(path, own)) : defaultBase;
      Config merged = own.withFallback(base);
      services.put(id, settings(path, kind(path, merged), merged));
    }
    return new Catalog(defaultPolicy, services);
  }

  /**
   * A policy given whole at run time (the admin API): {@code policy} in the shape of a config block, over the
   * shipped defaults of its kind ({@code kinds}); errors name the setting under {@code path}.
   */
  public static PolicySettings parse(String path, Config policy, Config kinds) {
    String kind = kind(path, policy);
    return settings(path, kind, policy.withFallback(kinds.getConfig(kind)));
  }

  private static String kind(String path, Config c) {
    String kind = c.hasPath("kind") ? c.getString("kind") : BallastPolicy.KIND;
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException(path + ".kind: unknown policy kind '" + kind + "'; one of "
          + KINDS.stream().sorted().toList());
    }
    return kind;
  }

  static PolicySettings settings(String path, String kind, Config c) {
    try {
      return switch (kind) {
        case BallastPolicy.KIND -> ballast(new Reader(path, c));
        case HpaPolicy.KIND -> hpa(new Reader(path, c));
        case KnativePolicy.KIND -> knative(new Reader(path, c));
        default -> aws(new Reader(path, c));
      };
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw e.getMessage() != null && e.getMessage().startsWith(path) ? e
          : new IllegalArgumentException(path + ": " + e.getMessage(), e);
    }
  }

  private static BallastPolicy ballast(Reader r) {
    r.only("kind", "min-instances", "max-instances", "targets", "tolerance-up", "tolerance-down", "stable-window",
        "scale-up", "scale-down", "panic", "warm-up", "cooldown", "metric-outage", "shedding");
    Reader targets = r.child("targets", "requests-per-instance", "concurrency-per-instance", "cpu-utilization",
        "latency-p99-ms");
    Reader panic = r.child("panic", "enabled", "window", "threshold", "exit-after");
    Reader warmUp = r.child("warm-up", "warming-capacity");
    Reader cooldown = r.child("cooldown", "after-scale-up", "after-scale-down");
    Reader outage = r.child("metric-outage", "hold-for", "floor");
    Reader shedding = r.child("shedding", "enabled", "instance-capacity-rps", "max-utilization", "hysteresis",
        "burst-allowance", "burst-window");
    return new BallastPolicy(
        r.integer("min-instances"),
        r.integer("max-instances"),
        new BallastPolicy.Targets(targets.optionalDouble("requests-per-instance"),
            targets.optionalDouble("concurrency-per-instance"), targets.optionalDouble("cpu-utilization"),
            targets.optionalDouble("latency-p99-ms")),
        r.decimal("tolerance-up"),
        r.decimal("tolerance-down"),
        r.duration("stable-window"),
        rules(r.child("scale-up", "stabilization-window", "policies", "select")),
        rules(r.child("scale-down", "stabilization-window", "policies", "select")),
        new BallastPolicy.Panic(panic.bool("enabled"), panic.duration("window"), panic.decimal("threshold"),
            panic.duration("exit-after")),
        new BallastPolicy.WarmUp(warmUp.decimal("warming-capacity")),
        new BallastPolicy.Cooldown(cooldown.duration("after-scale-up"), cooldown.duration("after-scale-down")),
        new BallastPolicy.MetricOutage(outage.duration("hold-for"), outage.optionalInteger("floor")),
        new BallastPolicy.Shedding(shedding.bool("enabled"), shedding.optionalDouble("instance-capacity-rps"),
            shedding.decimal("max-utilization"), shedding.decimal("hysteresis"), shedding.decimal("burst-allowance"),
            shedding.duration("burst-window")));
  }

  private static HpaPolicy hpa(Reader r) {
    r.only("kind", "min-instances", "max-instances", "metric", "target", "sync-period", "tolerance", "scale-up",
        "scale-down");
    return new HpaPolicy(r.integer("min-instances"), r.integer("max-instances"),
        r.choice("metric", HpaPolicy.Metric.class), r.decimal("target"), r.duration("sync-period"),
        r.decimal("tolerance"),
        rules(r.child("scale-up", "stabilization-window", "policies", "select")),
        rules(r.child("scale-down", "stabilization-window", "policies", "select")));
  }

  private static KnativePolicy knative(Reader r) {
    r.only("kind", "min-instances", "max-instances", "metric", "target", "target-utilization", "stable-window",
        "panic-window-percentage", "panic-threshold-percentage", "max-scale-up-rate", "max-scale-down-rate",
        "tick-interval", "scale-down-delay");
    return new KnativePolicy(r.integer("min-instances"), r.integer("max-instances"),
        r.choice("metric", KnativePolicy.Metric.class), r.decimal("target"), r.decimal("target-utilization"),
        r.duration("stable-window"), r.decimal("panic-window-percentage"), r.decimal("panic-threshold-percentage"),
        r.decimal("max-scale-up-rate"), r.decimal("max-scale-down-rate"), r.duration("tick-interval"),
        r.duration("scale-down-delay"));
  }

  private static AwsTargetTrackingPolicy aws(Reader r) {
    r.only("kind", "min-instances", "max-instances", "metric", "target", "period", "scale-out-datapoints",
        "scale-in-datapoints", "scale-in-threshold", "instance-warmup");
    return new AwsTargetTrackingPolicy(r.integer("min-instances"), r.integer("max-instances"),
        r.choice("metric", AwsTargetTrackingPolicy.Metric.class), r.decimal("target"), r.duration("period"),
        r.integer("scale-out-datapoints"), r.integer("scale-in-datapoints"), r.decimal("scale-in-threshold"),
        r.duration("instance-warmup"));
  }

  private static ScalingRules rules(Reader r) {
    List<RatePolicy> policies = new ArrayList<>();
    List<? extends Config> list = r.config.getConfigList("policies");
    for (int i = 0; i < list.size(); i++) {
      Reader p = new Reader(r.path + ".policies[" + i + "]", list.get(i));
      p.only("type", "value", "period");
      policies.add(new RatePolicy(p.choice("type", RatePolicy.Type.class), p.integer("value"), p.duration("period")));
    }
    return new ScalingRules(r.duration("stabilization-window"), policies, r.choice("select", Select.class));
  }

  /** Reads one block, naming the full path of any setting that is missing, unknown or of the wrong type. */
  private static final class Reader {
    final String path;
    final Config config;

    Reader(String path, Config config) {
      this.path = path;
      this.config = config;
    }

    void only(String... known) {
      Set<String> allowed = Set.of(known);
      for (String key : config.root().keySet()) {
        if (!allowed.contains(key)) {
          throw new IllegalArgumentException(path + "." + key + ": unknown setting; known settings are "
              + allowed.stream().sorted().toList());
        }
      }
    }

    Reader child(String key, String... known) {
      if (!config.hasPath(key)) {
        throw new IllegalArgumentException(path + "." + key + " is required");
      }
      Reader child = new Reader(path + "." + key, config.getConfig(key));
      child.only(known);
      return child;
    }

    int integer(String key) {
      return wrap(key, () -> config.getInt(key));
    }

    Integer optionalInteger(String key) {
      return config.hasPath(key) ? Integer.valueOf(integer(key)) : null;
    }

    double decimal(String key) {
      return wrap(key, () -> config.getDouble(key));
    }

    Double optionalDouble(String key) {
      return config.hasPath(key) ? Double.valueOf(decimal(key)) : null;
    }

    boolean bool(String key) {
      return wrap(key, () -> config.getBoolean(key));
    }

    Duration duration(String key) {
      return wrap(key, () -> config.getDuration(key));
    }

    <E extends Enum<E>> E choice(String key, Class<E> type) {
      String value = wrap(key, () -> config.getString(key));
      String constant = value.toUpperCase(Locale.ROOT).replace('-', '_');
      for (E e : type.getEnumConstants()) {
        if (e.name().equals(constant)) {
          return e;
        }
      }
      List<String> names = new ArrayList<>();
      for (E e : type.getEnumConstants()) {
        names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
      }
      throw new IllegalArgumentException(path + "." + key + ": '" + value + "' is not one of " + names);
    }

    private <T> T wrap(String key, java.util.function.Supplier<T> read) {
      try {
        return read.get();
      } catch (ConfigException.Missing e) {
        throw new IllegalArgumentException(path + "." + key + " is required", e);
      } catch (ConfigException e) {
        throw new IllegalArgumentException(path + "." + key + ": " + e.getMessage(), e);
      }
    }
  }
}
