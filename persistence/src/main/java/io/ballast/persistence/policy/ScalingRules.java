package io.ballast.persistence.policy;

import io.ballast.persistence.CborSerializable;
import java.time.Duration;
import java.util.List;

/**
 * How fast one direction (up or down) may move, as in Kubernetes' {@code behavior.scaleUp/scaleDown}.
 *
 * @param stabilizationWindow recommendations within this window are considered together: scaling down takes
 *     the highest of them, scaling up the lowest, so one noisy window does not move the count
 * @param policies rate policies; empty means no rate limit
 * @param select which policy wins when several apply
 */
public record ScalingRules(Duration stabilizationWindow, List<RatePolicy> policies, Select select)
    implements CborSerializable {

  public ScalingRules {
    Checks.nonNegative("stabilization-window", stabilizationWindow);
    policies = List.copyOf(Checks.required("policies", policies));
    Checks.required("select", select);
  }

  /** The longest rate policy period, or zero. */
  public Duration longestPeriod() {
    return policies.stream().map(RatePolicy::period).max(Duration::compareTo).orElse(Duration.ZERO);
  }
}
