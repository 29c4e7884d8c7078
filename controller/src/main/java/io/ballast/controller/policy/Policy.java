package io.ballast.controller.policy;

import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.PolicySettings;
import io.ballast.persistence.state.ServiceState;

/**
 * Decides from one closed observation window. Implementations are pure: no clock (time arrives in the
 * window), no randomness and no I/O, so replaying recorded windows reproduces recorded decisions.
 */
public interface Policy {

  /**
   * @param state the service as it was before {@code window}
   * @param window the observation that just closed
   * @param settings the service's policy settings
   */
  Decision decide(ServiceState state, MetricsObserved window, PolicySettings settings);
}
