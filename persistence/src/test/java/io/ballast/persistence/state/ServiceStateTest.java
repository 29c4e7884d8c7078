package io.ballast.persistence.state;

import static io.ballast.persistence.state.Samples.T0;
import static io.ballast.persistence.state.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.PolicySet;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.event.ShedReason;
import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.policy.PolicySettings;
import java.time.Duration;
import io.ballast.persistence.event.Reason;
import io.ballast.persistence.event.SamplesRecorded;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ShedLevelsChanged;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceStateTest {

  private static final PolicySettings POLICY = BallastPolicy.defaults();
  private static final Reason REASON =
      new Reason(Reason.Code.TRACKING_TARGET, Reason.Signal.REQUESTS_PER_INSTANCE, 50, 100, 2);

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
    ScaleDecided decided = new ScaleDecided(T0, 0, 3, Mode.NORMAL, REASON);

    ServiceState s = ServiceState.initial().apply(decided);

    assertThat(s.desiredInstances()).isEqualTo(3);
    assertThat(s.lastDecision()).contains(decided);
  }

  @Test
  void keepsTheWindowsAndDecisionsOfThePolicysHorizon() {
    // The default policy looks back 300 s (its scale-down stabilization window).
    ServiceState s = ServiceState.initial().apply(new PolicySet(T0, POLICY, null, PolicySet.FROM_CONFIG));
    for (int i = 0; i < 200; i++) {
      s = s.apply(new MetricsObserved(T0.plusSeconds(5L * i), T0.plusSeconds(5L * i + 5), List.of(), null, null, null, 0, 0));
      s = s.apply(new ScaleDecided(T0.plusSeconds(5L * i + 5), i, i + 1, Mode.NORMAL, REASON));
    }

    assertThat(s.horizon()).isEqualTo(Duration.ofSeconds(300));
    assertThat(s.recentDecisions()).hasSize(61);
    assertThat(s.recentDecisions().get(0).at()).isEqualTo(T0.plusSeconds(1000 - 300));
    assertThat(s.lastDecision().orElseThrow().to()).isEqualTo(200);
    assertThat(s.recentWindows()).hasSize(61);
  }

  @Test
  void keepsAtLeastTwoMinutesWhateverThePolicy() {
    ServiceState s = ServiceState.initial();
    for (int i = 0; i < 100; i++) {
      s = s.apply(new ScaleDecided(T0.plusSeconds(i), i, i + 1, Mode.NORMAL, REASON));
    }

    assertThat(s.recentDecisions()).hasSize(100);
  }

  @Test
  void aDecisionSetsTheMode() {
    ServiceState s = ServiceState.initial().apply(new ScaleDecided(T0, 3, 3, Mode.METRIC_OUTAGE, REASON));

    assertThat(s.mode()).isEqualTo(Mode.METRIC_OUTAGE);
  }

  @Test
  void shedLevelsReplaceTheAdmissionInForce() {
    var levels = List.of(new Admission("sheddable", 0.25));
    var why = new ShedReason(ShedReason.Code.DEFICIT, 1200, 1000, 200, 300);

    ServiceState s = ServiceState.initial().apply(new ShedLevelsChanged(T0, levels, why));

    assertThat(s.admission()).isEqualTo(levels);
    assertThat(s.shedReason()).isEqualTo(why);
  }

  @Test
  void anEmptyWindowClosesTimeButIsNoSample() {
    ServiceState s = ServiceState.initial()
        .apply(new MetricsObserved(T0, T0.plusSeconds(5), List.of(), null, null, null, 3, 1))
        .apply(new MetricsObserved(T0.plusSeconds(5), T0.plusSeconds(60), List.of(), null, null, null, 0, 0));

    assertThat(s.closedThrough()).isEqualTo(T0.plusSeconds(60));
    assertThat(s.lastSampleAt()).isEqualTo(T0.plusSeconds(5));
  }

  @Test
  void policySettingsRefuseNonsenseNamingTheSetting() {
    BallastPolicy d = BallastPolicy.defaults();
    assertThatThrownBy(() -> new BallastPolicy(5, 3, d.targets(), 0.1, 0.1, d.stableWindow(), d.scaleUp(),
        d.scaleDown(), d.panic(), d.warmUp(), d.cooldown(), d.metricOutage(), d.shedding()))
        .hasMessage("max-instances (3) must be >= min-instances (5)");
    assertThatThrownBy(() -> new BallastPolicy.Targets(0.0, null, null, null))
        .hasMessageStartingWith("targets.requests-per-instance");
    assertThatThrownBy(() -> new BallastPolicy.Targets(null, null, 1.5, null))
        .hasMessageStartingWith("targets.cpu-utilization");
    assertThatThrownBy(() -> new BallastPolicy.Panic(true, Duration.ofSeconds(6), 0.5, Duration.ofSeconds(60)))
        .hasMessageStartingWith("panic.threshold");
    assertThatThrownBy(() -> new BallastPolicy.Shedding(true, null, 1.5, 0.05, 2, Duration.ofMinutes(5)))
        .hasMessageStartingWith("shedding.max-utilization");
    assertThatThrownBy(() -> new BallastPolicy.Cooldown(Duration.ofSeconds(-1), Duration.ZERO))
        .hasMessageStartingWith("cooldown.after-scale-up");
  }

  private static SamplesRecorded recorded(int windowStartSecond, io.ballast.persistence.event.Sample... samples) {
    return new SamplesRecorded(T0.plusSeconds(30), T0.plusSeconds(windowStartSecond), T0.plusSeconds(windowStartSecond + 5L),
        List.of(samples));
  }
}
