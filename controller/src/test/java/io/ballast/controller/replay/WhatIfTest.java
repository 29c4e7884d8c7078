package io.ballast.controller.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.controller.policy.Evaluation;
import io.ballast.controller.policy.Policies;
import io.ballast.controller.simulation.InvalidInputException;
import io.ballast.persistence.event.ClassLoad;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.PolicySet;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.policy.HpaPolicy;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** What-if on histories recorded the way the entity records them, through {@link Evaluation}. */
class WhatIfTest {

  private static final Instant T0 = Instant.parse("2026-11-27T09:00:00Z");
  private static final Duration W = Duration.ofSeconds(5);
  private static final Policies POLICIES = new Policies();
  private static final HpaPolicy HPA = HpaPolicy.defaults(HpaPolicy.Metric.REQUESTS_PER_INSTANCE, 100);
  private static final List<String> CLASSES = List.of("critical_plus", "critical", "sheddable_plus", "sheddable");

  /** Windows of the given total load (rps; negative: a window without samples), 20 % critical, 80 % sheddable. */
  private static List<ServiceEvent> record(PolicySettings policy, List<Integer> loads) {
    List<ServiceEvent> events = new ArrayList<>();
    ServiceState state = ServiceState.initial();
    PolicySet set = new PolicySet(T0, policy, null, PolicySet.FROM_CONFIG, null);
    events.add(set);
    state = state.apply(set);
    for (int i = 0; i < loads.size(); i++) {
      Instant start = T0.plus(W.multipliedBy(i));
      int load = loads.get(i);
      MetricsObserved window = load < 0
          ? new MetricsObserved(start, start.plus(W), List.of(), null, null, null, 0, 0)
          : new MetricsObserved(start, start.plus(W),
              List.of(new ClassLoad("critical", load * 0.2, 0, 0, 20.0, 90.0),
                  new ClassLoad("sheddable", load * 0.8, 0, 0, 20.0, 90.0)),
              null, null, new InstanceCounts(Math.max(1, state.desiredInstances()), 0, 0, 0), 10, 1);
      for (ServiceEvent e : Evaluation.of(state, window, POLICIES)) {
        events.add(e);
        state = state.apply(e);
      }
    }
    return events;
  }

  private static WhatIf fold(List<ServiceEvent> events, int windows) {
    WhatIf whatIf = new WhatIf(T0, T0.plus(W.multipliedBy(windows)), CLASSES);
    events.forEach(whatIf::add);
    return whatIf;
  }

  private static WhatIf.Totals side(WhatIf.Result r, String side) {
    return r.summary().stream().filter(t -> t.side().equals(side)).findFirst().orElseThrow();
  }

  /** Steady at 400 rps, a 4x surge for two and a half minutes, back to 400. */
  private static List<Integer> surge() {
    List<Integer> loads = new ArrayList<>();
    loads.addAll(Collections.nCopies(40, 400));
    loads.addAll(Collections.nCopies(30, 1600));
    loads.addAll(Collections.nCopies(40, 400));
    return loads;
  }

