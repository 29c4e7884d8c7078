package io.ballast.controller.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.ballast.persistence.policy.AwsTargetTrackingPolicy;
import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.policy.HpaPolicy;
import io.ballast.persistence.policy.KnativePolicy;
import io.ballast.persistence.policy.PolicySettings;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The settings the live policies are simulated with, and overriding them. */
class SimulationPoliciesTest {

  private static final SimulationPolicies DEFAULTS = SimulationPolicies.defaults(SimulationConfig.defaults());

  static Stream<Arguments> settings() {
    BallastPolicy b = DEFAULTS.ballast();
    HpaPolicy h = DEFAULTS.hpa();
    KnativePolicy k = DEFAULTS.knative();
    AwsTargetTrackingPolicy a = DEFAULTS.awsTargetTracking();
    return Stream.of(
        Arguments.of("ballast targets 70 requests per instance", b.targets().requestsPerInstance(), 70.0),
        Arguments.of("ballast sheds knowing an instance serves 100 requests per second",
            b.shedding().instanceCapacityRps(), 100.0),
        Arguments.of("ballast otherwise keeps its defaults", b.scaleDown(), BallastPolicy.defaults().scaleDown()),
        Arguments.of("hpa tracks 70 % cpu", h.metric() + " " + h.target(), "CPU_UTILIZATION 0.7"),
        Arguments.of("knative tracks 100 requests per second at 70 % utilization",
            k.metric() + " " + k.target() + " " + k.targetUtilization(), "REQUESTS_PER_SECOND 100.0 0.7"),
        Arguments.of("aws tracks 70 % cpu", a.metric() + " " + a.target(), "CPU_UTILIZATION 0.7"),
        Arguments.of("aws warms instances up for boot plus warm-up", a.instanceWarmup(), Duration.ofSeconds(180)),
        Arguments.of("every policy ranges over 1 to 500 instances",
            Stream.of(b, h, k, a).map(s -> s.minInstances() + ".." + s.maxInstances()).distinct().toList(),
            java.util.List.of("1..500")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void theSimulationSettingsAreTheDefaultsWithTheBenchmarksTargets(String name, Object actual, Object expected) {
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void recordsReplaceTheSettingsOfTheirKind() {
    HpaPolicy rps = HpaPolicy.defaults(HpaPolicy.Metric.REQUESTS_PER_INSTANCE, 70);

    SimulationPolicies changed = DEFAULTS.with(rps);

    assertThat(changed.hpa()).isEqualTo(rps);
    assertThat(changed.ballast()).isEqualTo(DEFAULTS.ballast());
  }

  @Test
  void emptyBlocksReadThroughPolicyConfigLeaveEverySettingAsItWas() {
    SimulationPolicies read = DEFAULTS.overriddenBy("test.conf",
        ConfigFactory.parseString("ballast {}, hpa {}, knative {}, aws-target-tracking {}"));

    for (String name : SimulationPolicies.NAMES) {
      assertThat(read.forName(name)).as(name).isEqualTo(DEFAULTS.forName(name));
    }
  }

  @Test
  void aBlockChangesOnlyTheSettingsItNames() {
    SimulationPolicies read = DEFAULTS.overriddenBy("test.conf", ConfigFactory.parseString(
        "hpa.target = 0.6\n ballast { scale-down.stabilization-window = 120s, shedding.enabled = off }"));

    PolicySettings expectedHpa = new HpaPolicy(1, 500, HpaPolicy.Metric.CPU_UTILIZATION, 0.6,
        DEFAULTS.hpa().syncPeriod(), DEFAULTS.hpa().tolerance(), DEFAULTS.hpa().scaleUp(), DEFAULTS.hpa().scaleDown());
    assertThat(read.hpa()).isEqualTo(expectedHpa);
    assertThat(read.ballast().scaleDown().stabilizationWindow()).isEqualTo(Duration.ofSeconds(120));
    assertThat(read.ballast().shedding().enabled()).isFalse();
    assertThat(read.ballast().targets()).isEqualTo(DEFAULTS.ballast().targets());
    assertThat(read.knative()).isEqualTo(DEFAULTS.knative());
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
        Arguments.of("an unknown policy is refused", "kubernetes { target = 1 }", "unknown policy 'kubernetes'"),
        Arguments.of("a misspelt setting is refused by name", "hpa { targett = 0.6 }",
            "hpa.targett: unknown setting"),
        Arguments.of("a value out of range is refused by the record", "hpa.target = 1.5",
            "hpa: target must be a utilization within (0, 1]"),
        Arguments.of("a policy that is not a block is refused", "knative = 3", "knative must be a block"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void aBadPolicyFileIsRefusedWithTheSettingNamed(String name, String hocon, String message) {
    assertThatThrownBy(() -> DEFAULTS.overriddenBy("test.conf", ConfigFactory.parseString(hocon)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("test.conf: ")
        .hasMessageContaining(message);
  }
}
