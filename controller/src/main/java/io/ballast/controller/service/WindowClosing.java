package io.ballast.controller.service;

import io.ballast.controller.policy.Decision;
import io.ballast.controller.policy.Policy;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.PolicySettings;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.state.OpenWindow;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Closes the windows whose end plus the grace for late samples has passed, and decides from each. Every
 * closed window becomes a {@link MetricsObserved}; a {@link ScaleDecided} follows it when the desired
 * count or the reason for it changed. Pure: the caller passes the time.
 */
public final class WindowClosing {

  private WindowClosing() {}

  public static List<ServiceEvent> close(
      ServiceState state, Instant now, Duration grace, List<String> priorityOrder, Policy policy,
      PolicySettings fallbackPolicy) {
    List<ServiceEvent> events = new ArrayList<>();
    ServiceState current = state;
    for (OpenWindow window : state.openWindows()) {
      if (window.end().plus(grace).isAfter(now)) {
        continue;
      }
      MetricsObserved observed = window.observe(priorityOrder);
      PolicySettings settings = current.policy() != null ? current.policy() : fallbackPolicy;
      Decision decision = policy.decide(current, observed, settings);
      events.add(observed);
      current = current.apply(observed);
      if (changes(current, decision)) {
        ScaleDecided decided =
            new ScaleDecided(observed.windowEnd(), current.desiredInstances(), decision.desiredInstances(), decision.reason());
        events.add(decided);
        current = current.apply(decided);
      }
    }
    return events;
  }

  private static boolean changes(ServiceState state, Decision decision) {
    return state.lastDecision()
        .map(last -> last.to() != decision.desiredInstances() || last.reason().code() != decision.reason().code())
        .orElse(true);
  }
}
