package io.ballast.controller.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Expanding, scaling and splitting a trace window into per-second arrivals (evaluation.md §5.1, §5.3). */
class SimulationArrivalsTest {

  private static final SimulationConfig CONFIG = SimulationConfig.defaults();

  static Stream<Arguments> intervals() {
    return Stream.of(
        Arguments.of("fewer requests than seconds", 7L, 60L),
        Arguments.of("one more request than seconds", 61L, 60L),
        Arguments.of("one short of a request a second", 59L, 60L),
        Arguments.of("no requests", 0L, 60L),
        Arguments.of("a busy hour", 9_436_801L, 3600L),
        Arguments.of("a single request in an hour", 1L, 3600L),
        Arguments.of("a one-second interval", 42L, 1L));
  }

  @ParameterizedTest(name = "{0}: the interval's count is preserved exactly")
  @MethodSource("intervals")
  void cumulativeRoundingPreservesEachIntervalsCount(String name, long count, long seconds) {
    long[] perSecond = LongStream.range(0, seconds).map(k -> Workload.arrivalsInSecond(count, seconds, k)).toArray();

    assertThat(LongStream.of(perSecond).sum()).isEqualTo(count);
    for (long a : perSecond) {
      assertThat(a).isBetween(count / seconds, (count + seconds - 1) / seconds);
    }
  }

  static Stream<Arguments> unscaledTraces() {
    return Stream.of(
        Arguments.of("a minute trace", SimTraces.rows("0,0.1167,7", "60,1.0167,61", "120,0.0,0", "180,0.9833,59")),
        Arguments.of("an hour trace", SimTraces.rows("0,2621.3336,9436801", "3600,0.0003,1", "7200,1.0,3600")),
        Arguments.of("a minute trace with a gap", SimTraces.rows("0,0.1167,7", "60,1.0,60", "600,0.5,30")));
  }

  @ParameterizedTest(name = "{0}: unscaled, every second follows floor(C(k+1)/n) - floor(Ck/n)")
  @MethodSource("unscaledTraces")
  void unscaledExpansionIsTheCumulativeRoundingOfEachInterval(String name, Trace trace) {
    int[] arrivals = Workload.expand(trace, trace.startSeconds(), trace.endSeconds(), 1.0);

    long n = trace.intervalSeconds();
    assertThat(arrivals).hasSize((int) (trace.rows() * n));
    for (int row = 0; row < trace.rows(); row++) {
      long sum = 0;
      for (int k = 0; k < n; k++) {
        int a = arrivals[(int) (row * n + k)];
        assertThat(a).isEqualTo(Workload.arrivalsInSecond(trace.count(row), n, k));
        sum += a;
      }
      assertThat(sum).as("row %d", row).isEqualTo(trace.count(row));
    }
  }

  @Test
  void aScaledSparseMinuteStaysAsSmoothAsItWas() {
    // 42 requests in a minute round to seconds of 0 and 1; scaled ×1000 they must not become 0 and 1000.
    Trace trace = SimTraces.rows("0,0.7,42", "60,1.0167,61");

    int[] arrivals = Workload.expand(trace, 0, 120, 1000);

    for (int t = 0; t < 60; t++) {
      assertThat(arrivals[t]).as("second %d", t).isBetween(699, 701);
    }
    assertThat(IntStream.of(arrivals).sum()).isEqualTo(103_000);
    assertThat(Workload.p99Rate(trace, 0, 120)).isCloseTo(61 / 60.0, org.assertj.core.api.Assertions.within(1e-12));
  }

  @Test
  void theP99IsTakenOverTheSecondsOfTheWindowAtTheirExactRates() {
    Trace trace = SimTraces.rows("0,0.5,30", "60,0.5,30", "120,2.0,120");

    assertThat(Workload.p99Rate(trace, 0, 180)).isEqualTo(2.0);
    assertThat(Workload.p99Rate(trace, 0, 60)).isEqualTo(0.5);
    // 120 of 121 seconds (99.2 %) are at 0.5/s: the one second at 2/s is above the 99th percentile.
    assertThat(Workload.p99Rate(trace, 0, 121)).isEqualTo(0.5);
    assertThat(Workload.p99Rate(trace, 22, 121)).as("in 99 seconds the hottest is the p99").isEqualTo(2.0);
  }