  @Property(tries = 40)
  void everyRecordedRequestIsOfferedToBothSides(
      @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 3000) Integer> loads) {
    WhatIf.Result r = fold(record(BallastPolicy.defaults(), loads), loads.size())
        .run(POLICIES, HPA, WhatIf.Model.defaults());

    long critical = Math.round(loads.stream().mapToDouble(l -> l * 0.2 * 5).sum());
    long sheddable = Math.round(loads.stream().mapToDouble(l -> l * 0.8 * 5).sum());
    for (String s : List.of("baseline", "candidate")) {
      assertThat(side(r, s).offered().get("critical")).as(s).isBetween(critical - 1, critical);
      assertThat(side(r, s).offered().get("sheddable")).as(s).isBetween(sheddable - 1, sheddable);
    }
    assertThat(side(r, "recorded").offered()).containsEntry("critical", critical).containsEntry("sheddable", sheddable);
  }

  @Property(tries = 20)
  void theRecordedPolicyAsTheCandidateDecidesNothingDifferently(
      @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 3000) Integer> loads) {
    WhatIf.Result r = fold(record(BallastPolicy.defaults(), loads), loads.size())
        .run(POLICIES, BallastPolicy.defaults(), WhatIf.Model.defaults());

    assertThat(r.differing()).isZero();
    assertThat(side(r, "candidate")).usingRecursiveComparison().ignoringFields("side")
        .isEqualTo(side(r, "baseline"));
  }

  @Test
  void aSurgeReRunUnderHpaShedsNothingAndMissesTheSloWhereBallastShedLow() {
    List<Integer> loads = surge();
    WhatIf.Result r = fold(record(BallastPolicy.defaults(), loads), loads.size())
        .run(POLICIES, HPA, WhatIf.Model.defaults());

    WhatIf.Totals ballast = side(r, "baseline");
    WhatIf.Totals hpa = side(r, "candidate");
    assertThat(ballast.shed().get("sheddable")).isPositive();
    assertThat(ballast.shed().get("critical")).isZero();
    assertThat(hpa.shed().values()).containsOnly(0L);
    assertThat(hpa.sloViolationSecondsByClass().get("critical"))
        .isGreaterThan(ballast.sloViolationSecondsByClass().get("critical"));
    assertThat(r.differing()).isPositive();
    assertThat(r.differences()).isNotEmpty().allSatisfy(d ->
        assertThat(d.baseline().desired() != d.candidate().desired()
            || d.baseline().shedLow() != d.candidate().shedLow()).isTrue());
    assertThat(r.series()).hasSize(loads.size());
    assertThat(r.model().high()).isEqualTo("critical");
    assertThat(r.model().low()).containsExactly("sheddable");
  }

  @Test
  void bothSidesStartFromTheInstancesTheServiceHadAndTheModelTheRecordedPolicyGives() {
    List<Integer> loads = Collections.nCopies(20, 800);
    WhatIf.Result r = fold(record(BallastPolicy.defaults(), loads), loads.size())
        .run(POLICIES, HPA, WhatIf.Model.defaults());

    // Ballast's default: 100 requests per second per instance, capacity 1.25 times that.
    assertThat(r.model().capacityRps()).isEqualTo(125.0);
    assertThat(r.model().initialInstances()).isEqualTo(1);
    assertThat(r.model().metricDelaySeconds()).containsEntry("baseline", 2).containsEntry("candidate", 15);
    assertThat(r.seconds()).isEqualTo(100);
  }

  @Test
  void windowsWithoutSamplesAreGapsNotZeroLoad() {
    List<Integer> loads = new ArrayList<>(Collections.nCopies(10, 300));
    loads.addAll(Collections.nCopies(4, -1));
    loads.addAll(Collections.nCopies(10, 300));
    WhatIf.Result r = fold(record(BallastPolicy.defaults(), loads), loads.size())
        .run(POLICIES, HPA, WhatIf.Model.defaults());

    assertThat(r.seconds()).isEqualTo(100);
    assertThat(r.gaps()).isEqualTo(1);
    assertThat(r.gapSeconds()).isEqualTo(20);
    assertThat(r.windows()).isEqualTo(20);
  }

  @Test
  void aRangeWithoutLoadIsRefusedSayingSo() {
    WhatIf whatIf = new WhatIf(T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofHours(2)), CLASSES);
    record(BallastPolicy.defaults(), List.of(100, 200)).forEach(whatIf::add);

    assertThat(whatIf.hasLoad()).isFalse();
    assertThatThrownBy(() -> whatIf.run(POLICIES, HPA, WhatIf.Model.defaults()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no window with samples");
  }

  @Test
  void withoutABallastPolicyTheCapacityOfAnInstanceMustBeGiven() {
    List<Integer> loads = List.of(100, 200, 300);
    WhatIf whatIf = fold(record(HPA, loads), loads.size());

    assertThatThrownBy(() -> whatIf.run(POLICIES, HPA, WhatIf.Model.defaults()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("model.capacityRps is required");
    WhatIf.Model model = new WhatIf.Model(120, 60, 30, 100.0, 300, 0.99, null);
    assertThat(whatIf.run(POLICIES, HPA, model).model().capacityRps()).isEqualTo(100.0);
  }

  @Test
  void rangesLongerThanAWeekAreRefused() {
    assertThatThrownBy(() -> new WhatIf(T0, T0.plus(Duration.ofDays(8)), CLASSES))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("7 days");
  }
}
