package io.ballast.controller.bench;

import io.ballast.controller.policy.Evaluation;
import io.ballast.controller.policy.Policies;
import io.ballast.controller.policy.Policy;
import io.ballast.persistence.event.ClassLoad;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.PolicySet;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.state.ServiceState;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One decision step of Ballast's policy on a service with a full history, with 1-s windows (the simulator's
 * resolution: the most history a service can have, 60 windows in the stable window and 300 decisions in the
 * scale-down stabilization window) and 5-s windows (the live default): the default policy, two priority
 * classes, shedding on with its 5-minute burst window.
 * {@code decide} is the policy alone, on a fixed state; {@code step} is what the entity does per window,
 * one window after another: decide, build the events and fold them into the state (including building the
 * next window, about 0.1 µs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecisionBenchmark {

  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private final Policy<PolicySettings> policy = new Policies();
  private final BallastPolicy settings = BallastPolicy.defaults();
  private ServiceState state;
  private MetricsObserved next;
  private ServiceState running;
  private int second;

  @Param({"1", "5"})
  public int windowSeconds;

  @Setup(Level.Trial)
  public void history() {
    state = ServiceState.initial().apply(new PolicySet(T0, settings, null, "bench"));
    // Ten minutes of a diurnal-ish wave around 2,000 requests per second.
    for (second = 0; second < 600; second += windowSeconds) {
      for (ServiceEvent e : Evaluation.of(state, window(second), policy)) {
        state = state.apply(e);
      }
    }
    next = window(second);
    running = state;
  }

  @Benchmark
  public Object decide() {
    return policy.decide(state, next, settings);
  }

  @Benchmark
  public ServiceState step() {
    ServiceState s = running;
    for (ServiceEvent e : Evaluation.of(s, window(second), policy)) {
      s = s.apply(e);
    }
    running = s;
    second += windowSeconds;
    return s;
  }

  private MetricsObserved window(int second) {
    double demand = 2000 + 800 * Math.sin(second / 60.0);
    int ready = 20 + (second / 30) % 5;
    return new MetricsObserved(T0.plusSeconds(second), T0.plusSeconds(second + (long) windowSeconds),
        List.of(new ClassLoad("critical", demand * 0.6, 0, 1, 12.0, 80.0),
            new ClassLoad("sheddable", demand * 0.4, 0, 1, 12.0, 80.0)),
        demand * 0.05, 0.6, new InstanceCounts(ready, 2, 1, 0), 2, 1);
  }
}
