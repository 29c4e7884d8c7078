package io.ballast.controller.actuation;

import io.ballast.persistence.event.InstanceCounts;

/**
 * What a target reports: the count it is set to, and its instances by state.
 *
 * @param desired the count the target is set to, or {@link #UNKNOWN} when it cannot say
 * @param instances its instances by state, or {@code null} when it cannot say
 */
public record TargetState(int desired, InstanceCounts instances) {

  public static final int UNKNOWN = -1;

  /** A target that reports nothing (a webhook without a read URL). */
  public static TargetState unknown() {
    return new TargetState(UNKNOWN, null);
  }

  public boolean knowsDesired() {
    return desired != UNKNOWN;
  }
}
