package io.ballast.controller.policy;

import static io.ballast.controller.policy.Trace.counts;
import static io.ballast.controller.policy.Trace.cpu;
import static io.ballast.controller.policy.Trace.ready;
import static io.ballast.controller.policy.Trace.requests;
import static io.ballast.controller.policy.Trace.silent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.event.Reason.Code;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.policy.AwsTargetTrackingPolicy;
import io.ballast.persistence.policy.AwsTargetTrackingPolicy.Metric;
import io.ballast.persistence.policy.PolicySettings;
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
 * The target tracking model against the managed alarms (3 of 3 one-minute datapoints above target to scale out,
 * 15 of 15 below 90 % of target to scale in), the re:Post warm-up example of evaluation.md §5.8 and hand
 * derivations. CPU target 50 %, instance warm-up 300 s; windows are one minute unless a row says otherwise, so the
 * datapoints fall at 60 s, 120 s, 180 s, ...
 */
class AwsTargetTrackingModelTest {

  static final Policy<PolicySettings> AWS = (state, window, settings) ->
      new AwsTargetTrackingModel().decide(state, window, (AwsTargetTrackingPolicy) settings);

  static final AwsTargetTrackingPolicy CPU_50 = AwsTargetTrackingPolicy.defaults(Metric.CPU_UTILIZATION, 0.5);

  static AwsTargetTrackingPolicy cpu50(int min, int max, Duration warmup) {
    return new AwsTargetTrackingPolicy(min, max, Metric.CPU_UTILIZATION, 0.5, Duration.ofSeconds(60), 3, 15, 0.9,
        warmup);
  }

