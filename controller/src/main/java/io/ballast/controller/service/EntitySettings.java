package io.ballast.controller.service;

import io.ballast.controller.actuation.ActuationSettings;
import io.ballast.controller.shedding.SheddingSettings;
import io.ballast.persistence.policy.PolicySettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What every service entity on this node is configured with.
 *
 * @param window the length of an observation window
 * @param grace how long after a window's end samples for it are still taken before it closes
 * @param tickInterval how often an entity checks for windows to close
 * @param priorityClasses the priority classes, most important first
 * @param snapshotEvery a snapshot is written after this many events
 * @param defaultPolicy the policy of services without one of their own
 * @param policies per-service policies, by service id
 * @param defaultActuation where the decisions of services without their own actuation settings go
 * @param actuation per-service actuation settings, by service id
 * @param shedding how shed decisions are served and delivered
 */
public record EntitySettings(
    Duration window,
    Duration grace,
    Duration tickInterval,
    List<String> priorityClasses,
    int snapshotEvery,
    PolicySettings defaultPolicy,
    Map<String, PolicySettings> policies,
    ActuationSettings defaultActuation,
    Map<String, ActuationSettings> actuation,
    SheddingSettings shedding) {

  /** Settings with the default shedding delivery: served by the API, written nowhere. */
  public EntitySettings(Duration window, Duration grace, Duration tickInterval, List<String> priorityClasses,
      int snapshotEvery, PolicySettings defaultPolicy, Map<String, PolicySettings> policies,
      ActuationSettings defaultActuation, Map<String, ActuationSettings> actuation) {
    this(window, grace, tickInterval, priorityClasses, snapshotEvery, defaultPolicy, policies, defaultActuation,
        actuation, SheddingSettings.defaults());
  }

  /** Settings whose decisions go nowhere: they are made and recorded only. */
  public EntitySettings(Duration window, Duration grace, Duration tickInterval, List<String> priorityClasses,
      int snapshotEvery, PolicySettings defaultPolicy, Map<String, PolicySettings> policies) {
    this(window, grace, tickInterval, priorityClasses, snapshotEvery, defaultPolicy, policies,
        ActuationSettings.none(), Map.of());
  }

  public EntitySettings {
    priorityClasses = List.copyOf(priorityClasses);
    policies = Map.copyOf(policies);
    actuation = Map.copyOf(actuation);
    if (window.toMillis() < 1000 || window.toMillis() % 1000 != 0) {
      throw new IllegalArgumentException("ballast.observation.window must be a whole number of seconds >= 1s, was " + window);
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("ballast.observation.grace must be >= 0, was " + grace);
    }
    if (tickInterval.isNegative() || tickInterval.isZero()) {
      throw new IllegalArgumentException("ballast.observation.tick-interval must be > 0, was " + tickInterval);
    }
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("ballast.persistence.snapshot-every must be >= 1, was " + snapshotEvery);
    }
  }

  public PolicySettings policyFor(String serviceId) {
    return policies.getOrDefault(serviceId, defaultPolicy);
  }

  public ActuationSettings actuationFor(String serviceId) {
    return actuation.getOrDefault(serviceId, defaultActuation);
  }
}
