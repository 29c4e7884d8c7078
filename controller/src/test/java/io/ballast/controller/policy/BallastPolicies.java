package io.ballast.controller.policy;

import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.policy.RatePolicy;
import io.ballast.persistence.policy.ScalingRules;
import io.ballast.persistence.policy.Select;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** A test's Ballast policy: simple defaults, each changed in place by name. */
final class BallastPolicies {

  int min = 2;
  int max = 50;
  BallastPolicy.Targets targets = new BallastPolicy.Targets(100.0, null, null, null);
  double toleranceUp = 0.1;
  double toleranceDown = 0.1;
  Duration stableWindow = Duration.ofSeconds(5);
  ScalingRules scaleUp = new ScalingRules(Duration.ZERO,
      List.of(RatePolicy.pods(4, Duration.ofSeconds(15)), RatePolicy.percent(100, Duration.ofSeconds(15))), Select.MAX);
  ScalingRules scaleDown = new ScalingRules(Duration.ofSeconds(60),
      List.of(RatePolicy.percent(100, Duration.ofSeconds(15))), Select.MAX);
  BallastPolicy.Panic panic = new BallastPolicy.Panic(false, Duration.ofSeconds(5), 2.0, Duration.ofSeconds(30));
  BallastPolicy.WarmUp warmUp = new BallastPolicy.WarmUp(0.5);
  BallastPolicy.Cooldown cooldown = new BallastPolicy.Cooldown(Duration.ZERO, Duration.ZERO);
  BallastPolicy.MetricOutage outage = new BallastPolicy.MetricOutage(Duration.ofSeconds(60), null);
  BallastPolicy.Shedding shedding = new BallastPolicy.Shedding(true, 100.0, 1.0, 0.05, 0, Duration.ofSeconds(30));

  BallastPolicy build() {
    return new BallastPolicy(min, max, targets, toleranceUp, toleranceDown, stableWindow, scaleUp, scaleDown, panic,
        warmUp, cooldown, outage, shedding);
  }

  static BallastPolicy base() {
    return new BallastPolicies().build();
  }

  static BallastPolicy with(Consumer<BallastPolicies> change) {
    BallastPolicies p = new BallastPolicies();
    change.accept(p);
    return p.build();
  }
}
