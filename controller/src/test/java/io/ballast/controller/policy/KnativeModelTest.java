package io.ballast.controller.policy;

import static io.ballast.controller.policy.Trace.concurrency;
import static io.ballast.controller.policy.Trace.ready;
import static io.ballast.controller.policy.Trace.requests;
import static io.ballast.controller.policy.Trace.silent;
import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.event.Reason.Code;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.policy.KnativePolicy;
import io.ballast.persistence.policy.KnativePolicy.Metric;
import io.ballast.persistence.policy.PolicySettings;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;
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
 * The KPA model against hand derivations from {@code autoscaler.go Scale} with Knative's defaults: target
 * 100 × 0.7 = 70 in flight per pod, stable window 60 s, panic window 6 s, panic threshold 2, max scale-down rate 2,
 * a tick every 2 s. Windows are 1 s (the KPA's bucket), so ticks fall at odd seconds: 1, 3, 5, ...
 */
class KnativeModelTest {

  static final Policy<PolicySettings> KNATIVE = (state, window, settings) ->
      new KnativeModel().decide(state, window, (KnativePolicy) settings);

  static final KnativePolicy DEFAULTS = KnativePolicy.defaults(Metric.CONCURRENCY);

  static KnativePolicy with(int min, int max, double maxScaleUpRate) {
    return new KnativePolicy(min, max, Metric.CONCURRENCY, 100, 0.7, Duration.ofSeconds(60), 10, 200,
        maxScaleUpRate, 2, Duration.ofSeconds(2), Duration.ZERO);
  }

  static Stream<Arguments> decisions() {
    return Stream.of(
        row("created with 3 ready pods, the KPA starts in panic and holds them although 70 in flight ask for 1",
            () -> steady(DEFAULTS, 0, 2, 70, ready(3)).at(1), 3, Mode.PANIC, Code.SCALE_DOWN_DISABLED),
        row("created with 1 ready pod, the KPA starts in stable mode: 70 in flight ask ceil(70 / 70) = 1",
            () -> steady(DEFAULTS, 0, 2, 70, ready(1)).at(1), 1, Mode.NORMAL, Code.TRACKING_TARGET),
        row("the start-up panic lasts a stable window: at 61 s (panic time 1 s + 60 s, not before) it still holds",
            () -> steady(DEFAULTS, 0, 62, 70, ready(3)).at(61), 3, Mode.PANIC, Code.SCALE_DOWN_DISABLED),
        row("stable mode: 280 in flight on 3 pods ask ceil(280 / 70) = 4 (panic ratio 4 / 3 < 2)",
            () -> steady(DEFAULTS, 0, 66, 280, ready(3)).at(65), 4, Mode.NORMAL, Code.TRACKING_TARGET),
        row("requests per second: 700 rps on 3 pods against 200 × 0.7 = 140 ask ceil(700 / 140) = 5",
            () -> Trace.of(KNATIVE, KnativePolicy.defaults(Metric.REQUESTS_PER_SECOND))
                .feed(0, 66, 1, s -> requests(s, 1, 700, ready(3))).at(65), 5, Mode.NORMAL, Code.TRACKING_TARGET),
        row("5 s windows (the live default) are a tick each: the start-up panic ends at 70 s, 4 pods",
            () -> Trace.of(KNATIVE, DEFAULTS).feed(0, 75, 5, s -> concurrency(s, 5, 280, ready(3))).at(70),
            4, Mode.NORMAL, Code.TRACKING_TARGET),

        row("max scale-down rate 2: 10 ready pods with 70 in flight go to floor(10 / 2) = 5, not 1",
            () -> steady(DEFAULTS, 0, 64, 70, ready(10)).at(63), 5, Mode.NORMAL, Code.SCALE_DOWN_RATE_LIMITED),
        row("max scale-up rate 1.5: 490 in flight on 4 pods ask 7, but ceil(1.5 × 4) = 6 is the most",
            () -> steady(with(1, 100, 1.5), 0, 66, 490, ready(4)).at(65), 6, Mode.NORMAL,
            Code.SCALE_UP_RATE_LIMITED),

        row("before the surge: 140 in flight on 2 pods ask 2",
            () -> surge().at(69), 2, Mode.NORMAL, Code.TRACKING_TARGET),
        row("enters panic at 71 s: the panic window (65 s, 71 s] averages (5 × 140 + 700) / 6 = 233.3, "
                + "ceil(233.3 / 70) = 4 = 2 × 2 ready; the stable window asks ceil(149.3 / 70) = 3; max is 4",
            () -> surge().at(71), 4, Mode.PANIC, Code.PANIC),
        row("in panic the count follows the panic window up: at 77 s 700 in flight ask 10",
            () -> surge().at(77), 10, Mode.PANIC, Code.PANIC),
        row("never decreases in panic: at 81 s the panic window asks ceil(606.7 / 70) = 9, 10 stay",
            () -> surge().at(81), 10, Mode.PANIC, Code.SCALE_DOWN_DISABLED),
        row("keeps the 10 after the surge is over (20 s later, the panic window asks 2)",
            () -> surge().at(101), 10, Mode.PANIC, Code.SCALE_DOWN_DISABLED),
        row("still in panic at 145 s: the last tick over the threshold was at 85 s, and 85 + 60 is not before 145",
            () -> surge().at(145), 10, Mode.PANIC, Code.SCALE_DOWN_DISABLED),
        row("leaves panic at 147 s, a full stable window after the last over-threshold tick, back to 2",
            () -> surge().at(147), 2, Mode.NORMAL, Code.TRACKING_TARGET),

        row("scale-down delay 10 s: at 27 s the stable window asks 1, but the ticks of 19 s and 21 s asked 4",
            () -> delayed().at(27), 4, Mode.NORMAL, Code.SCALE_DOWN_STABILIZED),
        row("scale-down delay 10 s: at 31 s the highest of (21 s, 31 s] is the 3 of 23 s",
            () -> delayed().at(31), 3, Mode.NORMAL, Code.SCALE_DOWN_STABILIZED),
        row("scale-down delay 10 s: at 37 s every tick of the delay window asked 1",
            () -> delayed().at(37), 1, Mode.NORMAL, Code.TRACKING_TARGET),

        row("a short gap is not zero load: 5 silent seconds leave the average over the seconds with data, 4 pods",
            () -> gap().at(71), 4, Mode.NORMAL, Code.TRACKING_TARGET),
        row("one second of data left in the stable window is still data: at 125 s the window (65 s, 125 s] decides",
            () -> gap().at(125), 4, Mode.NORMAL, Code.TRACKING_TARGET),
        row("no data in the whole stable window (ErrNoData): the count holds",
            () -> gap().at(127), 4, Mode.METRIC_OUTAGE, Code.METRIC_OUTAGE_HOLD),
        row("after an outage longer than the kept history the KPA is not created anew: no start-up panic, "
                + "70 in flight on 3 pods ask 1",
            () -> steady(DEFAULTS, 0, 66, 280, ready(3)).feed(66, 250, 1, s -> silent(s, 1, ready(3)))
                .feed(250, 256, 1, s -> concurrency(s, 1, 70, ready(3))).at(251), 1, Mode.NORMAL, Code.TRACKING_TARGET),

        row("max-instances 3 bounds a panic that asks 10",
            () -> steady(with(1, 3, 1000), 0, 2, 700, ready(2)).at(1), 3, Mode.PANIC, Code.LIMITED_BY_MAX),
        row("min-instances 2 lifts the 1 that 7 in flight ask for",
            () -> steady(with(2, 10, 1000), 0, 2, 7, ready(1)).at(1), 2, Mode.NORMAL, Code.LIMITED_BY_MIN),
        row("between ticks (every 2 s) the count holds",
            () -> steady(DEFAULTS, 0, 3, 70, ready(1)).at(2), 1, Mode.NORMAL, Code.BETWEEN_PERIODS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decisions")
  void decides(String name, Supplier<ScaleDecided> scenario, int expected, Mode mode, Code code) {
    ScaleDecided decision = scenario.get();

    assertThat(decision.to()).isEqualTo(expected);
    assertThat(decision.mode()).isEqualTo(mode);
    assertThat(decision.reason().code()).isEqualTo(code);
  }

  @Test
  void marksEveryTickThatSetsThePanicTimeAndRemembersTheRatchetInTheRecommendation() {
    Trace trace = surge();

    assertThat(trace.at(85).reason().limits()).extracting(l -> l.rule()).contains(Code.PANIC);
    assertThat(trace.at(87).reason().limits()).extracting(l -> l.rule()).doesNotContain(Code.PANIC);
    assertThat(trace.at(87).reason().recommended()).isEqualTo(10);
    assertThat(trace.at(88).reason().recommended()).isEqualTo(-1);
    assertThat(trace.at(88).mode()).isEqualTo(Mode.PANIC);
  }

  @Test
  void averagesLikeTheKpaBuckets() {
    // (5 × 140 + 700) / 6 = 233.333333... floored to 6 digits
    List<MetricsObserved> windows =
        IntStream.range(65, 71).mapToObj(s -> concurrency(s, 1, s == 70 ? 700 : 140, ready(2))).toList();

    assertThat(KnativeModel.windowAverage(windows, Trace.T0.plusSeconds(71), Duration.ofSeconds(6),
        Lookback::concurrency)).hasValue(233.333333);
  }

  /** 1 s windows of {@code inFlight} requests from {@code from} to {@code to}. */
  static Trace steady(KnativePolicy policy, int from, int to, double inFlight, InstanceCounts instances) {
    return Trace.of(KNATIVE, policy).feed(from, to, 1, s -> concurrency(s, 1, inFlight, instances));
  }

  /** 2 ready pods: 140 in flight, 700 during [70 s, 80 s), then 140 again. */
  static Trace surge() {
    return Trace.of(KNATIVE, DEFAULTS)
        .feed(0, 70, 1, s -> concurrency(s, 1, 140, ready(2)))
        .feed(70, 80, 1, s -> concurrency(s, 1, 700, ready(2)))
        .feed(80, 150, 1, s -> concurrency(s, 1, 140, ready(2)));
  }

  /**
   * A 6 s stable and panic window, panic only at 10 × the ready pods, scale-down delay 10 s; 1 ready pod, 280 in
   * flight until 20 s, then 70. Ticks ask 4 (19 s, 21 s), 3 (23 s), 2 (25 s), then 1.
   */
  static Trace delayed() {
    KnativePolicy policy = new KnativePolicy(1, 100, Metric.CONCURRENCY, 100, 0.7, Duration.ofSeconds(6), 100, 1000,
        1000, 2, Duration.ofSeconds(2), Duration.ofSeconds(10));
    return Trace.of(KNATIVE, policy)
        .feed(0, 20, 1, s -> concurrency(s, 1, 280, ready(1)))
        .feed(20, 40, 1, s -> concurrency(s, 1, 70, ready(1)));
  }

  /** 3 ready pods with 280 in flight for 66 s (4 pods once the start-up panic is over), then no samples. */
  static Trace gap() {
    return steady(DEFAULTS, 0, 66, 280, ready(3)).feed(66, 130, 1, s -> silent(s, 1, ready(3)));
  }

  @Property(tries = 100)
  void desiredStaysWithinMinAndMaxOnceDecided(@ForAll("runs") List<Step> run, @ForAll("bounds") int[] bounds) {
    KnativePolicy policy = with(bounds[0], bounds[1], 1000);
    Trace trace = Trace.of(KNATIVE, policy);
    int second = 0;
    for (Step step : run) {
      trace.feed(step.silent() ? silent(second, 1, step.instances())
          : concurrency(second, 1, step.inFlight(), step.instances()));
      second++;
    }
    List<ScaleDecided> decisions = trace.decisions();
    int first = 0;
    while (first < decisions.size() && decisions.get(first).reason().recommended() < 0) {
      first++;
    }
    assertThat(decisions.subList(first, decisions.size())).allSatisfy(d ->
        assertThat(d.to()).isBetween(policy.minInstances(), policy.maxInstances()));
  }

  /** One 1 s window: requests in flight and instance counts, or no samples at all. */
  record Step(double inFlight, InstanceCounts instances, boolean silent) {}

  @Provide
  Arbitrary<List<Step>> runs() {
    Arbitrary<InstanceCounts> instances = Combinators.combine(Arbitraries.integers().between(0, 40),
        Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 5))
        .as((r, w, b) -> new InstanceCounts(r, w, b, 0));
    return Combinators.combine(Arbitraries.doubles().between(0, 5_000), instances,
        Arbitraries.integers().between(0, 9).map(i -> i == 0))
        .as(Step::new).list().ofMinSize(1).ofMaxSize(200);
  }

  @Provide
  Arbitrary<int[]> bounds() {
    return Arbitraries.integers().between(0, 20).flatMap(min ->
        Arbitraries.integers().between(Math.max(1, min), 50).map(max -> new int[] {min, max}));
  }

  private static Arguments row(String name, Supplier<ScaleDecided> scenario, int expected, Mode mode, Code code) {
    return Arguments.of(name, scenario, expected, mode, code);
  }
}
