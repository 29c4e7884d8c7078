package io.ballast.controller.policy;

import io.ballast.persistence.event.ClassLoad;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.PolicySet;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.event.ShedLevelsChanged;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A service driven window by window through {@link Evaluation}, exactly as the live entity drives it: each
 * window's events are folded into the state before the next window is decided.
 */
final class Run {

  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  private final Policy<PolicySettings> policy = new Policies();
  private final Duration window;
  private ServiceState state;
  private Instant now;
  private final List<ServiceEvent> events = new ArrayList<>();

  Run(PolicySettings settings, Duration window) {
    this.window = window;
    this.now = T0;
    this.state = ServiceState.initial().apply(new PolicySet(T0, settings, null, "test"));
  }

  /** One window of traffic: critical and sheddable requests per second, with these instances reported. */
  ScaleDecided step(double criticalRps, double sheddableRps, InstanceCounts instances) {
    return step(traffic(criticalRps, sheddableRps, instances, null, null, null));
  }

  /** One window with every signal: {@code null} leaves a signal unreported. */
  ScaleDecided step(Traffic t) {
    List<ClassLoad> classes = new ArrayList<>();
    classes.add(new ClassLoad("critical", t.critical(), t.critical() * (1 - admit("critical")), 0, null, t.p99()));
    classes.add(new ClassLoad("sheddable", t.sheddable(), t.sheddable() * (1 - admit("sheddable")), 0, null, t.p99()));
    return close(new MetricsObserved(now, now.plus(window), classes, t.concurrency(), t.cpu(), t.instances(), 2, 1));
  }

  /** A window in which no samples arrived. */
  ScaleDecided silence() {
    return close(new MetricsObserved(now, now.plus(window), List.of(), null, null, null, 0, 0));
  }

  /** {@code n} identical windows; returns the last decision. */
  ScaleDecided steps(int n, double criticalRps, double sheddableRps, InstanceCounts instances) {
    ScaleDecided last = null;
    for (int i = 0; i < n; i++) {
      last = step(criticalRps, sheddableRps, instances);
    }
    return last;
  }

  /** Windows of steady load whose instances are always exactly the last decision, all ready. */
  ScaleDecided settle(int n, double criticalRps, double sheddableRps) {
    ScaleDecided last = null;
    for (int i = 0; i < n; i++) {
      last = step(criticalRps, sheddableRps, new InstanceCounts(Math.max(state.desiredInstances(), 0), 0, 0, 0));
    }
    return last;
  }

  private ScaleDecided close(MetricsObserved observed) {
    List<ServiceEvent> produced = Evaluation.of(state, observed, policy);
    for (ServiceEvent e : produced) {
      state = state.apply(e);
      events.add(e);
    }
    now = observed.windowEnd();
    return state.lastDecision().orElseThrow();
  }

  double admit(String priority) {
    return state.admission().stream().filter(a -> a.priority().equals(priority))
        .mapToDouble(a -> a.admitFraction()).findFirst().orElse(1.0);
  }

  ServiceState state() {
    return state;
  }

  List<ServiceEvent> events() {
    return events;
  }

  long shedChanges() {
    return events.stream().filter(ShedLevelsChanged.class::isInstance).count();
  }

  record Traffic(double critical, double sheddable, InstanceCounts instances, Double cpu, Double concurrency, Double p99) {}

  static Traffic traffic(double critical, double sheddable, InstanceCounts instances, Double cpu, Double concurrency,
      Double p99) {
    return new Traffic(critical, sheddable, instances, cpu, concurrency, p99);
  }
}
