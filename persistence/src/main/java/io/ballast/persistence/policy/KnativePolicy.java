package io.ballast.persistence.policy;

import java.time.Duration;

/**
 * The Knative Pod Autoscaler (KPA), modelled for comparison and migration. Defaults are Knative's
 * {@code config-autoscaler}: 60 s stable window, panic window 10 % of it, panic threshold 200 %, target
 * utilization 70 %, max scale-up rate 1000, max scale-down rate 2, a decision every 2 s.
 *
 * @param metric concurrency (requests in flight per pod) or requests per second per pod
 * @param target the per-pod target before utilization (container-concurrency-target-default 100, or
 *     requests-per-second-target-default 200)
 */
public record KnativePolicy(
    int minInstances,
    int maxInstances,
    Metric metric,
    double target,
    double targetUtilization,
    Duration stableWindow,
    double panicWindowPercentage,
    double panicThresholdPercentage,
    double maxScaleUpRate,
    double maxScaleDownRate,
    Duration tickInterval,
    Duration scaleDownDelay)
    implements PolicySettings {

  public static final String KIND = "knative";

  public enum Metric { CONCURRENCY, REQUESTS_PER_SECOND }

  public KnativePolicy {
    Checks.bounds(minInstances, maxInstances);
    Checks.required("metric", metric);
    Checks.require(target >= 0.01 && Double.isFinite(target), "target must be >= 0.01, was " + target);
    Checks.require(targetUtilization > 0 && targetUtilization <= 1,
        "target-utilization must be within (0, 1], was " + targetUtilization);
    Checks.positive("stable-window", stableWindow);
    Checks.require(stableWindow.compareTo(Duration.ofSeconds(6)) >= 0 && stableWindow.compareTo(Duration.ofHours(1)) <= 0
        && stableWindow.toMillis() % 1000 == 0, "stable-window must be whole seconds within [6s, 1h], was " + stableWindow);
    Checks.require(panicWindowPercentage >= 1 && panicWindowPercentage <= 100,
        "panic-window-percentage must be within [1, 100], was " + panicWindowPercentage);
    Checks.require(panicThresholdPercentage >= 110 && panicThresholdPercentage <= 1000,
        "panic-threshold-percentage must be within [110, 1000], was " + panicThresholdPercentage);
    Checks.require(maxScaleUpRate > 1, "max-scale-up-rate must be > 1, was " + maxScaleUpRate);
    Checks.require(maxScaleDownRate > 1, "max-scale-down-rate must be > 1, was " + maxScaleDownRate);
    Checks.positive("tick-interval", tickInterval);
    Checks.nonNegative("scale-down-delay", scaleDownDelay);
  }

  /** Knative's defaults around the given metric. */
  public static KnativePolicy defaults(Metric metric) {
    return new KnativePolicy(1, 100, metric, metric == Metric.CONCURRENCY ? 100 : 200, 0.7, Duration.ofSeconds(60),
        10, 200, 1000, 2, Duration.ofSeconds(2), Duration.ZERO);
  }

  /** The panic window: panic-window-percentage of the stable window, at least one second. */
  public Duration panicWindow() {
    return Duration.ofMillis(Math.max(1000, (long) (stableWindow.toMillis() * panicWindowPercentage / 100)));
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Duration history() {
    Duration longest = stableWindow.compareTo(scaleDownDelay) >= 0 ? stableWindow : scaleDownDelay;
    return longest.plus(tickInterval);
  }
}
