package io.ballast.controller.simulation;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.ballast.controller.Node;
import io.ballast.controller.PolicyConfig;
import io.ballast.persistence.policy.AwsTargetTrackingPolicy;
import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.policy.HpaPolicy;
import io.ballast.persistence.policy.KnativePolicy;
import io.ballast.persistence.policy.PolicySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The settings the live policies are simulated with, in one place because they will be tuned. Each starts from
 * its kind's defaults as the node ships them ({@code ballast.policy.kinds.<kind>} in {@code config/policy.conf})
 * and changes only what the benchmark fixes: the instance range, targets that put every policy at the same 70 %
 * of an instance's capacity μ, and AWS's warm-up set to the instances' real boot plus warm-up.
 *
 * <p>Overrides come as records ({@link #with}) or as a HOCON file ({@link #overriddenBy}) with one block per
 * policy name, read through {@link PolicyConfig} on top of the settings here, so a file is validated and its
 * mistakes are named exactly as in the node's configuration:
 *
 * <pre>
 * ballast { targets.requests-per-instance = 80, scale-down.stabilization-window = 120s }
 * hpa.target = 0.6
 * </pre>
 */
public record SimulationPolicies(
    BallastPolicy ballast, HpaPolicy hpa, KnativePolicy knative, AwsTargetTrackingPolicy awsTargetTracking,
    Config blocks) {

  /** The live policies by name, in report order. */
  public static final List<String> NAMES =
      List.of(BallastPolicy.KIND, HpaPolicy.KIND, KnativePolicy.KIND, AwsTargetTrackingPolicy.KIND);

  /** Target utilization of every policy: the share of μ an instance is meant to carry. */
  public static final double TARGET_UTILIZATION = 0.7;

  public static SimulationPolicies defaults(SimulationConfig config) {
    Config kinds = Node.configuration(ConfigFactory.empty()).getConfig("ballast.policy.kinds");
    String range = "min-instances = " + config.minInstances() + ", max-instances = " + config.maxInstances();
    double mu = config.instanceCapacityRps();
    Config benchmark = ConfigFactory.parseString(String.format(Locale.ROOT, """
        ballast { %1$s, targets.requests-per-instance = %2$s, shedding.instance-capacity-rps = %3$s }
        hpa { %1$s, metric = cpu-utilization, target = %4$s }
        knative { %1$s, metric = requests-per-second, target = %3$s, target-utilization = %4$s }
        aws-target-tracking { %1$s, metric = cpu-utilization, target = %4$s, instance-warmup = %5$ds }
        """, range, TARGET_UTILIZATION * mu, mu, TARGET_UTILIZATION,
        (long) config.bootSeconds() + config.warmupSeconds()));
    Config blocks = benchmark.withFallback(kinds);
    return new SimulationPolicies(
        (BallastPolicy) read("simulation", BallastPolicy.KIND, blocks.getConfig(BallastPolicy.KIND)),
        (HpaPolicy) read("simulation", HpaPolicy.KIND, blocks.getConfig(HpaPolicy.KIND)),
        (KnativePolicy) read("simulation", KnativePolicy.KIND, blocks.getConfig(KnativePolicy.KIND)),
        (AwsTargetTrackingPolicy) read("simulation", AwsTargetTrackingPolicy.KIND,
            blocks.getConfig(AwsTargetTrackingPolicy.KIND)),
        blocks);
  }

  /** These settings with {@code settings} in place of those of its kind. */
  public SimulationPolicies with(PolicySettings settings) {
    if (settings instanceof BallastPolicy s) {
      return new SimulationPolicies(s, hpa, knative, awsTargetTracking, blocks);
    } else if (settings instanceof HpaPolicy s) {
      return new SimulationPolicies(ballast, s, knative, awsTargetTracking, blocks);
    } else if (settings instanceof KnativePolicy s) {
      return new SimulationPolicies(ballast, hpa, s, awsTargetTracking, blocks);
    } else if (settings instanceof AwsTargetTrackingPolicy s) {
      return new SimulationPolicies(ballast, hpa, knative, s, blocks);
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
      Config merged = ((ConfigObject) block).toConfig().withFallback(blocks.getConfig(name));
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
}
