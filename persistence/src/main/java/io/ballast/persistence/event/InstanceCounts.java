package io.ballast.persistence.event;

import io.ballast.persistence.CborSerializable;

/**
 * Instances of a service by lifecycle stage, as reported by whoever can see them (a load balancer now,
 * the cloud actuator later). Draining instances still exist but take no new traffic.
 */
public record InstanceCounts(int ready, int warming, int booting, int draining) implements CborSerializable {

  public static final InstanceCounts NONE = new InstanceCounts(0, 0, 0, 0);

  public InstanceCounts {
    if (ready < 0 || warming < 0 || booting < 0 || draining < 0) {
      throw new IllegalArgumentException("instance counts must be >= 0");
    }
  }

  /** Instances that serve now or will serve without a new decision: ready, warming and booting. */
  public int provisioned() {
    return ready + warming + booting;
  }
}
