package io.ballast.controller.policy;

import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.event.Reason;
import io.ballast.persistence.event.Reason.Code;
import io.ballast.persistence.event.Reason.Limit;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.policy.HpaPolicy;
import io.ballast.persistence.policy.RatePolicy;
import io.ballast.persistence.policy.ScalingRules;
import io.ballast.persistence.policy.Select;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The Kubernetes HorizontalPodAutoscaler (autoscaling/v2) with {@code spec.behavior}, one metric.
 *
 * <p>Source: kubernetes/kubernetes {@code pkg/controller/podautoscaler/horizontal.go} ({@code reconcileAutoscaler},
 * {@code stabilizeRecommendationWithBehaviors}, {@code convertDesiredReplicasWithBehaviorRate},
 * {@code calculateScaleUpLimitWithScalingRules}, {@code calculateScaleDownLimitWithBehaviors}),
 * {@code replica_calculator.go} ({@code GetResourceReplicas}, {@code calcPlainMetricReplicas}, {@code groupPods}),
 * {@code metrics/utilization.go}; defaults from {@code pkg/apis/autoscaling/v2/defaults.go} and
 * {@code config/v1alpha1/defaults.go}; docs
 * https://kubernetes.io/docs/concepts/workloads/autoscaling/horizontal-pod-autoscale/.
 * Notes: /work/shared/reference/autoscalers.md §1.
 *
 * <p>Every sync period: {@code currentReplicas} is the latest desired count; 0 with min-instances above 0 means
 * autoscaling is disabled; a count outside [min, max] is moved to the bound without reading metrics; otherwise the
 * replica calculator proposes a count (tolerance, fast path, conservative recompute), and the proposal is
 * stabilized (lowest of the scale-up window, highest of the scale-down window, both including it), rate-limited
 * (period start = current − added + removed within each policy's period; select max / min / disabled) and bounded.
 * Every proposal is kept in {@link Reason#recommended()}: the stabilization windows are read back from there, the
 * scale events of the rate policies from the decisions whose count changed.
 *
 * <p>Where this simplifies the real HPA:
 * <ul>
 *   <li>Pods are counted, not listed: warming and booting instances are the "unready" pods (the real HPA sets a
 *       pod aside only while it is Pending, not Ready, or, for CPU, inside the 5 min initialization period without
 *       a sample taken after it became ready). No pod is ever "missing" a metric, because Ballast reports
 *       aggregates; the missing-pod branch of the calculator is implemented and tested, but fed 0. When nobody ever
 *       reported instance counts, the current replicas are taken as ready.</li>
 *   <li>CPU utilization is the busy fraction the instances report ({@code window.cpu()}), taken as the ready pods'
 *       usage against their request (utilization = floor(100 × busy fraction)); requests per instance are the
 *       offered requests divided by the ready pods, as a Pods / AverageValue metric. The metric at a sync is the
 *       time-weighted mean over the windows of the last sync period (metrics-server's resolution), not a sample
 *       with its own timestamp and window, and without the kubelet / metrics-server reporting lag.</li>
 *   <li>One metric, so the multi-metric max rule and the partial-failure rule reduce to "no metric: hold".
 *       Per-direction tolerances (1.33+) are one {@code tolerance}; the legacy normalization for an HPA without
 *       {@code behavior} is not modelled (the settings always carry behavior); empty rate policy lists mean no rate
 *       limit (Kubernetes requires at least one policy).</li>
 *   <li>The sync cadence is re-anchored at the first sync that produces a proposal after one that did not (no
 *       metric, count out of bounds, disabled): such syncs record {@code recommended = -1}, as the real HPA records
 *       no recommendation there, so the next window evaluates again. The real controller keeps its 15 s resync.</li>
 *   <li>The controller's in-memory recommendations survive restarts here (they are events); the real HPA re-seeds
 *       them with the current count after a controller restart. The HPA's status conditions and events are not
 *       produced; the {@link Reason} carries the same information.</li>
 * </ul>
 */
public final class HpaModel implements Policy<HpaPolicy> {

  /** Guards floor() against binary fractions such as 0.29 × 100 = 28.999999999999996. */
  private static final double EPSILON = 1e-9;

  @Override
  public Decision decide(ServiceState state, MetricsObserved window, HpaPolicy s) {
    Instant now = window.windowEnd();
    if (!Lookback.isEvaluationPoint(state, now, s.syncPeriod())) {
      return Lookback.betweenPeriods(state);
    }
    Reason.Signal signal = s.metric() == HpaPolicy.Metric.CPU_UTILIZATION
        ? Reason.Signal.CPU_UTILIZATION : Reason.Signal.REQUESTS_PER_INSTANCE;
    InstanceCounts reported = Lookback.instances(state, window);
    int current = Lookback.currentInstances(state, reported, s.minInstances());

    if (current == 0 && s.minInstances() != 0) {
      // "scaling is disabled since the replica count of the target is zero" (implicit maintenance mode)
      return Decision.scaleOnly(0, Mode.NORMAL, new Reason(Code.SCALE_UP_DISABLED, signal, 0, s.target(), -1));
    }
    if (current > s.maxInstances()) {
      return bounded(s.maxInstances(), Code.LIMITED_BY_MAX, signal, s.target());
    }
    if (current < s.minInstances()) {
      return bounded(s.minInstances(), Code.LIMITED_BY_MIN, signal, s.target());
    }

    InstanceCounts counts = Lookback.countsOrAssumed(reported, current);
    int ready = counts.ready();
    int unready = counts.warming() + counts.booting();
    Instant from = now.minus(s.syncPeriod());
    List<MetricsObserved> windows = Lookback.windowsSince(state, window, from);
    OptionalDouble usage = s.metric() == HpaPolicy.Metric.CPU_UTILIZATION
        ? Lookback.mean(windows, from, now, Lookback::cpu)
        : Lookback.mean(windows, from, now, Lookback::requestRate);
    if (usage.isEmpty() || ready == 0) {
      // "did not receive metrics for any ready pods": FailedGetResourceMetric, no rescale
      return Decision.scaleOnly(current, Mode.METRIC_OUTAGE,
          new Reason(Code.METRIC_OUTAGE_HOLD, signal, 0, s.target(), -1));
    }
    double perPod = s.metric() == HpaPolicy.Metric.CPU_UTILIZATION ? usage.getAsDouble() : usage.getAsDouble() / ready;

    int proposal = replicas(s.metric(), s.target(), s.tolerance(), current, ready, unready, 0, perPod);
    return normalize(state, now, s, current, proposal, signal, perPod);
  }

  private static Decision bounded(int bound, Code code, Reason.Signal signal, double target) {
    return Decision.scaleOnly(bound, Mode.NORMAL,
        new Reason(code, signal, 0, target, -1, List.of(new Limit(code, bound))));
  }

  /**
   * {@code replica_calculator.go}: the replica count the metric asks for. Ready pods carry {@code perPodUsage} on
   * average; on a scale-up, unready pods are counted at 0, and missing pods too; on a scale-down, missing pods are
   * counted at the target (CPU: at {@code max(100 %, target)} of their request). If that recomputation lands
   * within the tolerance or flips the direction, or the count would move against the direction, the current count
   * stays.
   *
   * @param perPodUsage the mean over ready pods: a busy fraction for CPU, requests per second otherwise
   */
  static int replicas(HpaPolicy.Metric metric, double target, double tolerance, int current, int ready, int unready,
      int missing, double perPodUsage) {
    double readyTotal = perPodUsage * ready;
    double ratio = usageRatio(metric, target, readyTotal, ready);
    boolean scaleUpWithUnready = unready > 0 && ratio > 1.0;
    if (!scaleUpWithUnready && missing == 0) {
      if (isWithin(ratio, tolerance)) {
        return current;
      }
      return (int) Math.ceil(ratio * ready);
    }
    double total = readyTotal;
    int pods = ready;
    if (missing > 0) {
      if (ratio < 1.0) {
        double fallback = metric == HpaPolicy.Metric.CPU_UTILIZATION ? Math.max(1.0, target) : target;
        total += fallback * missing;
        pods += missing;
      } else if (ratio > 1.0) {
        pods += missing;
      }
    }
    if (scaleUpWithUnready) {
      pods += unready;
    }
    double newRatio = usageRatio(metric, target, total, pods);
    if (isWithin(newRatio, tolerance) || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0)) {
      return current;
    }
    int next = (int) Math.ceil(newRatio * pods);
    if ((newRatio < 1.0 && next > current) || (newRatio > 1.0 && next < current)) {
      return current;
    }
    return next;
  }

  /**
   * Usage over target as the HPA computes it: CPU in whole percent of request
   * ({@code utilization = floor(100 × Σusage / Σrequest)}, {@code metrics/utilization.go}), other metrics as the
   * mean in whole milli-units ({@code GetMetricUsageRatio}).
   */
  static double usageRatio(HpaPolicy.Metric metric, double target, double total, int pods) {
    double units = metric == HpaPolicy.Metric.CPU_UTILIZATION ? 100 : 1000;
    return Math.floor(units * total / pods + EPSILON) / (units * target);
  }

  /** {@code (1 − tolerance) ≤ ratio ≤ (1 + tolerance)}, as the configurable-tolerance code writes it. */
  static boolean isWithin(double ratio, double tolerance) {
    return 1.0 - tolerance <= ratio && ratio <= 1.0 + tolerance;
  }

  /** {@code normalizeDesiredReplicasWithBehaviors}: stabilize, then rate-limit and bound. */
  private static Decision normalize(ServiceState state, Instant now, HpaPolicy s, int current, int proposal,
      Reason.Signal signal, double observed) {
    List<Limit> limits = new ArrayList<>();
    int stabilized = Behavior.stabilize(state, now, s.scaleUp(), s.scaleDown(), current, proposal);
    if (stabilized != proposal) {
      limits.add(new Limit(proposal >= current ? Code.SCALE_UP_STABILIZED : Code.SCALE_DOWN_STABILIZED, stabilized));
    }
    int desired = stabilized;
    if (desired > current) {
      int limit = Math.max(current, Behavior.scaleUpLimit(state, now, s.scaleUp(), current));
      boolean rateBinds = s.maxInstances() > limit;
      int allowed = rateBinds ? limit : s.maxInstances();
      if (desired > allowed) {
        Code code = !rateBinds ? Code.LIMITED_BY_MAX
            : s.scaleUp().select() == Select.DISABLED ? Code.SCALE_UP_DISABLED : Code.SCALE_UP_RATE_LIMITED;
        limits.add(new Limit(code, allowed));
        desired = allowed;
      }
    } else if (desired < current) {
      int limit = Math.min(current, Behavior.scaleDownLimit(state, now, s.scaleDown(), current));
      boolean rateBinds = s.minInstances() < limit;
      int allowed = rateBinds ? limit : s.minInstances();
      if (desired < allowed) {
        Code code = !rateBinds ? Code.LIMITED_BY_MIN
            : s.scaleDown().select() == Select.DISABLED ? Code.SCALE_DOWN_DISABLED : Code.SCALE_DOWN_RATE_LIMITED;
        limits.add(new Limit(code, allowed));
        desired = allowed;
      }
    }
    Code code = !limits.isEmpty() ? limits.get(limits.size() - 1).rule()
        : proposal == current ? Code.WITHIN_TOLERANCE : Code.TRACKING_TARGET;
    return Decision.scaleOnly(desired, Mode.NORMAL, new Reason(code, signal, observed, s.target(), proposal, limits));
  }
}
