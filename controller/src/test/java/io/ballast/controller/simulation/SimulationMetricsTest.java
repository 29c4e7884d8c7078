package io.ballast.controller.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The elasticity and surge metrics against hand-checked vectors (evaluation.md §5.8). */
class SimulationMetricsTest {

  /** d = [2,2,4,4,2], s = [2,2,2,4,4], Δt = 1, T = 5, ε = 1. */
  private static final Elasticity HAND_CHECKED =
      Elasticity.of(new double[] {2, 2, 4, 4, 2}, new double[] {2, 2, 2, 4, 4});

  static Stream<Arguments> handChecked() {
    return Stream.of(
        row("under-provisioning accuracy is 10 %: half an instance short in one of five steps", Elasticity::underAccuracy, 10),
        row("over-provisioning accuracy is 20 %: two surplus on a demand of two in one step", Elasticity::overAccuracy, 20),
        row("under-provisioning timeshare is 20 %", Elasticity::underTimeshare, 20),
        row("over-provisioning timeshare is 20 %", Elasticity::overTimeshare, 20),
        row("instability is 75 %: three of four moves mismatch", Elasticity::instability, 75),
        row("supply adapts by 2 units", Elasticity::supplyAdaptations, 2),
        row("demand adapts by 4 units", Elasticity::demandAdaptations, 4),
        row("jitter is -0.4 per step", Elasticity::jitterPerStep, -0.4),
        row("jitter is -1440 per hour", Elasticity::jitterPerHour, -1440));
  }

  private static Arguments row(String name, ToDoubleFunction<Elasticity> metric, double expected) {
    return Arguments.of(name, metric, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("handChecked")
  void theHandCheckedVectorsGiveTheDocumentedValues(String name, ToDoubleFunction<Elasticity> metric,
      double expected) {
    assertThat(metric.applyAsDouble(HAND_CHECKED)).isCloseTo(expected, within(1e-12));
  }

  @Test
  void aWarmingRampAddsUpToOneAdaptationPerInstance() {
    Elasticity e = Elasticity.of(new double[] {2, 2, 2, 2}, new double[] {1, 1.3, 1.65, 2});

    assertThat(e.supplyAdaptations()).isCloseTo(1, within(1e-12));
  }

  @Test
  void supplyThatMatchesDemandScoresZeroEverywhere() {
    Elasticity e = Elasticity.of(new double[] {1, 3, 3, 2}, new double[] {1, 3, 3, 2});

    assertThat(new double[] {e.underAccuracy(), e.overAccuracy(), e.underTimeshare(), e.overTimeshare(),
        e.instability(), e.jitterPerStep()}).containsOnly(0);
  }

  static Stream<Arguments> surges() {
    return Stream.of(
        Arguments.of("a surge that supply already covers takes 0 s",
            concat(repeat(2, 61), repeat(4, 5)), repeat(4, 66), new int[] {0}),
        Arguments.of("a surge is covered when supply first reaches demand",
            concat(repeat(2, 61), repeat(4, 10)), concat(repeat(2, 63), new double[] {3, 4}, repeat(4, 6)),
            new int[] {3}),
        Arguments.of("a rise below 50 % is no surge",
            concat(repeat(4, 61), repeat(5, 5)), repeat(4, 66), new int[0]),
        Arguments.of("a rise of 50 % spread over more than 60 s is no surge",
            concat(repeat(4, 61), repeat(5, 61), repeat(6, 61)), repeat(4, 183), new int[0]),
        Arguments.of("a surge never covered counts until the end of the run",
            concat(repeat(2, 61), repeat(4, 9)), repeat(2, 70), new int[] {9}),
        Arguments.of("a surge that stays high is counted once",
            concat(repeat(2, 61), repeat(4, 3), repeat(8, 5)), concat(repeat(2, 66), repeat(8, 3)),
            new int[] {5}),
        Arguments.of("two surges with a fall between them are counted apart",
            concat(repeat(2, 61), repeat(4, 5), repeat(2, 61), repeat(4, 5)),
            concat(repeat(2, 62), repeat(4, 70)), new int[] {1, 0}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("surges")
  void timeToCapacityIsMeasuredFromEachSurge(String name, double[] demand, double[] supply, int[] expected) {
    int[] ttc = TimeToCapacity.of(demand.length, t -> demand[t], t -> supply[t]);

    assertThat(ttc).containsExactly(expected);
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(TimeToCapacity.median(new int[] {10, 0, 5, 3})).isEqualTo(4.0);
    assertThat(TimeToCapacity.max(new int[] {10, 0, 5, 3})).isEqualTo(10.0);
    assertThat(TimeToCapacity.median(new int[0])).isNaN();
  }

  private static double[] repeat(double value, int times) {
    return IntStream.range(0, times).mapToDouble(i -> value).toArray();
  }

  private static double[] concat(double[]... parts) {
    return Stream.of(parts).flatMapToDouble(java.util.Arrays::stream).toArray();
  }
}
