package io.ballast.controller.service;

import io.ballast.persistence.event.CapacityChecked;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.state.Actuation;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether the count written last became ready capacity: confirmed as soon as the target reports that many ready,
 * short once {@code within} has passed since the write without it.
 */
final class Confirmation {

  private Confirmation() {}

  /** The check to record now, or {@code null} while there is nothing to decide. */
  static CapacityChecked check(ServiceState state, Instant now, Duration within) {
    Actuation a = state.actuation();
    if (a.awaiting() == null || a.lastApplied() == null) {
      return null;
    }
    InstanceCounts instances = state.instances();
    if (instances.ready() >= a.awaiting()) {
      return new CapacityChecked(now, a.awaiting(), true, instances);
    }
    if (!now.isBefore(a.lastApplied().at().plus(within))) {
      return new CapacityChecked(now, a.awaiting(), false, instances);
    }
    return null;
  }
}
