package io.ballast.controller.simulation;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.ballast.controller.PolicyConfig;
import io.ballast.persistence.policy.AwsTargetTrackingPolicy;
import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.policy.HpaPolicy;
import io.ballast.persistence.policy.KnativePolicy;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.policy.RatePolicy;
import io.ballast.persistence.policy.ScalingRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The settings the live policies are simulated with, in one place because they will be tuned. Each starts from
 * its kind's {@code defaults(...)} and changes only what the benchmark fixes: the instance range, targets that
 * put every policy at the same 70 % of an instance's capacity μ, and AWS's warm-up set to the instances' real
 * boot plus warm-up.
 *
 * <p>Overrides come as records ({@link #with}) or as a HOCON file ({@link #overriddenBy}) with one block per
 * policy name, each read through {@link PolicyConfig} on top of the settings here, so a file is validated and
 * its mistakes are named exactly as in the node's configuration:
 *
 * <pre>
 * ballast { targets.requests-per-instance = 80, scale-down.stabilization-window = 120s }
 * hpa.target = 0.6
 * </pre>
 */
public record SimulationPolicies(
    BallastPolicy ballast, HpaPolicy hpa, KnativePolicy knative, AwsTargetTrackingPolicy awsTargetTracking) {

  /** The live policies by name, in report order. */
  public static final List<String> NAMES =
      List.of(BallastPolicy.KIND, HpaPolicy.KIND, KnativePolicy.KIND, AwsTargetTrackingPolicy.KIND);

  /** Target utilization of every policy: the share of μ an instance is meant to carry. */
  public static final double TARGET_UTILIZATION = 0.7;

  public static SimulationPolicies defaults(SimulationConfig config) {
    int min = config.minInstances();
    int max = config.maxInstances();
    double mu = config.instanceCapacityRps();

    BallastPolicy b = BallastPolicy.defaults();
    BallastPolicy ballast = new BallastPolicy(min, max,
        new BallastPolicy.Targets(TARGET_UTILIZATION * mu, b.targets().concurrencyPerInstance(),
            b.targets().cpuUtilization(), b.targets().latencyP99Ms()),
        b.toleranceUp(), b.toleranceDown(), b.stableWindow(), b.scaleUp(), b.scaleDown(), b.panic(), b.warmUp(),
        b.cooldown(), b.metricOutage(),
        new BallastPolicy.Shedding(b.shedding().enabled(), mu, b.shedding().maxUtilization(),
            b.shedding().hysteresis()));

    HpaPolicy h = HpaPolicy.defaults(HpaPolicy.Metric.CPU_UTILIZATION, TARGET_UTILIZATION);
    HpaPolicy hpa = new HpaPolicy(min, max, h.metric(), h.target(), h.syncPeriod(), h.tolerance(), h.scaleUp(),
        h.scaleDown());

    KnativePolicy k = KnativePolicy.defaults(KnativePolicy.Metric.REQUESTS_PER_SECOND);
    KnativePolicy knative = new KnativePolicy(min, max, k.metric(), mu, TARGET_UTILIZATION, k.stableWindow(),
        k.panicWindowPercentage(), k.panicThresholdPercentage(), k.maxScaleUpRate(), k.maxScaleDownRate(),
        k.tickInterval(), k.scaleDownDelay());

    AwsTargetTrackingPolicy a =
        AwsTargetTrackingPolicy.defaults(AwsTargetTrackingPolicy.Metric.CPU_UTILIZATION, TARGET_UTILIZATION);
    AwsTargetTrackingPolicy aws = new AwsTargetTrackingPolicy(min, max, a.metric(), a.target(), a.period(),
        a.scaleOutDatapoints(), a.scaleInDatapoints(), a.scaleInThreshold(),
        Duration.ofSeconds((long) config.bootSeconds() + config.warmupSeconds()));

    return new SimulationPolicies(ballast, hpa, knative, aws);
  }

  /** These settings with {@code settings} in place of those of its kind. */
  public SimulationPolicies with(PolicySettings settings) {
    if (settings instanceof BallastPolicy s) {
      return new SimulationPolicies(s, hpa, knative, awsTargetTracking);
    } else if (settings instanceof HpaPolicy s) {
      return new SimulationPolicies(ballast, s, knative, awsTargetTracking);
    } else if (settings instanceof KnativePolicy s) {
      return new SimulationPolicies(ballast, hpa, s, awsTargetTracking);
    } else if (settings instanceof AwsTargetTrackingPolicy s) {
      return new SimulationPolicies(ballast, hpa, knative, s);
    }
    throw new IllegalArgumentException("unknown settings " + settings.getClass().getName());
  }

  /** The settings of the live policy {@code name}. */
  public PolicySettings forName(String name) {
    return switch (name) {
      case BallastPolicy.KIND -> ballast;
      case HpaPolicy.KIND -> hpa;
      case KnativePolicy.KIND -> knative;
      case AwsTargetTrackingPolicy.KIND -> awsTargetTracking;
      default -> throw new IllegalArgumentException("no live policy named '" + name + "'");
    };
  }

  /** These settings with the blocks of a HOCON file layered over them. */
  public SimulationPolicies overriddenBy(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("policy config file " + file + " does not exist");
    }
    Config user;
    try {
      user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
    } catch (ConfigException e) {
      throw new InvalidInputException("policy config " + file + ": " + e.getMessage());
    }
    return overriddenBy(file.toString(), user);
  }

  /** These settings with the blocks of {@code user} (keys: policy names) layered over them. */
  public SimulationPolicies overriddenBy(String source, Config user) {
    SimulationPolicies result = this;
    for (String name : new TreeSet<>(user.root().keySet())) {
      if (!NAMES.contains(name)) {
        throw new InvalidInputException(source + ": unknown policy '" + name + "'; the file may set " + NAMES);
      }
      ConfigValue block = user.root().get(name);
      if (block.valueType() != ConfigValueType.OBJECT) {
        throw new InvalidInputException(source + ": " + name + " must be a block of settings");
      }
      Config merged = ((ConfigObject) block).toConfig().withFallback(hocon(forName(name)));
      result = result.with(read(source, name, merged));
    }
    return result;
  }

  private static PolicySettings read(String source, String kind, Config settings) {
    Config policy = ConfigValueFactory.fromMap(Map.of(
        "defaults", Map.of("kind", kind),
        "services", Map.of(),
        "kinds", Map.of(kind, settings.root()))).toConfig();
    try {
      return PolicyConfig.read(policy).defaults();
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(source + ": "
          + String.valueOf(e.getMessage()).replace("ballast.policy.defaults", kind));
    }
  }

  /** {@code settings} as the HOCON block {@link PolicyConfig} reads for its kind. */
  static Config hocon(PolicySettings settings) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("min-instances", settings.minInstances());
    m.put("max-instances", settings.maxInstances());
    if (settings instanceof BallastPolicy s) {
      Map<String, Object> targets = new LinkedHashMap<>();
      putIfSet(targets, "requests-per-instance", s.targets().requestsPerInstance());
      putIfSet(targets, "concurrency-per-instance", s.targets().concurrencyPerInstance());
      putIfSet(targets, "cpu-utilization", s.targets().cpuUtilization());
      putIfSet(targets, "latency-p99-ms", s.targets().latencyP99Ms());
      m.put("targets", targets);
      m.put("tolerance-up", s.toleranceUp());
      m.put("tolerance-down", s.toleranceDown());
      m.put("stable-window", duration(s.stableWindow()));
      m.put("scale-up", rules(s.scaleUp()));
      m.put("scale-down", rules(s.scaleDown()));
      m.put("panic", Map.of("enabled", s.panic().enabled(), "window", duration(s.panic().window()),
          "threshold", s.panic().threshold(), "exit-after", duration(s.panic().exitAfter())));
      m.put("warm-up", Map.of("warming-capacity", s.warmUp().warmingCapacity()));
      m.put("cooldown", Map.of("after-scale-up", duration(s.cooldown().afterScaleUp()),
          "after-scale-down", duration(s.cooldown().afterScaleDown())));
      Map<String, Object> outage = new LinkedHashMap<>();
      outage.put("hold-for", duration(s.metricOutage().holdFor()));
      putIfSet(outage, "floor", s.metricOutage().floor());
      m.put("metric-outage", outage);
      Map<String, Object> shedding = new LinkedHashMap<>();
      shedding.put("enabled", s.shedding().enabled());
      putIfSet(shedding, "instance-capacity-rps", s.shedding().instanceCapacityRps());
      shedding.put("max-utilization", s.shedding().maxUtilization());
      shedding.put("hysteresis", s.shedding().hysteresis());
      m.put("shedding", shedding);
    } else if (settings instanceof HpaPolicy s) {
      m.put("metric", choice(s.metric()));
      m.put("target", s.target());
      m.put("sync-period", duration(s.syncPeriod()));
      m.put("tolerance", s.tolerance());
      m.put("scale-up", rules(s.scaleUp()));
      m.put("scale-down", rules(s.scaleDown()));
    } else if (settings instanceof KnativePolicy s) {
      m.put("metric", choice(s.metric()));
      m.put("target", s.target());
      m.put("target-utilization", s.targetUtilization());
      m.put("stable-window", duration(s.stableWindow()));
      m.put("panic-window-percentage", s.panicWindowPercentage());
      m.put("panic-threshold-percentage", s.panicThresholdPercentage());
      m.put("max-scale-up-rate", s.maxScaleUpRate());
      m.put("max-scale-down-rate", s.maxScaleDownRate());
      m.put("tick-interval", duration(s.tickInterval()));
      m.put("scale-down-delay", duration(s.scaleDownDelay()));
    } else if (settings instanceof AwsTargetTrackingPolicy s) {
      m.put("metric", choice(s.metric()));
      m.put("target", s.target());
      m.put("period", duration(s.period()));
      m.put("scale-out-datapoints", s.scaleOutDatapoints());
      m.put("scale-in-datapoints", s.scaleInDatapoints());
      m.put("scale-in-threshold", s.scaleInThreshold());
      m.put("instance-warmup", duration(s.instanceWarmup()));
    }
    return ConfigValueFactory.fromMap(m).toConfig();
  }

  private static Map<String, Object> rules(ScalingRules rules) {
    List<Object> policies = new ArrayList<>();
    for (RatePolicy p : rules.policies()) {
      policies.add(Map.of("type", choice(p.type()), "value", p.value(), "period", duration(p.period())));
    }
    return Map.of("stabilization-window", duration(rules.stabilizationWindow()), "policies", policies,
        "select", choice(rules.select()));
  }

  private static void putIfSet(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  private static String duration(Duration d) {
    return d.getNano() % 1_000_000 == 0 && d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toNanos() + "ns";
  }

  private static String choice(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