  static Stream<Arguments> decisions() {
    return Stream.of(
        row("one minute above target is not enough to scale out",
            () -> breaching().at(60), 4, Code.ALARM_NOT_TRIGGERED),
        row("two minutes above target are not enough either",
            () -> breaching().at(120), 4, Code.ALARM_NOT_TRIGGERED),
        row("the third minute above target scales out to ceil(4 × 60 / 50) = ceil(4.8) = 5 (add 2 for 1.5: round up)",
            () -> breaching().at(180), 5, Code.TRACKING_TARGET),

        row("re:Post: group at 4, +1 launched and warming, metric unchanged the next minute: ceil(4 × 60 / 50) = 5 "
                + "is already desired, so no second launch",
            () -> rePost(counts(4, 1, 0), CPU_50).at(240), 5, Code.CAPACITY_ARRIVING),
        row("re:Post: the metric rises to 75 % while the instance still warms: ceil(4 × 75 / 50) = 6",
            () -> rePost(counts(4, 1, 0), CPU_50).at(300), 6, Code.TRACKING_TARGET),
        row("an instance launched 60 s ago is in its 300 s warm-up even once it reports ready: still 5",
            () -> rePost(ready(5), CPU_50).at(240), 5, Code.CAPACITY_ARRIVING),
        row("with instance-warmup 0 the launched instance counts at once: ceil(5 × 60 / 50) = 6",
            () -> rePost(ready(5), cpu50(1, 100, Duration.ZERO)).at(240), 6, Code.TRACKING_TARGET),

        row("14 minutes below 90 % of target are not enough to scale in",
            () -> scaleIn(0.2, ready(10)).at(840), 10, Code.ALARM_NOT_TRIGGERED),
        row("the 15th minute at 20 % scales 10 in to the 10 × 20 / 50 = 4 the load needs",
            () -> scaleIn(0.2, ready(10)).at(900), 4, Code.TRACKING_TARGET),
        row("scale-in rounds conservatively: 4 at 31.25 % need 2.5, so floor(1.5) = 1 is removed, 3 stay",
            () -> scaleIn(0.3125, ready(4)).at(900), 3, Code.TRACKING_TARGET),
        row("46 % is below target but not below 90 % of it (45 %): no scale-in",
            () -> scaleIn(0.46, ready(10)).at(900), 10, Code.ALARM_NOT_TRIGGERED),
        row("44 % is below 45 %: 10 × 44 / 50 = 8.8 needed, floor(1.2) = 1 removed, 9 stay",
            () -> scaleIn(0.44, ready(10)).at(900), 9, Code.TRACKING_TARGET),
        row("no scale-in while an instance is in warm-up, however long the metric stays low",
            () -> scaleIn(0.2, counts(9, 1, 0)).at(900), 10, Code.ALARM_NOT_TRIGGERED),
        row("scale-in stops at min-instances",
            () -> Trace.of(AWS, cpu50(6, 100, Duration.ofSeconds(300)))
                .feed(0, 900, 60, s -> cpu(s, 60, 0.2, ready(10))).at(900), 6, Code.LIMITED_BY_MIN),

        row("a minute without data is INSUFFICIENT_DATA: the count holds",
            () -> gap().at(180), 4, Code.METRIC_OUTAGE_HOLD),
        row("a minute without data breaks the run: above, above, missing, above does not scale out",
            () -> gap().at(240), 4, Code.ALARM_NOT_TRIGGERED),
        row("three minutes above target after the gap scale out",
            () -> gap().at(360), 5, Code.TRACKING_TARGET),

        row("max-instances 5 caps the ceil(4 × 90 / 50) = 8 the load asks",
            () -> Trace.of(AWS, cpu50(1, 5, Duration.ofSeconds(300)))
                .feed(0, 180, 60, s -> cpu(s, 60, 0.9, ready(4))).at(180), 5, Code.LIMITED_BY_MAX),
        row("a group below min-instances is raised to it at the first period",
            () -> Trace.of(AWS, cpu50(6, 100, Duration.ofSeconds(300)))
                .feed(cpu(0, 60, 0.5, ready(4))).at(60), 6, Code.LIMITED_BY_MIN),
        row("request count per target: 400 rps for a minute on 4 instances is 6000 per target against 1000, "
                + "so ceil(4 × 6000 / 1000) = 24",
            () -> Trace.of(AWS, AwsTargetTrackingPolicy.defaults(Metric.REQUEST_COUNT_PER_TARGET, 1000))
                .feed(0, 180, 60, s -> requests(s, 60, 400, ready(4))).at(180), 24, Code.TRACKING_TARGET),
        row("between period boundaries the count holds (10 s windows)",
            () -> Trace.of(AWS, CPU_50).feed(0, 30, 10, s -> cpu(s, 10, 0.9, ready(4))).at(20),
            4, Code.BETWEEN_PERIODS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decisions")
  void decides(String name, Supplier<ScaleDecided> scenario, int expected, Code code) {
    ScaleDecided decision = scenario.get();

    assertThat(decision.to()).isEqualTo(expected);
    assertThat(decision.reason().code()).isEqualTo(code);
  }

  @Test
  void storesEachPeriodsDatapointAsTheMeanOfItsWindows() {
    // 10 s windows: the first closes at 10 s (a boundary), the next boundary is 70 s and covers (10 s, 70 s]:
    // three windows at 40 % and three at 80 %, mean 60 %.
    Trace trace = Trace.of(AWS, CPU_50).feed(0, 70, 10, s -> cpu(s, 10, s < 40 ? 0.4 : 0.8, ready(4)));

    assertThat(trace.at(70).reason().observed()).isCloseTo(0.6, within(1e-9));
    assertThat(trace.at(60).reason().recommended()).isEqualTo(-1);
  }

  @Test
  void recordsAMissingDatapointAsMinusOneInMetricOutageMode() {
    ScaleDecided decision = gap().at(180);

    assertThat(decision.reason().observed()).isEqualTo(AwsTargetTrackingModel.MISSING);
    assertThat(decision.reason().recommended()).isEqualTo(4);
    assertThat(decision.mode()).isEqualTo(Mode.METRIC_OUTAGE);
  }

  /** 4 ready instances at 60 % CPU for three minutes. */
  static Trace breaching() {
    return Trace.of(AWS, CPU_50).feed(0, 180, 60, s -> cpu(s, 60, 0.6, ready(4)));
  }

  /**
   * evaluation.md §5.8: 4 at 60 % for three minutes (scale-out to 5 at 180 s); the next minute the metric is
   * unchanged with {@code instances}; the minute after it rises to 75 %.
   */
  static Trace rePost(InstanceCounts instances, AwsTargetTrackingPolicy policy) {
    return Trace.of(AWS, policy)
        .feed(0, 180, 60, s -> cpu(s, 60, 0.6, ready(4)))
        .feed(cpu(180, 60, 0.6, instances))
        .feed(cpu(240, 60, 0.75, instances));
  }

  /** Fifteen minutes at {@code busy}. */
  static Trace scaleIn(double busy, InstanceCounts instances) {
    return Trace.of(AWS, CPU_50).feed(0, 900, 60, s -> cpu(s, 60, busy, instances));
  }

  /** 4 ready at 60 %: two minutes with data, one without, then three with. */
  static Trace gap() {
    return Trace.of(AWS, CPU_50)
        .feed(0, 120, 60, s -> cpu(s, 60, 0.6, ready(4)))
        .feed(silent(120, 60, ready(4)))
        .feed(180, 360, 60, s -> cpu(s, 60, 0.6, ready(4)));
  }

  @Property(tries = 100)
  void desiredStaysWithinMinAndMax(@ForAll("runs") List<Step> run, @ForAll("bounds") int[] bounds) {
    AwsTargetTrackingPolicy policy = cpu50(bounds[0], bounds[1], Duration.ofSeconds(300));
    Trace trace = Trace.of(AWS, policy);
    int second = 0;
    for (Step step : run) {
      trace.feed(step.silent() ? silent(second, 10, step.instances()) : cpu(second, 10, step.busy(), step.instances()));
      second += 10;
    }
    assertThat(trace.decisions()).allSatisfy(d ->
        assertThat(d.to()).isBetween(policy.minInstances(), policy.maxInstances()));
  }

  /** One 10 s window: the busy fraction and instance counts, or no samples at all. */
  record Step(double busy, InstanceCounts instances, boolean silent) {}

  @Provide
  Arbitrary<List<Step>> runs() {
    Arbitrary<InstanceCounts> instances = Combinators.combine(Arbitraries.integers().between(0, 40),
        Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3))
        .as((r, w, b) -> new InstanceCounts(r, w, b, 0));
    return Combinators.combine(Arbitraries.doubles().between(0, 1), instances,
        Arbitraries.integers().between(0, 9).map(i -> i == 0))
        .as(Step::new).list().ofMinSize(1).ofMaxSize(300);
  }

  @Provide
  Arbitrary<int[]> bounds() {
    return Arbitraries.integers().between(0, 20).flatMap(min ->
        Arbitraries.integers().between(Math.max(1, min), 50).map(max -> new int[] {min, max}));
  }

  private static Arguments row(String name, Supplier<ScaleDecided> scenario, int expected, Code code) {
    return Arguments.of(name, scenario, expected, code);
  }
}
