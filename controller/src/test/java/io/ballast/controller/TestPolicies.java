package io.ballast.controller;

import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.policy.RatePolicy;
import io.ballast.persistence.policy.ScalingRules;
import io.ballast.persistence.policy.Select;
import java.time.Duration;
import java.util.List;

/** Policies for tests of the parts around the policy: predictable, one window of smoothing, no shedding. */
public final class TestPolicies {

  private TestPolicies() {}

  /** Track {@code target} requests per second per instance within 10 %, in [min, max]; nothing else. */
  public static BallastPolicy tracking(int min, int max, double target) {
    BallastPolicy d = BallastPolicy.defaults();
    return new BallastPolicy(min, max, new BallastPolicy.Targets(target, null, null, null), 0.1, 0.1,
        Duration.ofSeconds(1),
        new ScalingRules(Duration.ZERO, List.of(RatePolicy.percent(1000, Duration.ofSeconds(15))), Select.MAX),
        new ScalingRules(Duration.ZERO, List.of(), Select.MAX),
        new BallastPolicy.Panic(false, d.panic().window(), d.panic().threshold(), d.panic().exitAfter()),
        d.warmUp(), d.cooldown(), d.metricOutage(),
        new BallastPolicy.Shedding(false, null, 0.9, 0.05, 0, Duration.ofSeconds(30)));
  }
}
