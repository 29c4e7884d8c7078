package io.ballast.controller.policy;

import static io.ballast.controller.Observations.ready;
import static io.ballast.controller.policy.Run.traffic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.event.Reason.Code;
import io.ballast.persistence.event.Reason.Limit;
import io.ballast.persistence.event.Reason.Signal;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ShedReason;
import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.policy.RatePolicy;
import io.ballast.persistence.policy.ScalingRules;
import io.ballast.persistence.policy.Select;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ballast's policy, rule by rule. Windows are 5 s; the base policy (see {@link BallastPolicies}) tracks 100
 * requests per second per instance within 10 %, in [2, 50], scales up by max(4, 100 %) per 15 s, down after
 * a 60 s stabilization window, and sheds above 100 requests per second per serving instance.
 */
class ScaleAndShedTest {

  private static final Duration W = Duration.ofSeconds(5);

  /** Three windows at 1000 requests per second on 10 ready instances: decided 10, nothing changing. */
  private static Run steady(BallastPolicy policy) {
    Run run = new Run(policy, W);
    run.steps(3, 1000, 0, ready(10));
    return run;
  }

  static Stream<Arguments> scaling() {
    BallastPolicy base = BallastPolicies.base();
    return Stream.of(
        row("scales up to ceil(demand / target) when load is 50% over target", base,
            r -> r.step(1500, 0, ready(10)), 15, Code.TRACKING_TARGET),
        row("holds while load is within 10% over target", base,
            r -> r.step(1090, 0, ready(10)), 10, Code.WITHIN_TOLERANCE),
        row("holds while load is within 10% under target", base,
            r -> r.step(910, 0, ready(10)), 10, Code.WITHIN_TOLERANCE),
        row("does not scale down inside the scale-down stabilization window", base,
            r -> r.step(500, 0, ready(10)), 10, Code.SCALE_DOWN_STABILIZED),
        row("scales down once the stabilization window has passed", base,
            r -> r.steps(12, 500, 0, ready(10)), 5, Code.TRACKING_TARGET),
        row("scales up by no more than max(4 instances, 100%) per 15 s", base,
            r -> r.step(5000, 0, ready(10)), 20, Code.SCALE_UP_RATE_LIMITED),
        row("takes the smaller rate when scale-up selects min",
            BallastPolicies.with(p -> p.scaleUp = rules(Duration.ZERO, Select.MIN)),
            r -> r.step(5000, 0, ready(10)), 14, Code.SCALE_UP_RATE_LIMITED),
        row("does not scale up when scale-up is disabled",
            BallastPolicies.with(p -> p.scaleUp = rules(Duration.ZERO, Select.DISABLED)),
            r -> r.step(5000, 0, ready(10)), 10, Code.SCALE_UP_DISABLED),
        row("is held at max-instances",
            BallastPolicies.with(p -> p.scaleUp = new ScalingRules(Duration.ZERO, List.of(), Select.MAX)),
            r -> r.step(10_000, 0, ready(10)), 50, Code.LIMITED_BY_MAX),
        row("is held at min-instances when traffic stops",
            BallastPolicies.with(p -> p.scaleDown = rules(Duration.ZERO, Select.MAX)),
            r -> r.step(0, 0, ready(10)), 2, Code.LIMITED_BY_MIN),
        row("follows the signal that needs the most instances",
            BallastPolicies.with(p -> p.targets = new BallastPolicy.Targets(100.0, null, 0.5, null)),
            r -> r.step(traffic(1000, 0, ready(10), 0.75, null, null)), 15, Code.TRACKING_TARGET),
        row("tracks concurrency per instance",
            BallastPolicies.with(p -> p.targets = new BallastPolicy.Targets(null, 50.0, null, null)),
            r -> r.step(traffic(1000, 0, ready(10), null, 800.0, null)), 16, Code.TRACKING_TARGET),
        row("asks for more instances while latency is above its objective, at most double",
            BallastPolicies.with(p -> p.targets = new BallastPolicy.Targets(100.0, null, null, 100.0)),
            r -> r.step(traffic(1000, 0, ready(10), null, null, 300.0)), 20, Code.TRACKING_TARGET),
        row("gives latency no say while it is within its objective",
            BallastPolicies.with(p -> p.targets = new BallastPolicy.Targets(100.0, null, null, 100.0)),
            r -> r.step(traffic(1000, 0, ready(10), null, null, 80.0)), 10, Code.WITHIN_TOLERANCE),
        row("counts booting instances as coming, so a surge is answered once", base,
            r -> {
              r.step(2000, 0, ready(10));
              return r.step(2000, 0, new InstanceCounts(10, 0, 10, 0));
            }, 20, Code.CAPACITY_ARRIVING),
        row("holds a second scale-up inside the scale-up cooldown",
            BallastPolicies.with(p -> p.cooldown = new BallastPolicy.Cooldown(Duration.ofSeconds(60), Duration.ZERO)),
            r -> {
              r.step(1500, 0, ready(10));
              return r.step(2000, 0, ready(15));
            }, 15, Code.COOLDOWN),
        row("holds a scale-down inside the cooldown after any change",
            BallastPolicies.with(p -> {
              p.cooldown = new BallastPolicy.Cooldown(Duration.ZERO, Duration.ofSeconds(60));
              p.scaleDown = rules(Duration.ZERO, Select.MAX);
            }),
            r -> {
              r.step(1500, 0, ready(10));
              return r.step(1000, 0, ready(15));
            }, 15, Code.COOLDOWN),
        row("panics on a sudden surge and goes straight past the rate limits", panicking(),
            r -> r.step(4000, 0, ready(10)), 40, Code.PANIC),
        row("does not scale down while it panics", panicking(),
            r -> {
              r.step(4000, 0, ready(10));
              return r.step(1000, 0, ready(10));
            }, 40, Code.PANIC),
        row("calms down after a quiet spell without undoing what the panic added", panicking(),
            r -> {
              r.step(4000, 0, ready(10));
              return r.steps(7, 1000, 0, ready(40));
            }, 40, Code.SCALE_DOWN_STABILIZED),
        row("holds the count when metrics stop", base, Run::silence, 10, Code.METRIC_OUTAGE_HOLD),
        row("keeps holding past the hold time when no floor is set", base,
            r -> silences(r, 13), 10, Code.METRIC_OUTAGE_HOLD),
        row("goes to the outage floor once the hold time has passed",
            BallastPolicies.with(p -> p.outage = new BallastPolicy.MetricOutage(Duration.ofSeconds(60), 20)),
            r -> silences(r, 13), 20, Code.METRIC_OUTAGE_FLOOR));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scaling")
  void scales(String name, BallastPolicy policy, Function<Run, ScaleDecided> then, int desired, Code code) {
    ScaleDecided decided = then.apply(steady(policy));

    assertThat(decided.to()).isEqualTo(desired);
    assertThat(decided.reason().code()).isEqualTo(code);
  }

  @Test
  void theReasonCarriesTheSignalTheNumbersAndEveryLimitApplied() {
    ScaleDecided decided = steady(BallastPolicies.base()).step(5000, 0, ready(10));

    assertThat(decided.reason().signal()).isEqualTo(Signal.REQUESTS_PER_INSTANCE);
    assertThat(decided.reason().observed()).isCloseTo(500, within(1e-9));
    assertThat(decided.reason().target()).isEqualTo(100);
    assertThat(decided.reason().recommended()).isEqualTo(50);
    assertThat(decided.reason().limits()).containsExactly(new Limit(Code.SCALE_UP_RATE_LIMITED, 20));
    assertThat(decided.reason().explain())
        .isEqualTo("requests per instance 500.0 vs target 100.0 recommends 50; scale up rate limited: 20");
  }

  @Test
  void aPanicIsItsOwnModeAndSaysWhenItWasTriggered() {
    Run run = steady(panicking());
    ScaleDecided surge = run.step(4000, 0, ready(10));
    ScaleDecided calmer = run.step(1000, 0, ready(10));
    ScaleDecided over = run.steps(7, 1000, 0, ready(40));

    assertThat(surge.mode()).isEqualTo(Mode.PANIC);
    assertThat(surge.reason().limits()).contains(new Limit(Code.PANIC, 40));
    assertThat(calmer.mode()).isEqualTo(Mode.PANIC);
    assertThat(calmer.reason().limits()).isEmpty();
    assertThat(over.mode()).isEqualTo(Mode.NORMAL);
    assertThat(run.state().mode()).isEqualTo(Mode.NORMAL);
  }

  @Test
  void aMetricOutageIsAModeTheStateShows() {
    Run run = steady(BallastPolicies.base());

    run.silence();

    assertThat(run.state().mode()).isEqualTo(Mode.METRIC_OUTAGE);
    assertThat(run.state().lastDecision().orElseThrow().reason().recommended()).isEqualTo(-1);
  }

  @Test
  void theFirstDecisionOfAServiceStartsFromTheInstancesItHas() {
    Run run = new Run(BallastPolicies.base(), W);

    ScaleDecided first = run.step(1000, 0, ready(10));

    assertThat(first.from()).isEqualTo(10);
    assertThat(first.to()).isEqualTo(10);
  }

  // --- shedding --------------------------------------------------------------------------------------------

  @Test
  void shedsNothingWhileCapacityCoversDemand() {
    Run run = new Run(BallastPolicies.base(), W);

    run.steps(2, 800, 100, ready(10));

    assertThat(run.state().admission()).isEmpty();
    assertThat(run.state().shedReason()).isNull();
  }

  @Test
  void shedsTheDeficitLowestPriorityFirstWithHalfTheBandAsMargin() {
    Run run = new Run(BallastPolicies.base(), W);

    run.step(800, 400, ready(10));

    // capacity 10 x 100 = 1000, demand 1200: deficit 200, band 5% = 60, shed 230 of the 400 sheddable.
    assertThat(run.state().admission()).containsExactly(new Admission("sheddable", 0.425));
    assertThat(run.state().shedReason().code()).isEqualTo(ShedReason.Code.DEFICIT);
    assertThat(run.state().shedReason().deficitRps()).isCloseTo(200, within(1e-9));
    assertThat(run.state().shedReason().shedRps()).isCloseTo(230, within(1e-9));
  }

  @Test
  void shedsTheMostImportantClassOnlyForWhatCapacityCannotServeOfItsOwnDemand() {
    Run run = new Run(BallastPolicies.base(), W);

    run.step(800, 400, ready(5));

    // capacity 500: all 400 sheddable go, and of critical only 800 - 500 = 300, no margin.
    assertThat(run.state().admission())
        .containsExactly(new Admission("critical", 0.625), new Admission("sheddable", 0.0));
  }

  @Test
  void holdsTheShedLevelsWhileTheShedStaysWithinTheBand() {
    Run run = new Run(BallastPolicies.base(), W);
    run.step(800, 400, ready(10));

    run.step(800, 410, ready(10));
    run.step(800, 390, ready(10));

    assertThat(run.shedChanges()).isEqualTo(1);
  }

  @Test
  void liftsSheddingStepByStepAsInstancesBecomeReady() {
    Run run = new Run(BallastPolicies.base(), W);
    run.step(800, 400, ready(10));

    run.step(800, 400, ready(11));
    double afterOne = run.admit("sheddable");
    run.step(800, 400, ready(13));

    assertThat(afterOne).isCloseTo(0.675, within(1e-9));
    assertThat(run.state().admission()).isEmpty();
    assertThat(run.state().shedReason().code()).isEqualTo(ShedReason.Code.CAPACITY_COVERS_DEMAND);
  }

  @Test
  void countsWarmingInstancesAsPartOfAnInstance() {
    Run run = new Run(BallastPolicies.base(), W);

    run.step(800, 400, new InstanceCounts(8, 4, 3, 0));

    assertThat(run.state().admission()).containsExactly(new Admission("sheddable", 0.425));
  }

  @Test
  void liftsSheddingWhenMetricsStop() {
    Run run = new Run(BallastPolicies.base(), W);
    run.step(800, 400, ready(10));

    run.silence();

    assertThat(run.state().admission()).isEmpty();
    assertThat(run.state().shedReason().code()).isEqualTo(ShedReason.Code.METRIC_OUTAGE);
  }

  @Test
  void doesNotShedWhenNobodyReportsInstances() {
    Run run = new Run(BallastPolicies.base(), W);

    run.step(800, 400, null);

    assertThat(run.state().admission()).isEmpty();
  }

  @Test
  void shedsForTheBurstsOfBurstyTrafficNotJustItsLatestWindow() {
    Run run = new Run(BallastPolicies.with(p -> {
      p.shedding = new BallastPolicy.Shedding(true, 100.0, 1.0, 0.05, 2, Duration.ofSeconds(30));
      p.stableWindow = Duration.ofSeconds(30);
    }), W);
    run.steps(1, 800, 200, ready(10));
    run.steps(1, 800, 600, ready(10));
    assertThat(run.admit("sheddable")).isLessThan(1);

    // The latest window fits (800 + 100 < 1000), but sheddable swung between 100 and 600: sized for
    // mean + 2 sd = 300 + 2 x 216 = 732 of it, about half must still go.
    run.step(800, 100, ready(10));

    assertThat(run.admit("sheddable")).isLessThan(0.6);
    assertThat(run.state().shedReason().demandRps()).isGreaterThan(1400);
  }

  @Test
  void shedsNothingExtraWhenTrafficIsSteady() {
    Run run = new Run(BallastPolicies.with(p -> p.shedding = new BallastPolicy.Shedding(true, 100.0, 1.0, 0.05, 2, Duration.ofSeconds(30))), W);

    run.steps(5, 800, 150, ready(10));

    assertThat(run.state().admission()).isEmpty();
  }

  @Test
  void shedTrafficStillCountsAsDemandForScaling() {
    Run run = new Run(BallastPolicies.with(p -> p.scaleUp = new ScalingRules(Duration.ZERO, List.of(), Select.MAX)), W);
    run.step(800, 400, ready(10));

    ScaleDecided next = run.step(800, 400, ready(10));

    assertThat(run.admit("sheddable")).isLessThan(1);
    assertThat(next.to()).isEqualTo(12);
  }

  // --- helpers -----------------------------------------------------------------------------------------------

  private static BallastPolicy panicking() {
    return BallastPolicies.with(p -> p.panic = new BallastPolicy.Panic(true, Duration.ofSeconds(5), 2.0,
        Duration.ofSeconds(30)));
  }

  private static ScalingRules rules(Duration window, Select select) {
    return new ScalingRules(window,
        List.of(RatePolicy.pods(4, Duration.ofSeconds(15)), RatePolicy.percent(100, Duration.ofSeconds(15))), select);
  }

  private static ScaleDecided silences(Run run, int n) {
    ScaleDecided last = null;
    for (int i = 0; i < n; i++) {
      last = run.silence();
    }
    return last;
  }

  private static Arguments row(String name, BallastPolicy policy, Function<Run, ScaleDecided> then, int desired,
      Code code) {
    return Arguments.of(name, policy, then, desired, code);
  }
}
