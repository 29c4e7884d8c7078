package io.ballast.controller.policy;

import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.state.ServiceState;

/**
 * Decides from one closed observation window. Implementations are pure: no clock (time is the window's end),
 * no randomness, no I/O, and no memory of their own: what they need from the past is in the state (its
 * recent windows and decisions). So the live entity, recovery, replay and the simulator reach the same
 * decisions from the same events.
 *
 * @param <S> the settings this policy is configured by
 */
public interface Policy<S extends PolicySettings> {

  /**
   * @param state the service as it was before {@code window}
   * @param window the observation that just closed; {@code sampleCount() == 0} when no samples arrived
   * @param settings the service's policy settings
   */
  Decision decide(ServiceState state, MetricsObserved window, S settings);
}
