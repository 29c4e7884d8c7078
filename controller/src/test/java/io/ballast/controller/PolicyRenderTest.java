package io.ballast.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ballast.persistence.policy.AwsTargetTrackingPolicy;
import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.policy.HpaPolicy;
import io.ballast.persistence.policy.KnativePolicy;
import io.ballast.persistence.policy.PolicySettings;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the admin API shows of a policy reads back, through the config reader, to the same policy. */
class PolicyRenderTest {

  private static final Config KINDS =
      Node.configuration(ConfigFactory.empty()).getConfig("ballast.policy.kinds");

  static Stream<Arguments> policies() {
    BallastPolicy d = BallastPolicy.defaults();
    return Stream.of(
        Arguments.of("Ballast's defaults", d),
        Arguments.of("Ballast's policy with every optional setting set",
            new BallastPolicy(3, 70, new BallastPolicy.Targets(120.0, 8.0, 0.6, 250.0), 0.05, 0.2,
                java.time.Duration.ofMillis(1500), d.scaleUp(), d.scaleDown(), d.panic(), d.warmUp(), d.cooldown(),
                new BallastPolicy.MetricOutage(java.time.Duration.ofMinutes(3), 12),
                new BallastPolicy.Shedding(true, 300.0, 0.85, 0.05, 1.5, java.time.Duration.ofMinutes(2)))),
        Arguments.of("the HPA model", HpaPolicy.defaults(HpaPolicy.Metric.CPU_UTILIZATION, 0.7)),
        Arguments.of("the Knative model", KnativePolicy.defaults(KnativePolicy.Metric.REQUESTS_PER_SECOND)),
        Arguments.of("the AWS target tracking model",
            AwsTargetTrackingPolicy.defaults(AwsTargetTrackingPolicy.Metric.CPU_UTILIZATION, 0.5)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void a_rendered_policy_reads_back_the_same(String name, PolicySettings policy) {
    Map<String, Object> rendered = PolicyRender.render(policy);

    assertThat(PolicyConfig.parse("policy", ConfigFactory.parseMap(rendered), KINDS)).isEqualTo(policy);
  }

  @Test
  void keys_are_those_of_the_configuration() {
    Map<String, Object> rendered = PolicyRender.render(BallastPolicy.defaults());

    assertThat(rendered).containsKeys("kind", "min-instances", "max-instances", "stable-window", "scale-up",
        "metric-outage", "shedding");
    assertThat(PolicyRender.kebab("latencyP99Ms")).isEqualTo("latency-p99-ms");
    assertThat(rendered.get("stable-window")).isEqualTo("60s");
  }
}
