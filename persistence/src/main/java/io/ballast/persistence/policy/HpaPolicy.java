package io.ballast.persistence.policy;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Kubernetes HorizontalPodAutoscaler (autoscaling/v2) with {@code spec.behavior}, modelled for comparison
 * and migration. Defaults are Kubernetes' own: 15 s sync, tolerance 0.1, scale up by 4 pods or 100 % per 15 s
 * (whichever is more), scale down by 100 % per 15 s after a 300 s stabilization window.
 *
 * @param metric what the HPA tracks
 * @param target the metric's target: a utilization in (0, 1] for CPU, requests per second per pod otherwise
 */
public record HpaPolicy(
    int minInstances,
    int maxInstances,
    Metric metric,
    double target,
    Duration syncPeriod,
    double tolerance,
    ScalingRules scaleUp,
    ScalingRules scaleDown)
    implements PolicySettings {

  public static final String KIND = "hpa";

  public enum Metric {
    /** Average CPU utilization of ready pods against their request (busy fraction). */
    CPU_UTILIZATION,
    /** Requests per second per pod, as a Pods / AverageValue custom metric. */
    REQUESTS_PER_INSTANCE
  }

  public HpaPolicy {
    Checks.bounds(minInstances, maxInstances);
    // The API allows minReplicas 0 only with an Object or External metric (HPAScaleToZero); with a Resource or
    // Pods metric an HPA at 0 replicas has no pods to measure and would stay there.
    Checks.require(minInstances >= 1, "min-instances must be >= 1 for an hpa policy (Kubernetes allows "
        + "minReplicas 0 only with an Object or External metric), was " + minInstances);
    Checks.required("metric", metric);
    if (metric == Metric.CPU_UTILIZATION) {
      Checks.require(target > 0 && target <= 1, "target must be a utilization within (0, 1], was " + target);
    } else {
      Checks.positive("target", target);
    }
    Checks.positive("sync-period", syncPeriod);
    Checks.require(tolerance >= 0 && tolerance < 1, "tolerance must be within [0, 1), was " + tolerance);
    Checks.required("scale-up", scaleUp);
    Checks.required("scale-down", scaleDown);
  }

  /** Kubernetes' defaults around the given metric and target. */
  public static HpaPolicy defaults(Metric metric, double target) {
    return new HpaPolicy(1, 100, metric, target, Duration.ofSeconds(15), 0.1,
        new ScalingRules(Duration.ZERO,
            List.of(RatePolicy.pods(4, Duration.ofSeconds(15)), RatePolicy.percent(100, Duration.ofSeconds(15))),
            Select.MAX),
        new ScalingRules(Duration.ofSeconds(300), List.of(RatePolicy.percent(100, Duration.ofSeconds(15))),
            Select.MAX));
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Duration history() {
    return Stream.of(syncPeriod, scaleUp.stabilizationWindow(), scaleDown.stabilizationWindow(),
        scaleUp.longestPeriod(), scaleDown.longestPeriod()).max(Duration::compareTo).orElseThrow();
  }
}