  @Test
  void aMinuteTraceIsExpandedToSecondsAndScaledByTheReportedFactor() {
    Trace trace = SimTraces.rows("0,1.0,60", "60,10.0,600", "120,2.5,150");

    Workload w = Workload.of(trace, null, null, CONFIG);

    assertThat(w.length()).isEqualTo(180);
    long total = IntStream.range(0, w.length()).mapToLong(w::arrivals).sum();
    assertThat(total).isEqualTo((long) Math.floor(w.amplitude().factor() * 810));
    assertThat(w.amplitude().p99Rps()).isEqualTo(10);
    assertThat(new DemandModel(CONFIG).instances(w.amplitude().factor() * 10)).isEqualTo(40);
  }

  @Test
  void aWindowThatStartsInsideAnIntervalTakesThatIntervalsLaterSeconds() {
    Trace trace = SimTraces.rows("0,0.1167,7", "60,0.1167,7");

    Workload w = Workload.of(trace, 30L, 90L, CONFIG.withPeakInstances(1));

    assertThat(w.length()).isEqualTo(60);
    assertThat(w.traceSecond(0)).isEqualTo(30);
    assertThat(w.traceSecond(59)).isEqualTo(89);
  }

  @Test
  void gapsAreSkippedNotSimulatedAsZeroLoad() {
    Trace trace = SimTraces.rows("0,5.0,5", "1,5.0,5", "2,5.0,5", "10,5.0,5", "11,5.0,5");

    Workload w = Workload.of(trace, null, null, CONFIG);

    assertThat(IntStream.range(0, w.length()).mapToLong(w::traceSecond).toArray()).containsExactly(0, 1, 2, 10, 11);
    assertThat(IntStream.range(0, w.length()).map(w::arrivals)).allSatisfy(a -> assertThat(a).isPositive());
    assertThat(w.gaps()).isEqualTo(1);
    assertThat(w.gapSeconds()).isEqualTo(7);
  }

  @Test
  void theHighShareIsSplitByCumulativeRounding() {
    int[] arrivals = {3, 3, 3, 1, 0, 7};

    int[] high = Workload.split(arrivals, 0.3);

    assertThat(IntStream.of(high).sum()).isEqualTo((int) Math.floor(0.3 * 17));
    for (int k = 0; k < arrivals.length; k++) {
      assertThat(high[k]).isBetween(0, arrivals[k]);
    }
    assertThat(Workload.split(arrivals, 1.0)).containsExactly(arrivals);
    assertThat(Workload.split(arrivals, 0.0)).containsOnly(0);
  }

  @Test
  void demandFollowsTheOfferedRateOverTheMinuteCentredOnEachSecond() {
    Workload w = Workload.of(SimTraces.levels(120, 10, 30), null, null, CONFIG);
    DemandModel demand = new DemandModel(CONFIG);

    assertThat(w.demand(60)).isEqualTo(demand.instances(sum(w, 30, 90), 60));
    assertThat(w.demand(120)).isEqualTo(demand.instances(sum(w, 90, 150), 60));
    assertThat(w.demand(0)).as("cut at the start").isEqualTo(demand.instances(sum(w, 0, 30), 30));
    assertThat(w.demand(239)).as("cut at the end").isEqualTo(demand.instances(sum(w, 209, 240), 31));
    assertThat(w.demand(89)).as("the rise is not yet in its window").isEqualTo(demand.instances(sum(w, 59, 119), 60));
    assertThat(w.demand(91)).as("the rise's first second is").isEqualTo(demand.instances(sum(w, 61, 121), 60));
    assertThat(w.demand(120)).isBetween(w.demand(60), w.demand(200));
    assertThat(w.demandHigh(200)).isLessThan(w.demand(200));
  }

  private static long sum(Workload w, int from, int to) {
    return IntStream.range(from, to).mapToLong(w::arrivals).sum();
  }

  @Test
  void aWindowWithoutDataIsRefused() {
    Trace trace = SimTraces.rows("0,1.0,1", "1,1.0,1");

    assertThatThrownBy(() -> Workload.of(trace, 100L, 200L, CONFIG))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("holds no trace data");
  }

  @Test
  void aWindowWithoutLoadCannotBeScaled() {
    Trace trace = SimTraces.rows("0,0.0,0", "1,0.0,0");

    assertThatThrownBy(() -> Workload.of(trace, null, null, CONFIG))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no load to scale");
  }
}
