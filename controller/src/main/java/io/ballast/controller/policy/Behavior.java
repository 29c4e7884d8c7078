package io.ballast.controller.policy;

import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.policy.RatePolicy;
import io.ballast.persistence.policy.ScalingRules;
import io.ballast.persistence.policy.Select;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Kubernetes' autoscaling/v2 {@code behavior}: stabilization windows and rate policies, computed from the
 * decisions in the state. {@link HpaModel} uses it to be the HPA; {@link ScaleAndShed} uses it because users
 * already know what these settings mean.
 *
 * <p>Source: kubernetes/kubernetes {@code pkg/controller/podautoscaler/horizontal.go}
 * ({@code stabilizeRecommendationWithBehaviors}, {@code calculateScaleUpLimitWithScalingRules},
 * {@code calculateScaleDownLimitWithBehaviors}, {@code getReplicasChangePerPeriod}).
 */
final class Behavior {

  private Behavior() {}

  /**
   * The lowest recommendation of the scale-up window and the highest of the scale-down window (both including
   * {@code recommended}), and the current count moved into that range: {@code min(max(current, up), down)}.
   * Decisions with {@code recommended < 0} made no recommendation and are skipped.
   */
  static int stabilize(ServiceState state, Instant now, ScalingRules scaleUp, ScalingRules scaleDown, int current,
      int recommended) {
    Instant upSince = now.minus(scaleUp.stabilizationWindow());
    Instant downSince = now.minus(scaleDown.stabilizationWindow());
    Instant since = upSince.isBefore(downSince) ? upSince : downSince;
    int up = recommended;
    int down = recommended;
    List<ScaleDecided> decisions = state.recentDecisions();
    for (int i = decisions.size() - 1; i >= 0; i--) {
      ScaleDecided d = decisions.get(i);
      if (!d.at().isAfter(since)) {
        break;
      }
      int rec = d.reason().recommended();
      if (rec < 0) {
        continue;
      }
      if (d.at().isAfter(upSince)) {
        up = Math.min(up, rec);
      }
      if (d.at().isAfter(downSince)) {
        down = Math.max(down, rec);
      }
    }
    return Math.min(Math.max(current, up), down);
  }

  /** The most instances scaling up may reach now; {@code current} when disabled, unbounded without policies. */
  static int scaleUpLimit(ServiceState state, Instant now, ScalingRules rules, int current) {
    if (rules.select() == Select.DISABLED) {
      return current;
    }
    if (rules.policies().isEmpty()) {
      return Integer.MAX_VALUE;
    }
    boolean min = rules.select() == Select.MIN;
    int result = min ? Integer.MAX_VALUE : Integer.MIN_VALUE;
    for (RatePolicy p : rules.policies()) {
      int start = periodStart(state, now, p.period(), current);
      int allowed = p.type() == RatePolicy.Type.PODS ? start + p.value() : (int) Math.ceil(start * (1 + p.value() / 100.0));
      result = min ? Math.min(result, allowed) : Math.max(result, allowed);
    }
    return result;
  }

  /** The fewest instances scaling down may reach now; {@code current} when disabled, unbounded without policies. */
  static int scaleDownLimit(ServiceState state, Instant now, ScalingRules rules, int current) {
    if (rules.select() == Select.DISABLED) {
      return current;
    }
    if (rules.policies().isEmpty()) {
      return Integer.MIN_VALUE;
    }
    boolean min = rules.select() == Select.MIN;
    int result = min ? Integer.MIN_VALUE : Integer.MAX_VALUE;
    for (RatePolicy p : rules.policies()) {
      int start = periodStart(state, now, p.period(), current);
      int allowed = p.type() == RatePolicy.Type.PODS ? start - p.value() : (int) (start * (1 - p.value() / 100.0));
      result = min ? Math.max(result, allowed) : Math.min(result, allowed);
    }
    return result;
  }

  /**
   * The count at the start of a rate policy's period: {@code current − added + removed} over the changes decided
   * strictly after {@code now − period}.
   */
  static int periodStart(ServiceState state, Instant now, Duration period, int current) {
    Instant since = now.minus(period);
    int added = 0;
    int removed = 0;
    List<ScaleDecided> decisions = state.recentDecisions();
    for (int i = decisions.size() - 1; i >= 0; i--) {
      ScaleDecided d = decisions.get(i);
      if (!d.at().isAfter(since)) {
        break;
      }
      int change = d.to() - d.from();
      added += Math.max(0, change);
      removed += Math.max(0, -change);
    }
    return current - added + removed;
  }
}
