package io.ballast.controller.policy;

import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.event.ShedLevelsChanged;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.state.ServiceState;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one closed window into the events that record it and what was decided from it: the window, the
 * scale decision (every window, whether the count changed or not), and the new shed levels when they
 * changed. Operators' overrides in force are applied to what the policy decided ({@link Overrides}). The live
 * entity and the simulator both decide through this, so they cannot drift apart.
 */
public final class Evaluation {

  private Evaluation() {}

  /**
   * @param state the service before {@code window}; its policy must be set
   * @return the events in the order they are to be applied
   */
  public static List<ServiceEvent> of(ServiceState state, MetricsObserved window, Policy<PolicySettings> policy) {
    if (state.policy() == null) {
      throw new IllegalStateException("a window can only be decided once the service has a policy");
    }
    Decision decision = Overrides.apply(policy.decide(state, window, state.policy()), state, window.windowEnd());
    List<ServiceEvent> events = new ArrayList<>(3);
    events.add(window);
    events.add(new ScaleDecided(window.windowEnd(), from(state, window, decision), decision.desiredInstances(),
        decision.mode(), decision.reason()));
    List<Admission> admission = shedding(decision.admission());
    if (!admission.equals(state.admission())) {
      events.add(new ShedLevelsChanged(window.windowEnd(), admission, decision.shedReason()));
    }
    return events;
  }

  /**
   * The count before this decision: the previous decision's, or for the first one what was there (so that
   * a service adopted with 10 instances does not read as scaled up from 0).
   */
  private static int from(ServiceState state, MetricsObserved window, Decision decision) {
    if (state.lastDecision().isPresent()) {
      return state.desiredInstances();
    }
    int reported = (window.instances() != null ? window.instances() : state.instances()).provisioned();
    return reported > 0 ? reported : decision.desiredInstances();
  }

  /** The admission with fully admitted classes left out, so that "admit everything" has one form. */
  private static List<Admission> shedding(List<Admission> admission) {
    return admission.stream().filter(a -> a.admitFraction() < 1.0).toList();
  }
}
