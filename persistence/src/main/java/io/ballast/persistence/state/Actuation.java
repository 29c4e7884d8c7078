package io.ballast.persistence.state;

import io.ballast.persistence.CborSerializable;
import io.ballast.persistence.event.ActuatorCircuitChanged;
import io.ballast.persistence.event.CapacityChecked;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.ScaleApplied;
import io.ballast.persistence.event.ScaleFailed;
import io.ballast.persistence.event.ShedDelivered;
import io.ballast.persistence.event.ShedDeliveryFailed;
import java.time.Duration;
import java.time.Instant;

/**
 * What happened to the decisions on their way to the service's target.
 *
 * @param lastApplied the latest write the target accepted, or {@code null}
 * @param lastFailure the latest failed write since then, or {@code null}
 * @param circuitOpen whether writes are stopped after consecutive failures, until {@code circuitOpenUntil}
 * @param awaiting the count written last and not yet confirmed as ready capacity, or {@code null}
 * @param unconfirmed the count whose confirmation deadline passed short of it, or 0
 * @param shortfall how many of {@code unconfirmed} are still not ready: not counted as arriving
 * @param readyAfter how long the last confirmed count took from its write to ready capacity, or {@code null}
 * @param lastShedDelivered the latest shed levels an enforcement point took, or {@code null}
 * @param shedDeliveryFailure why shed levels cannot be delivered since, or {@code null} while they can
 */
public record Actuation(
    ScaleApplied lastApplied,
    ScaleFailed lastFailure,
    boolean circuitOpen,
    Instant circuitOpenUntil,
    Integer awaiting,
    int unconfirmed,
    int shortfall,
    Duration readyAfter,
    ShedDelivered lastShedDelivered,
    ShedDeliveryFailed shedDeliveryFailure)
    implements CborSerializable {

  public static final Actuation NONE = new Actuation(null, null, false, null, null, 0, 0, null, null, null);

  Actuation applied(ScaleApplied e) {
    return new Actuation(e, null, false, null, e.desired(), 0, 0, readyAfter, lastShedDelivered,
        shedDeliveryFailure);
  }

  Actuation failed(ScaleFailed e) {
    return new Actuation(lastApplied, e, circuitOpen, circuitOpenUntil, awaiting, unconfirmed, shortfall, readyAfter,
        lastShedDelivered, shedDeliveryFailure);
  }

  /** With the target reporting {@code instances}: what of an unconfirmed count it still misses. */
  Actuation observed(InstanceCounts instances) {
    return shortfall == 0 ? this : new Actuation(lastApplied, lastFailure, circuitOpen, circuitOpenUntil, awaiting,
        unconfirmed, missing(unconfirmed, instances), readyAfter, lastShedDelivered,
        shedDeliveryFailure);
  }

  Actuation checked(CapacityChecked e) {
    return e.confirmed()
        ? new Actuation(lastApplied, lastFailure, circuitOpen, circuitOpenUntil, null, 0, 0,
            lastApplied == null ? readyAfter : Duration.between(lastApplied.at(), e.at()), lastShedDelivered,
            shedDeliveryFailure)
        : new Actuation(lastApplied, lastFailure, circuitOpen, circuitOpenUntil, null, e.desired(),
            missing(e.desired(), e.instances()), readyAfter, lastShedDelivered, shedDeliveryFailure);
  }

  Actuation shedDelivered(ShedDelivered e) {
    return new Actuation(lastApplied, lastFailure, circuitOpen, circuitOpenUntil, awaiting, unconfirmed, shortfall,
        readyAfter, e, null);
  }

  Actuation shedDeliveryFailed(ShedDeliveryFailed e) {
    return new Actuation(lastApplied, lastFailure, circuitOpen, circuitOpenUntil, awaiting, unconfirmed, shortfall,
        readyAfter, lastShedDelivered, e);
  }

  Actuation circuit(ActuatorCircuitChanged e) {
    return new Actuation(lastApplied, lastFailure, e.open(), e.open() ? e.until() : null, awaiting, unconfirmed,
        shortfall, readyAfter, lastShedDelivered, shedDeliveryFailure);
  }

  /** Instances asked for and not ready: whether the target never created them or they never came up. */
  private static int missing(int desired, InstanceCounts instances) {
    return Math.max(0, desired - instances.ready());
  }
}
