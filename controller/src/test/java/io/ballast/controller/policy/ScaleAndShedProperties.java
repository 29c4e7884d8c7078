package io.ballast.controller.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.ClassLoad;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.event.PolicySet;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.event.ShedReason;
import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.policy.RatePolicy;
import io.ballast.persistence.policy.ScalingRules;
import io.ballast.persistence.policy.Select;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** What must hold for Ballast's policy whatever its settings and whatever the traffic. */
class ScaleAndShedProperties {

  private static final Duration W = Duration.ofSeconds(5);
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private final Policy<PolicySettings> policy = new Policies();

  /** One window: critical and sheddable demand, instances by state (null: not reported), or silence. */
  record Step(double critical, double sheddable, InstanceCounts instances, Double cpu, boolean silent) {}

  @Property(tries = 300)
  void desiredIsAlwaysWithinMinAndMax(@ForAll("policies") BallastPolicy p, @ForAll("traffic") List<Step> steps) {
    for (ScaleDecided d : decisions(run(p, steps))) {
      assertThat(d.to()).isBetween(p.minInstances(), p.maxInstances());
    }
  }

  @Property(tries = 300)
  void neverScalesDownBelowARecommendationInsideTheStabilizationWindow(
      @ForAll("policies") BallastPolicy p, @ForAll("traffic") List<Step> steps) {
    List<ScaleDecided> decided = decisions(run(p, steps));
    for (int i = 0; i < decided.size(); i++) {
      ScaleDecided d = decided.get(i);
      if (d.to() >= d.from() || d.mode() == Mode.METRIC_OUTAGE) {
        continue;
      }
      Instant since = d.at().minus(p.scaleDown().stabilizationWindow());
      for (int j = i; j >= 0 && decided.get(j).at().isAfter(since); j--) {
        int rec = decided.get(j).reason().recommended();
        if (rec >= 0) {
          assertThat(d.to()).as("scaled down at %s below the recommendation of %s", d.at(), decided.get(j).at())
              .isGreaterThanOrEqualTo(Math.min(rec, p.maxInstances()));
        }
      }
    }
  }

  @Property(tries = 500)
  void moreLoadNeverMeansFewerInstances(@ForAll("policies") BallastPolicy p, @ForAll("traffic") List<Step> history,
      @ForAll("step") Step next, @ForAll @DoubleRange(min = 1, max = 5) double more) {
    ServiceState state = run(p, history);
    Instant at = T0.plus(W.multipliedBy(history.size()));
    Step heavier = new Step(next.critical() * more, next.sheddable() * more, next.instances(),
        next.cpu() == null ? null : Math.min(1.0, next.cpu() * more), false);

    int less = policy.decide(state, window(state, at, next), p).desiredInstances();
    int most = policy.decide(state, window(state, at, heavier), p).desiredInstances();

    assertThat(most).isGreaterThanOrEqualTo(less);
  }

