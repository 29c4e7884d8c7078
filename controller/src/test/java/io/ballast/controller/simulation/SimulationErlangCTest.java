package io.ballast.controller.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The M/M/c model behind the within-second waits and the demand d_t. */
class SimulationErlangCTest {

  private static final SimulationConfig CONFIG = SimulationConfig.defaults();
  private static final DemandModel DEMAND = new DemandModel(CONFIG);

  static Stream<Arguments> waitProbabilities() {
    return Stream.of(
        Arguments.of("two servers at load one wait a third of the time (the check value)", 2, 1.0, 1.0 / 3),
        Arguments.of("one server waits as often as it is busy", 1, 0.5, 0.5),
        Arguments.of("no load never waits", 5, 0.0, 0.0),
        Arguments.of("load equal to the servers always waits", 3, 3.0, 1.0),
        Arguments.of("load above the servers always waits", 3, 7.5, 1.0),
        Arguments.of("no servers always wait", 0, 0.5, 1.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("waitProbabilities")
  void erlangCIsTheProbabilityOfWaiting(String name, int servers, double load, double expected) {
    assertThat(ErlangC.waitProbability(servers, load)).isCloseTo(expected, within(1e-12));
  }

  @Test
  void theWaitTailDecaysAtTheSpareServiceRate() {
    // M/M/1, λ = 50, μ = 100: P(W > 0.1) = ρ·e^{−(μ − λ)·0.1}.
    assertThat(ErlangC.waitExceeds(1, 50, 100, 0.1)).isCloseTo(0.5 * Math.exp(-5), within(1e-15));
  }

  @Test
  void noLoadNeedsOneInstance() {
    assertThat(DEMAND.instances(0.0)).isEqualTo(1);
  }

  @Test
  void demandIsTheFewestInstancesThatMeetTheSlo() {
    for (double rate = 1; rate < 20_000; rate *= 1.07) {
      int c = DEMAND.instances(rate);
      assertThat(DEMAND.meets(c, rate)).as("%d instances at %.1f rps", c, rate).isTrue();
      if (c > 1) {
        assertThat(DEMAND.meets(c - 1, rate)).as("%d instances at %.1f rps", c - 1, rate).isFalse();
      }
    }
  }

  @Test
  void moreLoadNeverNeedsFewerInstances() {
    int before = 1;
    for (int rate = 0; rate <= 6000; rate += 7) {
      int c = DEMAND.instances(rate);
      assertThat(c).isGreaterThanOrEqualTo(before);
      before = c;
    }
  }

  @Test
  void aRememberedAnswerIsTheComputedOne() {
    assertThat(DEMAND.instances(3931 * 60L, 60)).isEqualTo(DEMAND.instances(3931.0));
    assertThat(DEMAND.instances(3931 * 60L, 60)).isEqualTo(DEMAND.instances(3931.0));
  }

  @Test
  void theRateMidwayBetweenTwoCountsNeedsTheHigherOne() {
    double between = (DEMAND.maxRate(39) + DEMAND.maxRate(40)) / 2;

    assertThat(DEMAND.instances(between)).isEqualTo(40);
    assertThat(DEMAND.instances(DEMAND.maxRate(40))).isEqualTo(40);
    assertThat(DEMAND.instances(Math.nextUp(DEMAND.maxRate(40)) * 1.000001)).isEqualTo(41);
  }

  @Test
  void theAmplitudeScalesTheP99RateToThePeakInstances() {
    Amplitude a = Amplitude.forPeak(98, 40, DEMAND);

    assertThat(a.p99Rps()).isEqualTo(98);
    assertThat(DEMAND.instances(a.factor() * a.p99Rps())).isEqualTo(40);
    assertThat(DEMAND.instances(Amplitude.forPeak(0.7, 1, DEMAND).targetRps())).isEqualTo(1);
  }
}
