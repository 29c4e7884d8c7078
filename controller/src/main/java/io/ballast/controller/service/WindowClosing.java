package io.ballast.controller.service;

import io.ballast.controller.policy.Evaluation;
import io.ballast.controller.policy.Policy;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.state.OpenWindow;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Closes the windows whose end plus the grace for late samples has passed, and decides from each. When no
 * samples arrived at all, an empty window is closed in their place, so a service keeps being decided (and
 * its metric-outage policy can act) when its metrics stop. Pure: the caller passes the time.
 */
public final class WindowClosing {

  private WindowClosing() {}

  public static List<ServiceEvent> close(ServiceState state, Instant now, Duration window, Duration grace,
      List<String> priorityOrder, Policy<PolicySettings> policy) {
    List<ServiceEvent> events = new ArrayList<>();
    ServiceState current = state;
    for (OpenWindow open : state.openWindows()) {
      if (open.end().plus(grace).isAfter(now)) {
        continue;
      }
      current = decide(current, open.observe(priorityOrder), policy, events);
    }
    // Nothing arrived for a whole window after the last one closed: close an empty one, up to the latest
    // window boundary whose grace has passed (one event however long the silence was).
    if (current.openWindows().isEmpty() && current.closedThrough() != null && current.policy() != null) {
      Instant end = SampleIntake.windowStart(now.minus(grace), window);
      if (end.isAfter(current.closedThrough())) {
        current = decide(current, empty(current.closedThrough(), end), policy, events);
      }
    }
    return events;
  }

  private static ServiceState decide(ServiceState state, MetricsObserved window, Policy<PolicySettings> policy,
      List<ServiceEvent> events) {
    ServiceState next = state;
    for (ServiceEvent e : Evaluation.of(state, window, policy)) {
      events.add(e);
      next = next.apply(e);
    }
    return next;
  }

  private static MetricsObserved empty(Instant start, Instant end) {
    return new MetricsObserved(start, end, List.of(), null, null, null, 0, 0);
  }
}
