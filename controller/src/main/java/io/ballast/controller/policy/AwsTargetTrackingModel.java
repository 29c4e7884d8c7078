package io.ballast.controller.policy;

import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.event.Reason;
import io.ballast.persistence.event.Reason.Code;
import io.ballast.persistence.event.Reason.Limit;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.policy.AwsTargetTrackingPolicy;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.DoublePredicate;

/**
 * AWS EC2 Auto Scaling target tracking: the two managed CloudWatch alarms and the capacity the policy sets when
 * one of them is in ALARM.
 *
 * <p>Source: awsdocs/amazon-ec2-auto-scaling-user-guide {@code doc_source/as-scaling-target-tracking.md},
 * {@code consolidated-view-of-warm-up-and-cooldown-settings.md}; awsdocs/application-auto-scaling-user-guide
 * "How target tracking works"
 * (https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html);
 * alarm shapes from aws-samples/amazon-aurora-labs-for-mysql#3, aws/aws-cdk#34472; warm-up example from AWS re:Post
 * as quoted in /work/shared/reference/evaluation.md §4 and §5.8. Notes: /work/shared/reference/autoscalers.md §4.
 *
 * <p>Every period (60 s): one datapoint, the metric over the period without the instances in warm-up, stored in
 * {@link Reason#observed()} of the decision at the period boundary ({@code -1} when there is no data). AlarmHigh
 * is in ALARM when the last {@code scale-out-datapoints} datapoints are all above the target; the policy then sets
 * {@code ceil(counted × metric / target)}, where counted leaves out the instances in warm-up, which count as
 * capacity already added (the count never goes below the current one). AlarmLow is in ALARM when the last
 * {@code scale-in-datapoints} datapoints are all below {@code scale-in-threshold × target}; the policy then removes
 * {@code floor(current − counted × metric / target)} instances (remove 1 for 1.5), but only when no instance is in
 * warm-up. Missing data is INSUFFICIENT_DATA: nothing happens. The group's min/max bound every period.
 *
 * <p>Where this simplifies the real service:
 * <ul>
 *   <li>Instances in warm-up are the warming and booting ones, and at least as many as this policy launched within
 *       the last {@code instance-warmup} (AWS times warm-up per instance from launch; Ballast reports states, and
 *       launches are read from the decisions). With CPU, the datapoint is the reported busy fraction, which may
 *       include warming instances (Ballast does not report CPU per instance); with request count per target, it is
 *       the requests observed in the period divided by the counted instances. When nobody ever reported instance
 *       counts, the current count is taken as running.</li>
 *   <li>Periods run from the model's first evaluation, not from the clock minute; the datapoint is the mean (CPU) or
 *       the sum (requests) over the windows inside the period, with no CloudWatch publication delay. The capacity
 *       is computed from the latest datapoint and the instance counts of the boundary window; the policy is
 *       re-run every period its alarm stays in ALARM, as AWS re-invokes it.</li>
 *   <li>A missing datapoint breaks a run of breaching datapoints (CloudWatch's TreatMissingData=missing can look past
 *       a few missing ones within its evaluation range).</li>
 *   <li>One target tracking policy (with several, AWS scales out if any wants to and in only if all do); no
 *       predictive, scheduled, step or simple scaling, no cooldowns (EC2 target tracking uses warm-up instead), no
 *       scale-in protection or DisableScaleIn. Launch and termination themselves are the actuator's business.
 *       A group at 0 instances has no datapoint and stays there, as a CPU-tracked group does.</li>
 * </ul>
 */
public final class AwsTargetTrackingModel implements Policy<AwsTargetTrackingPolicy> {

  /** {@link Reason#observed()} of a period without a datapoint. */
  static final double MISSING = -1;
  /** Guards ceil/floor against binary fractions such as 4 × 0.6 / 0.5 = 4.800000000000001. */
  private static final double EPSILON = 1e-9;

