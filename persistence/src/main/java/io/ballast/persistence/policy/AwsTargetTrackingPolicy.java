package io.ballast.persistence.policy;

import java.time.Duration;

/**
 * AWS EC2 Auto Scaling target tracking, modelled for comparison and migration: one-minute metric periods,
 * scale out when 3 consecutive periods breach the target, scale in when 15 consecutive periods are below
 * {@code scaleInThreshold} times the target; instances in warm-up are left out of the metric and block
 * scale-in.
 *
 * @param metric what is tracked
 * @param target the target: a utilization in (0, 1] for CPU, requests per target per period otherwise
 */
public record AwsTargetTrackingPolicy(
    int minInstances,
    int maxInstances,
    Metric metric,
    double target,
    Duration period,
    int scaleOutDatapoints,
    int scaleInDatapoints,
    double scaleInThreshold,
    Duration instanceWarmup)
    implements PolicySettings {

  public static final String KIND = "aws-target-tracking";

  public enum Metric {
    /** Average CPU utilization of the group (busy fraction). */
    CPU_UTILIZATION,
    /** ALBRequestCountPerTarget: requests per instance per period. */
    REQUEST_COUNT_PER_TARGET
  }

  public AwsTargetTrackingPolicy {
    Checks.bounds(minInstances, maxInstances);
    Checks.required("metric", metric);
    if (metric == Metric.CPU_UTILIZATION) {
      Checks.require(target > 0 && target <= 1, "target must be a utilization within (0, 1], was " + target);
    } else {
      Checks.positive("target", target);
    }
    Checks.positive("period", period);
    Checks.require(scaleOutDatapoints >= 1, "scale-out-datapoints must be >= 1, was " + scaleOutDatapoints);
    Checks.require(scaleInDatapoints >= 1, "scale-in-datapoints must be >= 1, was " + scaleInDatapoints);
    Checks.require(scaleInThreshold > 0 && scaleInThreshold < 1,
        "scale-in-threshold must be within (0, 1), was " + scaleInThreshold);
    Checks.nonNegative("instance-warmup", instanceWarmup);
  }

  /** AWS's managed alarms (3 and 15 one-minute datapoints, scale in below 90 % of target) and a 300 s warm-up. */
  public static AwsTargetTrackingPolicy defaults(Metric metric, double target) {
    return new AwsTargetTrackingPolicy(1, 100, metric, target, Duration.ofSeconds(60), 3, 15, 0.9,
        Duration.ofSeconds(300));
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Duration history() {
    Duration datapoints = period.multipliedBy(Math.max(scaleOutDatapoints, scaleInDatapoints) + 1L);
    return datapoints.compareTo(instanceWarmup) >= 0 ? datapoints : instanceWarmup;
  }
}
