package io.ballast.persistence.state;

import static io.ballast.persistence.state.Samples.T0;
import static io.ballast.persistence.state.Samples.sample;
import static io.ballast.persistence.state.Samples.withGauges;
import static io.ballast.persistence.state.Samples.withLatency;
import static io.ballast.persistence.state.Samples.withPeriod;
import static io.ballast.persistence.state.Samples.withShed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.persistence.event.ClassLoad;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.Sample;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OpenWindowTest {

  private static final List<String> ORDER = List.of("critical", "sheddable");

  static Stream<Arguments> offeredRates() {
    return Stream.of(
        Arguments.of("one source reporting every second gives its mean rate",
            List.of(sample("lb-1", "critical", 1, 100), sample("lb-1", "critical", 2, 300)), 200.0),
        Arguments.of("two sources add up",
            List.of(sample("lb-1", "critical", 1, 100), sample("lb-2", "critical", 1, 50)), 150.0),
        Arguments.of("a source that missed a report is not read as a dip",
            List.of(sample("lb-1", "critical", 1, 100), sample("lb-1", "critical", 3, 100),
                sample("lb-2", "critical", 1, 100), sample("lb-2", "critical", 2, 100),
                sample("lb-2", "critical", 3, 100)), 200.0),
        Arguments.of("a five-second sample counts as its rate, not its count",
            List.of(withPeriod(sample("lb-1", "critical", 5, 500), 5)), 100.0),
        Arguments.of("shed requests are still offered",
            List.of(withShed(sample("lb-1", "critical", 1, 100), 40, 0)), 100.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("offeredRates")
  void offeredRate(String name, List<Sample> samples, double expectedRps) {
    MetricsObserved observed = window(samples).observe(ORDER);

    assertThat(observed.offeredRps()).isCloseTo(expectedRps, within(1e-9));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("latencies")
  void latency(String name, List<Sample> samples, Double expectedP50, Double expectedP99) {
    ClassLoad load = window(samples).observe(ORDER).classes().get(0);

    assertThat(load.latencyP50Ms()).isEqualTo(expectedP50);
    assertThat(load.latencyP99Ms()).isEqualTo(expectedP99);
  }

  static Stream<Arguments> latencies() {
    return Stream.of(
        Arguments.of("quantiles are weighted by the requests they describe",
            List.of(withLatency(sample("a", "critical", 1, 300), 10.0, 100.0),
                withLatency(sample("b", "critical", 1, 100), 50.0, 500.0)), 20.0, 200.0),
        Arguments.of("a source reporting only p99 does not dilute p50",
            List.of(withLatency(sample("a", "critical", 1, 100), 10.0, 100.0),
                withLatency(sample("b", "critical", 1, 100), null, 300.0)), 10.0, 200.0),
        Arguments.of("shed requests carry no latency",
            List.of(withLatency(withShed(sample("a", "critical", 1, 100), 100, 0), 999.0, 999.0),
                withLatency(sample("b", "critical", 1, 10), 5.0, 7.0)), 5.0, 7.0),
        Arguments.of("no latency reported reads as unknown, not zero",
            List.of(sample("a", "critical", 1, 100)), null, null),
        Arguments.of("a latency of zero is a latency",
            List.of(withLatency(sample("a", "critical", 1, 100), 0.0, 0.0)), 0.0, 0.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gauges")
  void gauge(String name, List<Sample> samples, Double concurrency, Double cpu) {
    MetricsObserved observed = window(samples).observe(ORDER);

    assertClose(observed.concurrency(), concurrency);
    assertClose(observed.cpu(), cpu);
  }

  private static void assertClose(Double actual, Double expected) {
    if (expected == null) {
      assertThat(actual).isNull();
    } else {
      assertThat(actual).isCloseTo(expected, within(1e-9));
    }
  }

  static Stream<Arguments> gauges() {
    return Stream.of(
        Arguments.of("concurrency is averaged over time within a source and summed across sources and classes",
            List.of(withGauges(sample("a", "critical", 1, 1), 10.0, null, null),
                withGauges(sample("a", "critical", 2, 1), 30.0, null, null),
                withGauges(sample("b", "critical", 1, 1), 5.0, null, null),
                withGauges(sample("b", "sheddable", 1, 1), 5.0, null, null)), 30.0, null),
        Arguments.of("cpu is the time-weighted mean of what sources report",
            List.of(withGauges(sample("a", "critical", 1, 1), null, 0.2, null),
                withGauges(withPeriod(sample("b", "critical", 3, 1), 3), null, 0.6, null)), null, 0.5),
        Arguments.of("gauges nobody reported read as unknown",
            List.of(sample("a", "critical", 1, 1)), null, null));
  }

  @org.junit.jupiter.api.Test
  void classesComeInPriorityOrderAndUnknownClassesLast() {
    var observed = window(List.of(sample("a", "zeta", 1, 1), sample("a", "sheddable", 1, 1),
        sample("a", "alpha", 1, 1), sample("a", "critical", 1, 1))).observe(ORDER);

    assertThat(observed.classes()).extracting(ClassLoad::priority)
        .containsExactly("critical", "sheddable", "alpha", "zeta");
  }

  @org.junit.jupiter.api.Test
  void theLatestInstanceCountReportedWins() {
    var early = new InstanceCounts(3, 0, 0, 0);
    var late = new InstanceCounts(5, 1, 0, 0);
    var observed = window(List.of(
        withGauges(sample("b", "critical", 4, 1), null, null, late),
        withGauges(sample("a", "critical", 2, 1), null, null, early))).observe(ORDER);

    assertThat(observed.instances()).isEqualTo(late);
    assertThat(observed.sampleCount()).isEqualTo(2);
    assertThat(observed.sourceCount()).isEqualTo(2);
  }

  @org.junit.jupiter.api.Test
  void knowsWhichSamplesItHolds() {
    Sample s = sample("a", "critical", 1, 1);
    OpenWindow w = window(List.of(s));

    assertThat(w.contains(s.key())).isTrue();
    assertThat(w.contains(sample("a", "critical", 2, 1).key())).isFalse();
    assertThat(w.contains(sample("b", "critical", 1, 1).key())).isFalse();
    assertThat(w.contains(sample("a", "sheddable", 1, 1).key())).isFalse();
  }

  @org.junit.jupiter.api.Test
  void addingSamplesInOneGoOrSeveralGivesTheSameWindow() {
    List<Sample> samples = List.of(sample("a", "critical", 1, 10), sample("b", "critical", 1, 20),
        sample("a", "critical", 2, 30), sample("a", "sheddable", 2, 40));

    OpenWindow once = window(samples);
    OpenWindow piecewise = OpenWindow.empty(T0, T0.plusSeconds(5));
    for (Sample s : samples) {
      piecewise = piecewise.plus(List.of(s));
    }
    assertThat(piecewise).isEqualTo(once);
  }

  private static OpenWindow window(List<Sample> samples) {
    return OpenWindow.empty(T0, T0.plusSeconds(5)).plus(samples);
  }
}
