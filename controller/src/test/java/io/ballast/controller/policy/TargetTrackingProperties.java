package io.ballast.controller.policy;

import static io.ballast.controller.Observations.window;
import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.PolicySettings;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class TargetTrackingProperties {

  private final TargetTracking policy = new TargetTracking();

  @Property
  void desiredIsAlwaysWithinMinAndMax(
      @ForAll("policies") PolicySettings settings,
      @ForAll @IntRange(min = 0, max = 500) int desired,
      @ForAll @IntRange(min = 0, max = 500) int ready,
      @ForAll @DoubleRange(min = 0, max = 1e7) double offered) {
    var decision = policy.decide(TargetTrackingTest.decided(desired), window(0, offered, ready(ready)), settings);

    assertThat(decision.desiredInstances()).isBetween(settings.minInstances(), settings.maxInstances());
  }

  @Property
  void moreLoadNeverMeansFewerInstances(
      @ForAll("policies") PolicySettings settings,
      @ForAll @IntRange(min = 1, max = 500) int desired,
      @ForAll @IntRange(min = 0, max = 500) int ready,
      @ForAll @DoubleRange(min = 0, max = 1e6) double offered,
      @ForAll @DoubleRange(min = 0, max = 1e6) double more) {
    var state = TargetTrackingTest.decided(desired);
    var less = policy.decide(state, window(0, offered, ready(ready)), settings);
    var most = policy.decide(state, window(0, offered + more, ready(ready)), settings);

    assertThat(most.desiredInstances()).isGreaterThanOrEqualTo(less.desiredInstances());
  }

  @Property
  void constantLoadSettlesAfterOneDecision(
      @ForAll("policies") PolicySettings settings,
      @ForAll @IntRange(min = 1, max = 500) int desired,
      @ForAll @DoubleRange(min = 0, max = 1e5) double offered) {
    // Once the instances it asked for are there, the same load asks for the same count again.
    var first = policy.decide(TargetTrackingTest.decided(desired), window(0, offered, ready(desired)), settings);
    var settled = first.desiredInstances();
    var second = policy.decide(TargetTrackingTest.decided(settled), window(5, offered, ready(settled)), settings);

    assertThat(second.desiredInstances()).isEqualTo(settled);
  }

  @Provide
  Arbitrary<PolicySettings> policies() {
    Arbitrary<Integer> min = Arbitraries.integers().between(0, 50);
    Arbitrary<Integer> span = Arbitraries.integers().between(1, 200);
    Arbitrary<Double> target = Arbitraries.doubles().between(0.5, 5000);
    Arbitrary<Double> tolerance = Arbitraries.doubles().between(0, 0.5);
    return Combinators.combine(min, span, target, tolerance)
        .as((lo, width, t, tol) -> new PolicySettings(lo, lo + width, t, tol));
  }

  private static InstanceCounts ready(int n) {
    return new InstanceCounts(n, 0, 0, 0);
  }
}