  @Override
  public Decision decide(ServiceState state, MetricsObserved window, AwsTargetTrackingPolicy s) {
    Instant now = window.windowEnd();
    if (!Lookback.isEvaluationPoint(state, now, s.period())) {
      return Lookback.betweenPeriods(state);
    }
    Reason.Signal signal = s.metric() == AwsTargetTrackingPolicy.Metric.CPU_UTILIZATION
        ? Reason.Signal.CPU_UTILIZATION : Reason.Signal.REQUESTS_PER_INSTANCE;
    InstanceCounts reported = Lookback.instances(state, window);
    int current = Lookback.currentInstances(state, reported, s.minInstances());
    InstanceCounts counts = Lookback.countsOrAssumed(reported, current);
    int inWarmup = inWarmup(state, s.minInstances(), counts, now, s.instanceWarmup());
    int counted = counts.provisioned() - inWarmup;
    double datapoint = datapoint(state, window, s, counted);

    List<Limit> limits = new ArrayList<>();
    int bounded = Math.max(s.minInstances(), Math.min(s.maxInstances(), current));
    if (bounded != current) {
      limits.add(new Limit(bounded > current ? Code.LIMITED_BY_MIN : Code.LIMITED_BY_MAX, bounded));
    }
    if (datapoint == MISSING) {
      return decision(bounded, Mode.METRIC_OUTAGE, Code.METRIC_OUTAGE_HOLD, signal, datapoint, s, bounded, limits);
    }

    List<Double> datapoints = new ArrayList<>();
    for (ScaleDecided d : Lookback.evaluations(state)) {
      datapoints.add(d.reason().observed());
    }
    datapoints.add(datapoint);
    double needed = counted * datapoint / s.target();

    if (lastAll(datapoints, s.scaleOutDatapoints(), p -> p > s.target())) {
      int wanted = (int) Math.ceil(needed - EPSILON);
      int desired = Math.max(bounded, wanted);
      if (desired > s.maxInstances()) {
        desired = s.maxInstances();
        limits.add(new Limit(Code.LIMITED_BY_MAX, desired));
      }
      Code code = wanted <= bounded ? Code.CAPACITY_ARRIVING : Code.TRACKING_TARGET;
      return decision(desired, Mode.NORMAL, code, signal, datapoint, s, wanted, limits);
    }
    double threshold = s.scaleInThreshold() * s.target();
    if (lastAll(datapoints, s.scaleInDatapoints(), p -> p >= 0 && p < threshold)) {
      if (inWarmup > 0) {
        return decision(bounded, Mode.NORMAL, Code.ALARM_NOT_TRIGGERED, signal, datapoint, s, bounded, limits);
      }
      int remove = Math.max(0, (int) Math.floor(bounded - needed + EPSILON));
      int wanted = bounded - remove;
      int desired = wanted;
      if (desired < s.minInstances()) {
        desired = s.minInstances();
        limits.add(new Limit(Code.LIMITED_BY_MIN, desired));
      }
      return decision(desired, Mode.NORMAL, Code.TRACKING_TARGET, signal, datapoint, s, wanted, limits);
    }
    return decision(bounded, Mode.NORMAL, Code.ALARM_NOT_TRIGGERED, signal, datapoint, s, bounded, limits);
  }

  private static Decision decision(int desired, Mode mode, Code code, Reason.Signal signal, double datapoint,
      AwsTargetTrackingPolicy s, int recommended, List<Limit> limits) {
    Code rule = limits.isEmpty() ? code : limits.get(limits.size() - 1).rule();
    return Decision.scaleOnly(desired, mode, new Reason(rule, signal, datapoint, s.target(), recommended, limits));
  }

  /**
   * The period's datapoint: CPU is the mean busy fraction over the period; requests per target are the requests
   * observed in the period divided by the instances not in warm-up. {@link #MISSING} when no window of the period
   * has data or every instance is in warm-up (no instance contributes to the aggregated metric).
   */
  static double datapoint(ServiceState state, MetricsObserved window, AwsTargetTrackingPolicy s, int counted) {
    if (counted <= 0) {
      return MISSING;
    }
    Instant now = window.windowEnd();
    Instant from = now.minus(s.period());
    List<MetricsObserved> windows = Lookback.windowsSince(state, window, from);
    OptionalDouble value = s.metric() == AwsTargetTrackingPolicy.Metric.CPU_UTILIZATION
        ? Lookback.mean(windows, from, now, Lookback::cpu)
        : Lookback.total(windows, from, now, Lookback::requestRate);
    if (value.isEmpty()) {
      return MISSING;
    }
    return s.metric() == AwsTargetTrackingPolicy.Metric.CPU_UTILIZATION ? value.getAsDouble()
        : value.getAsDouble() / counted;
  }

  /**
   * Instances in warm-up: the warming and booting ones, and at least as many as were launched within the
   * warm-up time (a launch is a decision that raised the count), but no more than there are.
   */
  static int inWarmup(ServiceState state, int minInstances, InstanceCounts counts, Instant now, Duration warmup) {
    Instant cutoff = now.minus(warmup);
    int launched = 0;
    for (ScaleDecided d : state.recentDecisions()) {
      if (d.at().isAfter(cutoff)) {
        launched += Math.max(0, d.to() - d.from());
      }
    }
    return Math.min(counts.provisioned(), Math.max(counts.warming() + counts.booting(), launched));
  }

  /** An alarm's "N out of N": the last {@code n} datapoints exist and all breach. */
  static boolean lastAll(List<Double> datapoints, int n, DoublePredicate breaches) {
    if (datapoints.size() < n) {
      return false;
    }
    for (int i = datapoints.size() - n; i < datapoints.size(); i++) {
      if (!breaches.test(datapoints.get(i))) {
        return false;
      }
    }
    return true;
  }
}