  @Property(tries = 200)
  void constantLoadMovesTheCountOneWayOnly(@ForAll("policies") BallastPolicy p,
      @ForAll @DoubleRange(min = 0, max = 20_000) double demand, @ForAll @IntRange(min = 0, max = 80) int start) {
    // Instances follow every decision at once and are ready: the count may move towards what the load needs
    // (as fast as the rate policies allow), but never back.
    ServiceState state = ServiceState.initial().apply(new PolicySet(T0, p, null, "test"));
    int instances = start;
    List<Integer> counts = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      // CPU is what the admitted requests keep busy, on instances that serve 100 requests per second.
      double admitted = demand * 0.6 * admit(state, "critical") + demand * 0.4 * admit(state, "sheddable");
      Step step = new Step(demand * 0.6, demand * 0.4, new InstanceCounts(instances, 0, 0, 0),
          instances == 0 ? null : Math.min(1.0, admitted / (instances * 100.0)), false);
      state = apply(state, window(state, T0.plus(W.multipliedBy(i)), step));
      instances = state.desiredInstances();
      counts.add(instances);
    }
    int directionChanges = 0;
    int lastDirection = 0;
    for (int i = 1; i < counts.size(); i++) {
      int direction = Integer.signum(counts.get(i) - counts.get(i - 1));
      if (direction != 0 && lastDirection != 0 && direction != lastDirection) {
        directionChanges++;
      }
      if (direction != 0) {
        lastDirection = direction;
      }
    }
    assertThat(directionChanges).as("counts %s", counts).isZero();
  }

  @Property(tries = 300)
  void shedsNeverMoreThanTheDeficitPlusTheHysteresisBand(@ForAll("policies") BallastPolicy p,
      @ForAll("traffic") List<Step> steps) {
    ServiceState state = ServiceState.initial().apply(new PolicySet(T0, p, null, "test"));
    for (int i = 0; i < steps.size(); i++) {
      MetricsObserved w = window(state, T0.plus(W.multipliedBy(i)), steps.get(i));
      Decision decision = policy.decide(state, w, p);
      state = apply(state, w);
      if (w.sampleCount() == 0 || w.instances() == null) {
        continue;
      }
      double capacity = (w.instances().ready() + w.instances().warming() * p.warmUp().warmingCapacity())
          * p.shedding().instanceCapacityRps() * p.shedding().maxUtilization();
      ShedReason why = decision.shedReason();
      // Demand is what the latest window offered, or more when bursts call for it; never less.
      assertThat(why.demandRps()).isGreaterThanOrEqualTo(w.offeredRps() * (1 - 1e-12));
      assertThat(why.capacityRps()).isCloseTo(capacity, within(1e-6 * (1 + capacity)));
      assertThat(why.deficitRps()).isCloseTo(Math.max(0, why.demandRps() - capacity), within(1e-6 * (1 + capacity)));
      assertThat(why.shedRps())
          .isLessThanOrEqualTo(why.deficitRps() + p.shedding().hysteresis() * why.demandRps() + 1e-3 * why.demandRps() + 1e-9);
    }
  }

  // --- driving the policy ------------------------------------------------------------------------------------

  private ServiceState run(BallastPolicy p, List<Step> steps) {
    ServiceState state = ServiceState.initial().apply(new PolicySet(T0, p, null, "test"));
    for (int i = 0; i < steps.size(); i++) {
      state = apply(state, window(state, T0.plus(W.multipliedBy(i)), steps.get(i)));
    }
    return state;
  }

  private ServiceState apply(ServiceState state, MetricsObserved window) {
    for (ServiceEvent e : Evaluation.of(state, window, policy)) {
      state = state.apply(e);
    }
    return state;
  }

  private static List<ScaleDecided> decisions(ServiceState state) {
    return state.recentDecisions();
  }

  /** The window of {@code step}, with what the admission in force sheds of it counted as shed. */
  private static MetricsObserved window(ServiceState state, Instant start, Step step) {
    if (step.silent()) {
      return new MetricsObserved(start, start.plus(W), List.of(), null, null, null, 0, 0);
    }
    List<ClassLoad> classes = List.of(
        new ClassLoad("critical", step.critical(), step.critical() * (1 - admit(state, "critical")), 0, null, null),
        new ClassLoad("sheddable", step.sheddable(), step.sheddable() * (1 - admit(state, "sheddable")), 0, null, null));
    return new MetricsObserved(start, start.plus(W), classes, null, step.cpu(), step.instances(), 2, 1);
  }

  private static double admit(ServiceState state, String priority) {
    return state.admission().stream().filter(a -> a.priority().equals(priority))
        .mapToDouble(Admission::admitFraction).findFirst().orElse(1.0);
  }

  // --- generators ----------------------------------------------------------------------------------------------

  @Provide
  Arbitrary<BallastPolicy> policies() {
    Arbitrary<int[]> bounds = Arbitraries.integers().between(0, 20)
        .flatMap(min -> Arbitraries.integers().between(Math.max(1, min), 200).map(max -> new int[] {min, max}));
    Arbitrary<BallastPolicy.Targets> targets = Combinators.combine(
            Arbitraries.doubles().between(5, 500),
            Arbitraries.doubles().between(0.2, 0.95).injectNull(0.6))
        .as((rps, cpu) -> new BallastPolicy.Targets(rps, null, cpu, null));
    Arbitrary<Double> tolerance = Arbitraries.doubles().between(0, 0.3);
    Arbitrary<Duration> seconds = Arbitraries.integers().between(0, 24).map(n -> Duration.ofSeconds(5L * n));
    Arbitrary<ScalingRules> rules = Combinators.combine(seconds, Arbitraries.integers().between(1, 50),
            Arbitraries.integers().between(1, 300), Arbitraries.of(Select.MAX, Select.MIN, Select.DISABLED))
        .as((window, pods, percent, select) -> new ScalingRules(window,
            List.of(RatePolicy.pods(pods, Duration.ofSeconds(15)), RatePolicy.percent(percent, Duration.ofSeconds(60))),
            select));
    Arbitrary<BallastPolicy.Panic> panic = Combinators.combine(Arbitraries.of(true, false),
            Arbitraries.doubles().between(1.2, 4))
        .as((on, threshold) -> new BallastPolicy.Panic(on, Duration.ofSeconds(5), threshold, Duration.ofSeconds(30)));
    Arbitrary<BallastPolicy.Cooldown> cooldown = Combinators.combine(seconds, seconds)
        .as(BallastPolicy.Cooldown::new);
    Arbitrary<BallastPolicy.Shedding> shedding = Combinators.combine(Arbitraries.doubles().between(10, 600),
            Arbitraries.doubles().between(0.5, 1), Arbitraries.doubles().between(0, 0.2),
            Arbitraries.of(0.0, 1.0, 2.0, 3.0))
        .as((capacity, util, band, burst) -> new BallastPolicy.Shedding(true, capacity, util, band, burst, Duration.ofSeconds(60)));
    return Combinators.combine(bounds, targets, tolerance, tolerance, rules, rules, panic, cooldown)
        .flatAs((b, t, up, down, su, sd, pn, cd) -> Combinators.combine(shedding, seconds.filter(d -> !d.isZero()),
                Arbitraries.doubles().between(0, 1))
            .as((sh, stable, warming) -> new BallastPolicy(b[0], b[1], t, up, down, stable, su, sd, pn,
                new BallastPolicy.WarmUp(warming), cd, new BallastPolicy.MetricOutage(Duration.ofSeconds(30), null),
                sh)));
  }

  @Provide
  Arbitrary<Step> step() {
    Arbitrary<InstanceCounts> instances = Combinators.combine(Arbitraries.integers().between(0, 60),
            Arbitraries.integers().between(0, 10), Arbitraries.integers().between(0, 10))
        .as((ready, warming, booting) -> new InstanceCounts(ready, warming, booting, 0)).injectNull(0.1);
    return Combinators.combine(Arbitraries.doubles().between(0, 6000), Arbitraries.doubles().between(0, 6000),
            instances, Arbitraries.doubles().between(0, 1).injectNull(0.3))
        .as((critical, sheddable, i, cpu) -> new Step(critical, sheddable, i, cpu, false));
  }

  @Provide
  Arbitrary<List<Step>> traffic() {
    Arbitrary<Step> silence = Arbitraries.just(new Step(0, 0, null, null, true));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(12, step()), net.jqwik.api.Tuple.of(1, silence))
        .list().ofMinSize(1).ofMaxSize(60);
  }
}
