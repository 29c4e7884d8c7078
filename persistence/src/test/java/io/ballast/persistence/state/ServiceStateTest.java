package io.ballast.persistence.state;

import static io.ballast.persistence.state.Samples.T0;
import static io.ballast.persistence.state.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.PolicySet;
import io.ballast.persistence.event.PolicySettings;
import io.ballast.persistence.event.Reason;
import io.ballast.persistence.event.SamplesRecorded;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ShedLevelsChanged;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceStateTest {

  private static final PolicySettings POLICY = new PolicySettings(1, 10, 100, 0.1);
  private static final Reason REASON = new Reason(Reason.Code.TRACKING_TARGET, Reason.Signal.REQUESTS_PER_INSTANCE, 50, 100, 2);

  @Test
  void aNewServiceIsEmpty() {
    ServiceState s = ServiceState.initial();

    assertThat(s.isEmpty()).isTrue();
    assertThat(s.lastDecision()).isEmpty();
    assertThat(s.instances()).isEqualTo(InstanceCounts.NONE);
  }

  @Test
  void aPolicySetIsInForceAndRemembersWhoSetIt() {
    ServiceState s = ServiceState.initial().apply(new PolicySet(T0, POLICY, null, PolicySet.FROM_CONFIG));

    assertThat(s.policy()).isEqualTo(POLICY);
    assertThat(s.policySetBy()).isEqualTo("config");
    assertThat(s.isEmpty()).isFalse();
  }

  @Test
  void recordedSamplesOpenTheirWindowAndAreCounted() {
    ServiceState s = ServiceState.initial()
        .apply(recorded(5, sample("a", "critical", 1, 10), sample("a", "critical", 2, 10)))
        .apply(recorded(0, sample("a", "critical", 6, 10)));

    assertThat(s.openWindows()).extracting(OpenWindow::start).containsExactly(T0, T0.plusSeconds(5));
    assertThat(s.openWindow(T0.plusSeconds(5)).orElseThrow().sampleCount()).isEqualTo(2);
    assertThat(s.samplesRecorded()).isEqualTo(3);
  }

  @Test
  void anObservationClosesItsWindowAndReportsInstances() {
    var instances = new InstanceCounts(4, 1, 0, 0);
    ServiceState s = ServiceState.initial()
        .apply(recorded(0, sample("a", "critical", 1, 10)))
        .apply(recorded(5, sample("a", "critical", 6, 10)));
    MetricsObserved observed = new MetricsObserved(T0, T0.plusSeconds(5), List.of(), null, null, instances, 1, 1);

    ServiceState closed = s.apply(observed);

    assertThat(closed.openWindows()).extracting(OpenWindow::start).containsExactly(T0.plusSeconds(5));
    assertThat(closed.closedThrough()).isEqualTo(T0.plusSeconds(5));
    assertThat(closed.instances()).isEqualTo(instances);
    assertThat(closed.recentWindows()).containsExactly(observed);
  }

  @Test
  void anObservationWithoutInstancesKeepsTheLastReport() {
    var instances = new InstanceCounts(4, 1, 0, 0);
    ServiceState s = ServiceState.initial()
        .apply(new MetricsObserved(T0, T0.plusSeconds(5), List.of(), null, null, instances, 1, 1))
        .apply(new MetricsObserved(T0.plusSeconds(5), T0.plusSeconds(10), List.of(), null, null, null, 1, 1));

    assertThat(s.instances()).isEqualTo(instances);
  }

  @Test
  void aDecisionSetsDesiredInstancesAndIsRemembered() {
    ScaleDecided decided = new ScaleDecided(T0, 0, 3, REASON);

    ServiceState s = ServiceState.initial().apply(decided);

    assertThat(s.desiredInstances()).isEqualTo(3);
    assertThat(s.lastDecision()).contains(decided);
  }

  @Test
  void onlyTheLatestDecisionsAndWindowsAreKept() {
    ServiceState s = ServiceState.initial();
    for (int i = 0; i < ServiceState.RECENT_DECISIONS + 5; i++) {
      s = s.apply(new ScaleDecided(T0.plusSeconds(i), i, i + 1, REASON));
      s = s.apply(new MetricsObserved(T0.plusSeconds(5L * i), T0.plusSeconds(5L * i + 5), List.of(), null, null, null, 0, 0));
    }

    assertThat(s.recentDecisions()).hasSize(ServiceState.RECENT_DECISIONS);
    assertThat(s.recentDecisions().get(0).to()).isEqualTo(6);
    assertThat(s.lastDecision().orElseThrow().to()).isEqualTo(ServiceState.RECENT_DECISIONS + 5);
    assertThat(s.recentWindows()).hasSize(ServiceState.RECENT_WINDOWS);
  }

  @Test
  void shedLevelsReplaceTheAdmissionInForce() {
    var levels = List.of(new Admission("sheddable", 0.25));

    ServiceState s = ServiceState.initial().apply(new ShedLevelsChanged(T0, levels, REASON));

    assertThat(s.admission()).isEqualTo(levels);
  }

  @Test
  void policySettingsRefuseNonsenseNamingTheSetting() {
    assertThatThrownBy(() -> new PolicySettings(5, 3, 100, 0.1))
        .hasMessage("max-instances (3) must be >= min-instances (5)");
    assertThatThrownBy(() -> new PolicySettings(-1, 3, 100, 0.1)).hasMessageStartingWith("min-instances");
    assertThatThrownBy(() -> new PolicySettings(1, 3, 0, 0.1)).hasMessageStartingWith("target-requests-per-instance");
    assertThatThrownBy(() -> new PolicySettings(1, 3, Double.NaN, 0.1)).hasMessageStartingWith("target-requests-per-instance");
    assertThatThrownBy(() -> new PolicySettings(1, 3, 100, 1.5)).hasMessageStartingWith("tolerance");
  }

  private static SamplesRecorded recorded(int windowStartSecond, io.ballast.persistence.event.Sample... samples) {
    return new SamplesRecorded(T0.plusSeconds(30), T0.plusSeconds(windowStartSecond), T0.plusSeconds(windowStartSecond + 5L),
        List.of(samples));
  }
}
