package io.ballast.controller.policy;

import io.ballast.controller.Observations;
import io.ballast.persistence.event.ClassLoad;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.PolicySet;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.state.ServiceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Drives a policy through closed windows exactly as the live entity does: {@link Evaluation#of} decides, and the
 * events it returns are folded into the next state. Times are seconds after {@link Observations#T0}.
 */
final class Trace {

  static final Instant T0 = Observations.T0;

  private final Policy<PolicySettings> policy;
  private ServiceState state;
  private final List<ScaleDecided> decisions = new ArrayList<>();

  private Trace(Policy<PolicySettings> policy, PolicySettings settings) {
    this.policy = policy;
    this.state = ServiceState.initial().apply(new PolicySet(T0, settings, null, PolicySet.FROM_CONFIG));
  }

  static Trace of(Policy<PolicySettings> policy, PolicySettings settings) {
    return new Trace(policy, settings);
  }

  /** Closes one window. */
  Trace feed(MetricsObserved window) {
    for (ServiceEvent event : Evaluation.of(state, window, policy)) {
      state = state.apply(event);
      if (event instanceof ScaleDecided d) {
        decisions.add(d);
      }
    }
    return this;
  }

  /** Folds an event recorded by something else than this policy, such as an earlier policy's decision. */
  Trace apply(ServiceEvent event) {
    state = state.apply(event);
    return this;
  }

  /** Closes back-to-back windows of {@code length} seconds from {@code from} up to {@code to}. */
  Trace feed(int from, int to, int length, IntFunction<MetricsObserved> windowStartingAt) {
    for (int start = from; start + length <= to; start += length) {
      feed(windowStartingAt.apply(start));
    }
    return this;
  }

  ServiceState state() {
    return state;
  }

  List<ScaleDecided> decisions() {
    return List.copyOf(decisions);
  }

  ScaleDecided last() {
    return decisions.get(decisions.size() - 1);
  }

  /** The decision made from the window that ended {@code second} seconds after T0. */
  ScaleDecided at(int second) {
    Instant at = T0.plusSeconds(second);
    return decisions.stream().filter(d -> d.at().equals(at)).findFirst()
        .orElseThrow(() -> new AssertionError("no decision at " + second + " s"));
  }

  /** A window with this much traffic offered and nothing else reported. */
  static MetricsObserved requests(int start, int length, double rps, InstanceCounts instances) {
    return window(start, length, rps, null, null, instances);
  }

  /** A window whose instances report this busy fraction. */
  static MetricsObserved cpu(int start, int length, double busy, InstanceCounts instances) {
    return window(start, length, 100, null, busy, instances);
  }

  /** A window with this many requests in flight, summed over the instances. */
  static MetricsObserved concurrency(int start, int length, double inFlight, InstanceCounts instances) {
    return window(start, length, 100, inFlight, null, instances);
  }

  /** A window in which no samples arrived. */
  static MetricsObserved silent(int start, int length, InstanceCounts instances) {
    return new MetricsObserved(T0.plusSeconds(start), T0.plusSeconds(start + (long) length), List.of(), null, null,
        instances, 0, 0);
  }

  static MetricsObserved window(int start, int length, double rps, Double concurrency, Double cpu,
      InstanceCounts instances) {
    return new MetricsObserved(T0.plusSeconds(start), T0.plusSeconds(start + (long) length),
        List.of(new ClassLoad("critical", rps, 0, 0, null, null)), concurrency, cpu, instances, 10, 1);
  }

  static InstanceCounts ready(int ready) {
    return new InstanceCounts(ready, 0, 0, 0);
  }

  static InstanceCounts counts(int ready, int warming, int booting) {
    return new InstanceCounts(ready, warming, booting, 0);
  }
}
