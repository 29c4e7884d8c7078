package io.ballast.controller.service;

import static io.ballast.controller.Observations.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.controller.service.SampleIntake.Outcome;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.Sample;
import io.ballast.persistence.event.SamplesRecorded;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleIntakeTest {

  private static final Duration WINDOW = Duration.ofSeconds(5);
  private static final Instant NOW = T0.plusSeconds(60);

  @Test
  void aSampleBelongsToTheWindowInWhichItsPeriodBegan() {
    // Periods (4,5] and (5,6] end in different windows' territory; (4,5] began in [0,5).
    var plan = SampleIntake.plan(ServiceState.initial(), List.of(List.of(at(5), at(6))), WINDOW, NOW);

    assertThat(plan.events()).extracting(SamplesRecorded::windowStart).containsExactly(T0, T0.plusSeconds(5));
    assertThat(plan.events()).allSatisfy(e -> assertThat(e.at()).isEqualTo(NOW));
    assertThat(plan.events().get(0).windowEnd()).isEqualTo(T0.plusSeconds(5));
  }

  @Test
  void windowsAreAlignedToMultiplesOfTheirLength() {
    assertThat(SampleIntake.windowStart(Instant.parse("2026-11-25T10:00:07.300Z"), WINDOW))
        .isEqualTo(Instant.parse("2026-11-25T10:00:05Z"));
    assertThat(SampleIntake.windowStart(Instant.parse("2026-11-25T10:00:05Z"), WINDOW))
        .isEqualTo(Instant.parse("2026-11-25T10:00:05Z"));
  }

  @Test
  void batchesWrittenTogetherEachGetTheirOwnOutcome() {
    var plan = SampleIntake.plan(ServiceState.initial(),
        List.of(List.of(at(1), at(2)), List.of(at(2), at(3)), List.of(at(3))), WINDOW, NOW);

    assertThat(plan.outcomes()).containsExactly(new Outcome(2, 0, 0), new Outcome(1, 1, 0), new Outcome(0, 1, 0));
    assertThat(plan.events()).hasSize(1);
    assertThat(plan.events().get(0).samples()).extracting(Sample::at)
        .containsExactly(T0.plusSeconds(1), T0.plusSeconds(2), T0.plusSeconds(3));
  }

  @Test
  void aRetriedBatchIsRecordedOnce() {
    var first = SampleIntake.plan(ServiceState.initial(), List.of(List.of(at(1), at(2))), WINDOW, NOW);
    ServiceState after = ServiceState.initial().apply(first.events().get(0));

    var retry = SampleIntake.plan(after, List.of(List.of(at(1), at(2), at(3))), WINDOW, NOW);

    assertThat(retry.outcomes()).containsExactly(new Outcome(1, 2, 0));
    assertThat(retry.events().get(0).samples()).extracting(Sample::at).containsExactly(T0.plusSeconds(3));
  }

  @Test
  void theSameInstantFromAnotherSourceOrClassIsNotADuplicate() {
    Sample a = at(1);
    Sample otherSource = new Sample(a.at(), 1, "critical", "lb-2", 5, 0, 0, null, null, null, null, null);
    Sample otherClass = new Sample(a.at(), 1, "sheddable", "lb-1", 5, 0, 0, null, null, null, null, null);

    var plan = SampleIntake.plan(ServiceState.initial(), List.of(List.of(a, otherSource, otherClass)), WINDOW, NOW);

    assertThat(plan.outcomes()).containsExactly(new Outcome(3, 0, 0));
  }

  @Test
  void samplesForAClosedWindowAreLate() {
    ServiceState closed = ServiceState.initial()
        .apply(new MetricsObserved(T0, T0.plusSeconds(5), List.of(), null, null, null, 0, 0));

    var plan = SampleIntake.plan(closed, List.of(List.of(at(3), at(7))), WINDOW, NOW);

    assertThat(plan.outcomes()).containsExactly(new Outcome(1, 0, 1));
    assertThat(plan.events()).extracting(SamplesRecorded::windowStart).containsExactly(T0.plusSeconds(5));
  }

  @Test
  void nothingNewMeansNothingToWrite() {
    var first = SampleIntake.plan(ServiceState.initial(), List.of(List.of(at(1))), WINDOW, NOW);
    ServiceState after = ServiceState.initial().apply(first.events().get(0));

    var again = SampleIntake.plan(after, List.of(List.of(at(1))), WINDOW, NOW);

    assertThat(again.events()).isEmpty();
    assertThat(again.outcomes()).containsExactly(new Outcome(0, 1, 0));
  }

  /** A one-second critical sample from lb-1 ending {@code second} seconds after T0. */
  private static Sample at(int second) {
    return new Sample(T0.plusSeconds(second), 1, "critical", "lb-1", 10, 0, 0, null, null, null, null, null);
  }
}
