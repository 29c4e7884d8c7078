package io.ballast.controller.service;

import static io.ballast.controller.Observations.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.controller.TestPolicies;
import io.ballast.controller.policy.Policies;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.event.PolicySet;
import io.ballast.persistence.event.Sample;
import io.ballast.persistence.event.SamplesRecorded;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowClosingTest {

  private static final PolicySettings POLICY = TestPolicies.tracking(1, 50, 100);
  private static final Duration WINDOW = Duration.ofSeconds(5);
  private static final Duration GRACE = Duration.ofSeconds(2);
  private static final List<String> CLASSES = List.of("critical", "sheddable");

  @Test
  void aWindowStaysOpenUntilItsGraceHasPassed() {
    ServiceState s = withTraffic(0, 1000);

    assertThat(close(s, T0.plusSeconds(6))).isEmpty();
    assertThat(close(s, T0.plusSeconds(7))).hasSize(2);
  }

  @Test
  void aClosedWindowIsObservedThenDecided() {
    List<ServiceEvent> events = close(withTraffic(0, 1000), T0.plusSeconds(7));

    assertThat(events.get(0)).isInstanceOfSatisfying(MetricsObserved.class, o -> {
      assertThat(o.windowStart()).isEqualTo(T0);
      assertThat(o.offeredRps()).isEqualTo(1000);
    });
    assertThat(events.get(1)).isInstanceOfSatisfying(ScaleDecided.class, d -> {
      assertThat(d.to()).isEqualTo(10);
      assertThat(d.at()).isEqualTo(T0.plusSeconds(5));
    });
  }

  @Test
  void everyClosedWindowIsDecidedEvenWhenNothingChanges() {
    ServiceState s = fold(withTraffic(0, 1000), close(withTraffic(0, 1000), T0.plusSeconds(7)));
    s = s.apply(recorded(5, 1000));

    List<ServiceEvent> events = close(s, T0.plusSeconds(12));

    assertThat(events).last().isInstanceOfSatisfying(ScaleDecided.class, d -> {
      assertThat(d.from()).isEqualTo(10);
      assertThat(d.to()).isEqualTo(10);
      assertThat(d.changed()).isFalse();
    });
  }

  @Test
  void severalDueWindowsAreDecidedInOrderEachFromTheStateBeforeIt() {
    ServiceState s = withTraffic(0, 1000).apply(recorded(5, 3000));

    List<ServiceEvent> events = close(s, T0.plusSeconds(12));

    assertThat(events).filteredOn(ScaleDecided.class::isInstance).map(e -> ((ScaleDecided) e).to())
        .containsExactly(10, 30);
    assertThat(events).filteredOn(ScaleDecided.class::isInstance).map(e -> ((ScaleDecided) e).from())
        .containsExactly(10, 10);
  }

  @Test
  void whenSamplesStopAnEmptyWindowIsClosedSoTheServiceKeepsBeingDecided() {
    ServiceState s = fold(withTraffic(0, 1000), close(withTraffic(0, 1000), T0.plusSeconds(7)));

    assertThat(close(s, T0.plusSeconds(11))).isEmpty();
    List<ServiceEvent> events = close(s, T0.plusSeconds(63));

    assertThat(events.get(0)).isInstanceOfSatisfying(MetricsObserved.class, o -> {
      assertThat(o.sampleCount()).isZero();
      assertThat(o.windowStart()).isEqualTo(T0.plusSeconds(5));
      assertThat(o.windowEnd()).isEqualTo(T0.plusSeconds(60));
    });
    assertThat(events.get(1)).isInstanceOfSatisfying(ScaleDecided.class,
        d -> assertThat(d.mode()).isEqualTo(Mode.METRIC_OUTAGE));
  }

  @Test
  void aServiceThatNeverClosedAWindowIsNotDecided() {
    ServiceState s = ServiceState.initial().apply(new PolicySet(T0, POLICY, null, PolicySet.FROM_CONFIG));

    assertThat(close(s, T0.plusSeconds(600))).isEmpty();
  }

  private static List<ServiceEvent> close(ServiceState s, Instant now) {
    return WindowClosing.close(s, now, WINDOW, GRACE, CLASSES, new Policies());
  }

  private static ServiceState withTraffic(int windowStart, long rps) {
    return ServiceState.initial()
        .apply(new PolicySet(T0, POLICY, null, PolicySet.FROM_CONFIG))
        .apply(recorded(windowStart, rps));
  }

  private static SamplesRecorded recorded(int windowStart, long rps) {
    Sample s = new Sample(T0.plusSeconds(windowStart + 1L), 1, "critical", "lb-1", rps, 0, 0, null, null, null, null,
        InstanceCounts.NONE);
    return new SamplesRecorded(T0, T0.plusSeconds(windowStart), T0.plusSeconds(windowStart + 5L), List.of(s));
  }

  private static ServiceState fold(ServiceState s, List<ServiceEvent> events) {
    for (ServiceEvent e : events) {
      s = s.apply(e);
    }
    return s;
  }
}
