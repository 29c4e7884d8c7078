package io.ballast.controller.policy;

import static io.ballast.controller.Observations.ready;
import static io.ballast.controller.Observations.window;
import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.PolicySettings;
import io.ballast.persistence.event.Reason;
import io.ballast.persistence.event.Reason.Code;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.state.ServiceState;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TargetTrackingTest {

  private static final PolicySettings POLICY = new PolicySettings(2, 20, 100, 0.1);

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("scales up to ceil(offered / target) when load is 50% over target",
            decided(10), window(0, 1500, ready(10)), 15, Code.TRACKING_TARGET),
        Arguments.of("scales down when load is 30% under target",
            decided(10), window(0, 700, ready(10)), 7, Code.TRACKING_TARGET),
        Arguments.of("holds while load is within 10% over target",
            decided(10), window(0, 1090, ready(10)), 10, Code.WITHIN_TOLERANCE),
        Arguments.of("holds while load is within 10% under target",
            decided(10), window(0, 910, ready(10)), 10, Code.WITHIN_TOLERANCE),
        Arguments.of("is limited by max-instances",
            decided(10), window(0, 5000, ready(10)), 20, Code.LIMITED_BY_MAX),
        Arguments.of("is limited by min-instances when traffic stops",
            decided(10), window(0, 0, ready(10)), 2, Code.LIMITED_BY_MIN),
        Arguments.of("counts booting and warming instances as capacity, so a surge is not answered twice",
            decided(15), window(0, 1500, new InstanceCounts(10, 3, 2, 0)), 15, Code.WITHIN_TOLERANCE),
        Arguments.of("holds the instances there are, not an older decision, while they fit the load",
            decided(4), window(0, 1000, ready(10)), 10, Code.WITHIN_TOLERANCE),
        Arguments.of("does not count draining instances",
            decided(10), window(0, 1000, new InstanceCounts(8, 0, 0, 4)), 10, Code.TRACKING_TARGET),
        Arguments.of("decides from the desired count when nobody reports instances",
            decided(10), window(0, 1500, null), 15, Code.TRACKING_TARGET),
        Arguments.of("sizes the first decision from demand alone",
            ServiceState.initial(), window(0, 830, null), 9, Code.TRACKING_TARGET),
        Arguments.of("does not ask for one more instance for float noise",
            decided(10), window(0, 1000.0000000001, ready(5)), 10, Code.TRACKING_TARGET));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String name, ServiceState state, MetricsObserved window, int expected, Code code) {
    Decision decision = new TargetTracking().decide(state, window, POLICY);

    assertThat(decision.desiredInstances()).isEqualTo(expected);
    assertThat(decision.reason().code()).isEqualTo(code);
  }

  @org.junit.jupiter.api.Test
  void explainsTheNumbersBehindADecision() {
    Decision decision = new TargetTracking().decide(decided(10), window(0, 5000, ready(10)), POLICY);

    assertThat(decision.reason()).isEqualTo(
        new Reason(Code.LIMITED_BY_MAX, Reason.Signal.REQUESTS_PER_INSTANCE, 500, 100, 50));
    assertThat(decision.reason().explain())
        .isEqualTo("requests per instance 500.0 vs target 100.0 recommends 50; limited by max-instances");
  }

  static ServiceState decided(int desired) {
    return ServiceState.initial().apply(new ScaleDecided(window(-5, 0, null).windowEnd(), 0, desired,
        new Reason(Code.TRACKING_TARGET, Reason.Signal.REQUESTS_PER_INSTANCE, 0, 100, desired)));
  }
}
