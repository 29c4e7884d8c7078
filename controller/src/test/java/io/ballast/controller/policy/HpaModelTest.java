package io.ballast.controller.policy;

import static io.ballast.controller.policy.Trace.counts;
import static io.ballast.controller.policy.Trace.cpu;
import static io.ballast.controller.policy.Trace.ready;
import static io.ballast.controller.policy.Trace.requests;
import static io.ballast.controller.policy.Trace.silent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.event.Reason;
import io.ballast.persistence.event.Reason.Code;
import io.ballast.persistence.event.Reason.Signal;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.policy.HpaPolicy;
import io.ballast.persistence.policy.HpaPolicy.Metric;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.policy.RatePolicy;
import io.ballast.persistence.policy.ScalingRules;
import io.ballast.persistence.policy.Select;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HPA model against the numbers of the Kubernetes documentation and hand derivations from
 * {@code replica_calculator.go} / {@code horizontal.go}. Windows are 15 s (one per sync) unless a row says otherwise.
 */
class HpaModelTest {

  static final Policy<PolicySettings> HPA = (state, window, settings) ->
      new HpaModel().decide(state, window, (HpaPolicy) settings);

  /** Kubernetes' defaults: scale up by max(4 pods, 100 %) per 15 s, scale down 100 % per 15 s after 300 s. */
  static final HpaPolicy DEFAULTS = HpaPolicy.defaults(Metric.CPU_UTILIZATION, 0.8);

  static HpaPolicy cpuTarget(double target) {
    return HpaPolicy.defaults(Metric.CPU_UTILIZATION, target);
  }

  /** Requests per second per pod (a Pods / AverageValue metric), target 100. */
  static HpaPolicy rps(int min, int max) {
    return new HpaPolicy(min, max, Metric.REQUESTS_PER_INSTANCE, 100, Duration.ofSeconds(15), 0.1,
        DEFAULTS.scaleUp(), DEFAULTS.scaleDown());
  }

  static HpaPolicy rps(ScalingRules up, ScalingRules down) {
    return new HpaPolicy(1, 100, Metric.REQUESTS_PER_INSTANCE, 100, Duration.ofSeconds(15), 0.1, up, down);
  }

