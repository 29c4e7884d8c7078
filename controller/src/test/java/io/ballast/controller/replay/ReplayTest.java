package io.ballast.controller.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.controller.policy.Evaluation;
import io.ballast.controller.policy.Policies;
import io.ballast.persistence.event.ClassLoad;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.PolicySet;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The replay fold on histories recorded the way the entity records them: through {@link Evaluation}. */
class ReplayTest {

  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Duration W = Duration.ofSeconds(5);
  private static final Policies POLICIES = new Policies();

  /** A history as the entity writes it: the policy, then each window with what was decided from it. */
  private static List<ServiceEvent> record(List<Integer> loads) {
    List<ServiceEvent> events = new ArrayList<>();
    ServiceState state = ServiceState.initial();
    PolicySet policy = new PolicySet(T0, BallastPolicy.defaults(), null, PolicySet.FROM_CONFIG, null);
    events.add(policy);
    state = state.apply(policy);
    for (int i = 0; i < loads.size(); i++) {
      Instant start = T0.plus(W.multipliedBy(i));
      MetricsObserved window = new MetricsObserved(start, start.plus(W),
          List.of(new ClassLoad("critical", loads.get(i) * 0.6, 0, 0, 20.0, 90.0),
              new ClassLoad("sheddable", loads.get(i) * 0.4, 0, 0, 20.0, 90.0)),
          null, null, new InstanceCounts(Math.max(1, state.desiredInstances()), 0, 0, 0), 10, 1);
      for (ServiceEvent e : Evaluation.of(state, window, POLICIES)) {
        events.add(e);
        state = state.apply(e);
      }
    }
    return events;
  }

  private static Replay.Result replay(List<ServiceEvent> events, Instant at, Instant from, Instant to) {
    Replay replay = new Replay(POLICIES, at, from, to);
    for (int i = 0; i < events.size(); i++) {
      // Written one millisecond per event after its own time, as a journal would.
      replay.add(i + 1, events.get(i).at().toEpochMilli() + 1, events.get(i));
    }
    return replay.result();
  }

  @Property(tries = 100)
  void aHistoryRecordedThroughEvaluationIsReproducedExactly(
      @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 20_000) Integer> loads) {
    Replay.Result result = replay(record(loads), null, null, null);

    assertThat(result.reproduction().windows()).isEqualTo(loads.size());
    assertThat(result.reproduction().exact()).as("%s", result.reproduction().differing()).isTrue();
    assertThat(result.timeline()).hasSize(loads.size());
  }

  @Property(tries = 50)
  void theStateAtTheEndIsTheFoldOfTheWholeHistory(
      @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 20_000) Integer> loads) {
    List<ServiceEvent> events = record(loads);
    ServiceState folded = ServiceState.initial();
    for (ServiceEvent e : events) {
      folded = folded.apply(e);
    }

    assertThat(replay(events, null, null, null).stateAt()).isEqualTo(folded);
  }

  @Test
  void aDecisionThatIsNotWhatThePolicyDecidesIsReportedWithBothVersions() {
    List<ServiceEvent> events = record(List.of(100, 5000, 5000, 200));
    // The last decision: an earlier one would change the state every later window is decided from, so those
    // would differ too.
    int index = -1;
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i) instanceof ScaleDecided) {
        index = i;
      }
    }
    ScaleDecided original = (ScaleDecided) events.get(index);
    events.set(index, new ScaleDecided(original.at(), original.from(), original.to() + 7, original.mode(),
        original.reason()));

    Replay.Result result = replay(events, null, null, null);

    assertThat(result.reproduction().exact()).isFalse();
    assertThat(result.reproduction().differing()).hasSize(1);
    Replay.Mismatch mismatch = result.reproduction().differing().get(0);
    assertThat(mismatch.windowEnd()).isEqualTo(original.at());
    assertThat(mismatch.recorded()).contains(events.get(index));
    assertThat(mismatch.replayed()).contains(original);
  }

  @Test
  void theStateAtAnInstantLeavesOutWhatWasRecordedAfterIt() {
    List<ServiceEvent> events = record(List.of(100, 200, 300, 400));
    Instant second = T0.plus(W.multipliedBy(2));

    // The second window's events are written 1 ms after it ends.
    Replay.Result justBefore = replay(events, second, null, null);
    Replay.Result result = replay(events, second.plusMillis(1), null, null);

    assertThat(justBefore.stateAt().closedThrough()).isEqualTo(T0.plus(W));
    assertThat(result.stateAt().closedThrough()).isEqualTo(second);
    assertThat(result.stateAtSequenceNr()).isLessThan(result.lastSequenceNr());
  }

  @Test
  void theTimelineHoldsOnlyTheWindowsThatEndedInTheRange() {
    List<ServiceEvent> events = record(List.of(100, 200, 300, 400, 500));

    Replay.Result result = replay(events, null, T0.plus(W.multipliedBy(2)), T0.plus(W.multipliedBy(4)));

    assertThat(result.timeline()).extracting(Replay.Point::windowEnd)
        .containsExactly(T0.plus(W.multipliedBy(2)), T0.plus(W.multipliedBy(3)), T0.plus(W.multipliedBy(4)));
    assertThat(result.reproduction().windows()).isEqualTo(5);
  }
}
