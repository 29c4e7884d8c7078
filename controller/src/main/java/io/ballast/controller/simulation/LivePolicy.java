package io.ballast.controller.simulation;

import io.ballast.controller.policy.Evaluation;
import io.ballast.controller.policy.Policy;
import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.PolicySet;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.state.ServiceState;
import java.util.ArrayList;
import java.util.List;

/**
 * A policy driven exactly as the live controller drives it: a {@link ServiceState} started by a
 * {@link PolicySet}, one closed 1-s window a second passed to {@link Evaluation#of}, and every event it returns
 * folded into the state. The count is the state's desired count and the admission its admission; nothing
 * here interprets the decision, so what is measured is what the controller would do.
 *
 * <p>The window decided from at the end of second t describes second t − delay (metric delay: scrape and
 * aggregation latency); before the first such second there is nothing to decide from and the count holds.
 */
public final class LivePolicy implements Autoscaler {

  private final String name;
  private final Policy<PolicySettings> policy;
  private final int delay;
  private final int initialInstances;
  private ServiceState state;
  private List<Admission> admission = List.of();
  private final double[] admit = {1, 1};
  private List<Decided> decisions;

  /**
   * A decision that changed something: from second {@code t} on the policy asked for {@code desired} instances
   * and admitted these fractions of HIGH and LOW, for the reason given.
   */
  public record Decided(int t, int desired, double admitHigh, double admitLow, String reason, String explanation) {}

  /**
   * @param initialInstances instances at second 0 (the simulator starts every live policy from the demand of
   *     the first second, all ready)
   */
  public LivePolicy(String name, Policy<PolicySettings> policy, PolicySettings settings, int delaySeconds,
      int initialInstances) {
    if (delaySeconds < 0) {
      throw new IllegalArgumentException("metric delay must be >= 0, was " + delaySeconds);
    }
    this.name = name;
    this.policy = policy;
    this.delay = delaySeconds;
    this.initialInstances = initialInstances;
    this.state = ServiceState.initial().apply(new PolicySet(Telemetry.EPOCH, settings, null, "simulation"));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int initialInstances() {
    return initialInstances;
  }

  @Override
  public int metricDelay() {
    return delay;
  }

  @Override
  public int decide(int t, Telemetry telemetry) {
    int observed = t - delay;
    if (observed < 0) {
      return -1;
    }
    for (ServiceEvent event : Evaluation.of(state, telemetry.window(observed), policy)) {
      state = state.apply(event);
    }
    if (state.admission() != admission) {
      admission = state.admission();
      admit[ServedSecond.HIGH] = fraction(Telemetry.HIGH_CLASS);
      admit[ServedSecond.LOW] = fraction(Telemetry.LOW_CLASS);
    }
    if (decisions != null) {
      note(t);
    }
    return state.desiredInstances();
  }

  /** From now on, keeps every decision that changes the count, the admission or the reason ({@link #decisions}). */
  public LivePolicy keepingDecisions() {
    decisions = new ArrayList<>();
    return this;
  }

  /** The decisions kept since {@link #keepingDecisions}, oldest first. */
  public List<Decided> decisions() {
    return decisions == null ? List.of() : List.copyOf(decisions);
  }

  private void note(int t) {
    String reason = state.lastDecision().map(d -> d.reason().code().name()).orElse("NONE");
    Decided last = decisions.isEmpty() ? null : decisions.get(decisions.size() - 1);
    if (last == null || last.desired() != state.desiredInstances() || last.admitHigh() != admit[ServedSecond.HIGH]
        || last.admitLow() != admit[ServedSecond.LOW] || !last.reason().equals(reason)) {
      decisions.add(new Decided(t, state.desiredInstances(), admit[ServedSecond.HIGH], admit[ServedSecond.LOW],
          reason, state.lastDecision().map(d -> d.reason().explain()).orElse("no decision yet")));
    }
  }

  @Override
  public double admitFraction(int c) {
    return admit[c];
  }

  /** The state the policy has reached. */
  public ServiceState state() {
    return state;
  }

  private double fraction(String priority) {
    for (Admission a : admission) {
      if (a.priority().equals(priority)) {
        return a.admitFraction();
      }
    }
    return 1;
  }
}