  static Stream<Arguments> decisions() {
    return Stream.of(
        row("docs: 50 replicas at 90 % CPU against a 75 % target scale to ceil(50 × 90 / 75) = 60",
            () -> Trace.of(HPA, cpuTarget(0.75)).feed(cpu(0, 15, 0.90, ready(50))).last(),
            60, Code.TRACKING_TARGET),
        row("docs: a ratio of 84 / 80 = 1.05 is within the 10 % tolerance, so 50 replicas stay",
            () -> Trace.of(HPA, cpuTarget(0.8)).feed(cpu(0, 15, 0.84, ready(50))).last(),
            50, Code.WITHIN_TOLERANCE),
        row("a ratio of exactly 88 / 80 = 1.1 is still within: (1 − tol) ≤ r ≤ (1 + tol) is inclusive",
            () -> Trace.of(HPA, cpuTarget(0.8)).feed(cpu(0, 15, 0.88, ready(50))).last(),
            50, Code.WITHIN_TOLERANCE),
        row("utilization is whole percent: 29.9 % is 29 %, ratio 29 / 50 = 0.58 on 10 pods asks ceil(5.8) = 6",
            () -> Trace.of(HPA, cpuTarget(0.5)).feed(cpu(0, 15, 0.299, ready(10))).last(),
            6, Code.TRACKING_TARGET),

        row("scale-down: at 300 s the recommendation of 10 made at 15 s is still in the 300 s window, 10 stay",
            () -> scaleDownStabilization().at(300), 10, Code.SCALE_DOWN_STABILIZED),
        row("scale-down: at 315 s the 10 has left the window; the highest left is the 8 of 30 s",
            () -> scaleDownStabilization().at(315), 8, Code.SCALE_DOWN_STABILIZED),
        row("scale-down: at 330 s only the 6s are left: 8 → 6, within the 100 % per 15 s scale-down policy",
            () -> scaleDownStabilization().at(330), 6, Code.TRACKING_TARGET),

        row("scale-up from 2 pods: 4 pods (2 + 4 = 6) allow more than 100 % (4), and select Max takes 6",
            () -> Trace.of(HPA, rps(1, 100)).feed(requests(0, 15, 2000, ready(2))).last(),
            6, Code.SCALE_UP_RATE_LIMITED),
        row("scale-up from 10 pods: 100 % (20) allows more than 4 pods (14), and select Max takes 20",
            () -> Trace.of(HPA, rps(1, 100)).feed(requests(0, 15, 4000, ready(10))).last(),
            20, Code.SCALE_UP_RATE_LIMITED),
        row("select Min takes the smaller allowance: 100 % of 2 = 4 rather than 2 + 4 = 6",
            () -> Trace.of(HPA, rps(new ScalingRules(Duration.ZERO, DEFAULTS.scaleUp().policies(), Select.MIN),
                DEFAULTS.scaleDown())).feed(requests(0, 15, 2000, ready(2))).last(),
            4, Code.SCALE_UP_RATE_LIMITED),
        row("a 60 s Pods-4 policy counts the 4 added at 15 s: period start 6 − 4 = 2, so 30 s holds at 2 + 4 = 6",
            () -> slowScaleUp().at(30), 6, Code.SCALE_UP_RATE_LIMITED),
        row("a 60 s Pods-4 policy: at 75 s the scale-up of 15 s is a full period old, so 6 + 4 = 10",
            () -> slowScaleUp().at(75), 10, Code.SCALE_UP_RATE_LIMITED),
        row("select Disabled on scale-down freezes the count even when 1 pod would do",
            () -> Trace.of(HPA, rps(DEFAULTS.scaleUp(), new ScalingRules(Duration.ZERO,
                DEFAULTS.scaleDown().policies(), Select.DISABLED))).feed(requests(0, 15, 100, ready(10))).last(),
            10, Code.SCALE_DOWN_DISABLED),

        row("max-instances caps 30 (3000 rps on 10 pods) at 12, below the rate limit of 20",
            () -> Trace.of(HPA, rps(1, 12)).feed(requests(0, 15, 3000, ready(10))).last(),
            12, Code.LIMITED_BY_MAX),
        row("min-instances holds 3 when 50 rps on 5 pods asks for 1",
            () -> Trace.of(HPA, rps(3, 100)).feed(requests(0, 15, 50, ready(5))).last(),
            3, Code.LIMITED_BY_MIN),
        row("120 replicas above max-instances 100 go to 100 without reading metrics",
            () -> Trace.of(HPA, rps(1, 100)).feed(silent(0, 15, ready(120))).last(),
            100, Code.LIMITED_BY_MAX),

        row("between syncs the count holds although load tripled (sync 15 s, windows 5 s)",
            () -> betweenSyncs().at(10), 10, Code.BETWEEN_PERIODS),
        row("the next sync, 15 s after the first, acts on the mean of the last 15 s: 30 asked, 100 % allows 20",
            () -> betweenSyncs().at(20), 20, Code.SCALE_UP_RATE_LIMITED),

        row("4 ready pods at 80 % of a 50 % target and 2 warming: counted at 0 %, 320 / 6 = 53 % is within "
                + "tolerance, so 6 stay (the ready pods alone would ask ceil(1.6 × 4) = 7)",
            () -> Trace.of(HPA, cpuTarget(0.5)).feed(cpu(0, 15, 0.80, counts(4, 2, 0))).last(),
            6, Code.WITHIN_TOLERANCE),
        row("2 ready pods at 100 % of a 50 % target and 4 booting: 200 / 6 = 33 % flips the direction, so 6 stay",
            () -> Trace.of(HPA, cpuTarget(0.5)).feed(cpu(0, 15, 1.0, counts(2, 0, 4))).last(),
            6, Code.WITHIN_TOLERANCE),
        row("unready pods do not hold back a scale-down: 2 ready at 10 % of 50 % ask ceil(0.2 × 2) = 1",
            () -> Trace.of(HPA, cpuTarget(0.5)).feed(cpu(0, 15, 0.10, counts(2, 1, 0))).last(),
            1, Code.TRACKING_TARGET),

        row("a sync without samples holds the count (FailedGetResourceMetric)",
            () -> Trace.of(HPA, rps(1, 100)).feed(requests(0, 15, 1000, ready(10)))
                .feed(silent(15, 15, ready(10))).last(),
            10, Code.METRIC_OUTAGE_HOLD),
        row("a CPU metric nobody reports holds the count",
            () -> Trace.of(HPA, cpuTarget(0.5)).feed(requests(0, 15, 1000, ready(10))).last(),
            10, Code.METRIC_OUTAGE_HOLD),
        row("a replica count of 0 with min-instances above 0 means autoscaling is disabled",
            () -> Trace.of(HPA, rps(1, 100))
                .apply(new ScaleDecided(Trace.T0, 4, 0, Mode.NORMAL,
                    new Reason(Code.TRACKING_TARGET, Signal.NONE, 0, 0, -1)))
                .feed(requests(0, 15, 1000, ready(0))).last(),
            0, Code.SCALE_UP_DISABLED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decisions")
  void decides(String name, Supplier<ScaleDecided> scenario, int expected, Code code) {
    ScaleDecided decision = scenario.get();

    assertThat(decision.to()).isEqualTo(expected);
    assertThat(decision.reason().code()).isEqualTo(code);
  }

  static Stream<Arguments> calculator() {
    return Stream.of(
        Arguments.of("CPU scale-down with a missing pod: counted at 100 % of request, (4 × 20 + 100) / 5 = 36 %, "
            + "ceil(0.72 × 5) = 4 (ignoring it would ask ceil(0.4 × 4) = 2)",
            Metric.CPU_UTILIZATION, 0.5, 5, 4, 0, 1, 0.20, 4),
        Arguments.of("plain-metric scale-down with a missing pod: counted at the target, (4 × 20 + 100) / 5 = 36, "
            + "ceil(0.36 × 5) = 2", Metric.REQUESTS_PER_INSTANCE, 100.0, 5, 4, 0, 1, 20.0, 2),
        Arguments.of("scale-up with a missing pod: counted at 0, 600 / 4 = 150, ceil(1.5 × 4) = 6",
            Metric.REQUESTS_PER_INSTANCE, 100.0, 4, 3, 0, 1, 200.0, 6),
        Arguments.of("CPU target 150 %: a missing pod on scale-down counts at the target, (4 × 30 + 150) / 5 = 54 %, "
            + "ceil(54 / 150 × 5) = 2", Metric.CPU_UTILIZATION, 1.5, 5, 4, 0, 1, 0.30, 2),
        Arguments.of("fast path: no unready or missing pods, ceil(1.2 × 50) = 60",
            Metric.CPU_UTILIZATION, 0.75, 50, 50, 0, 0, 0.90, 60),
        Arguments.of("unready pods on a scale-down are set aside: ceil(0.5 × 4) = 2",
            Metric.REQUESTS_PER_INSTANCE, 100.0, 6, 4, 2, 0, 50.0, 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("calculator")
  void calculatesReplicas(String name, Metric metric, double target, int current, int ready, int unready,
      int missing, double perPod, int expected) {
    assertThat(HpaModel.replicas(metric, target, 0.1, current, ready, unready, missing, perPod)).isEqualTo(expected);
  }

  @Test
  void recordsTheRawRecommendationAndEveryLimitOnTheWay() {
    ScaleDecided decision = Trace.of(HPA, rps(1, 100)).feed(requests(0, 15, 2000, ready(2))).last();

    assertThat(decision.reason().recommended()).isEqualTo(20);
    assertThat(decision.reason().observed()).isEqualTo(1000.0);
    assertThat(decision.reason().limits()).extracting(l -> l.rule() + "=" + l.result())
        .containsExactly("SCALE_UP_RATE_LIMITED=6");
    assertThat(decision.mode()).isEqualTo(Mode.NORMAL);
  }

  @Test
  void refusesMinInstancesZeroLikeTheApiWithoutObjectOrExternalMetrics() {
    assertThatThrownBy(() -> rps(0, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("min-instances must be >= 1");
  }

  /** 10 ready pods: 1000 rps until 15 s (recommends 10), 800 until 30 s (8), then 600 (6). */
  static Trace scaleDownStabilization() {
    return Trace.of(HPA, rps(1, 100))
        .feed(requests(0, 15, 1000, ready(10)))
        .feed(requests(15, 15, 800, ready(10)))
        .feed(30, 345, 15, start -> requests(start, 15, 600, ready(10)));
  }

  /** Scale-up limited to 4 pods per 60 s; 2 ready pods carry 2000 rps throughout (recommends 20). */
  static Trace slowScaleUp() {
    HpaPolicy slow = rps(new ScalingRules(Duration.ZERO, List.of(RatePolicy.pods(4, Duration.ofSeconds(60))),
        Select.MAX), DEFAULTS.scaleDown());
    return Trace.of(HPA, slow).feed(0, 90, 15, start -> requests(start, 15, 2000, ready(2)));
  }

  /** 5 s windows: 1000 rps on 10 pods, then 3000 rps from 5 s on. */
  static Trace betweenSyncs() {
    return Trace.of(HPA, rps(1, 100))
        .feed(requests(0, 5, 1000, ready(10)))
        .feed(5, 25, 5, start -> requests(start, 5, 3000, ready(10)));
  }

  @Property(tries = 200)
  void desiredStaysWithinMinAndMaxOnceDecided(@ForAll("runs") List<Step> run, @ForAll("bounds") int[] bounds) {
    HpaPolicy policy = new HpaPolicy(bounds[0], bounds[1], Metric.REQUESTS_PER_INSTANCE, 100,
        Duration.ofSeconds(15), 0.1, DEFAULTS.scaleUp(), DEFAULTS.scaleDown());
    Trace trace = Trace.of(HPA, policy);
    int start = 0;
    for (Step step : run) {
      trace.feed(step.silent() ? silent(start, 5, step.instances()) : requests(start, 5, step.rps(), step.instances()));
      start += 5;
    }
    assertThat(trace.decisions()).allSatisfy(d ->
        assertThat(d.to()).isBetween(policy.minInstances(), policy.maxInstances()));
  }

  /** One 5 s window: its load and instance counts, or no samples at all. */
  record Step(double rps, InstanceCounts instances, boolean silent) {}

  @Provide
  Arbitrary<List<Step>> runs() {
    Arbitrary<InstanceCounts> instances = Combinators.combine(Arbitraries.integers().between(0, 60),
        Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 5))
        .as((r, w, b) -> new InstanceCounts(r, w, b, 0));
    return Combinators.combine(Arbitraries.doubles().between(0, 20_000), instances,
        Arbitraries.integers().between(0, 9).map(i -> i == 0))
        .as(Step::new).list().ofMinSize(1).ofMaxSize(150);
  }

  @Provide
  Arbitrary<int[]> bounds() {
    return Arbitraries.integers().between(1, 20).flatMap(min ->
        Arbitraries.integers().between(min, 50).map(max -> new int[] {min, max}));
  }

  private static Arguments row(String name, Supplier<ScaleDecided> scenario, int expected, Code code) {
    return Arguments.of(name, scenario, expected, code);
  }
}
