package io.ballast.persistence.event;

import io.ballast.persistence.CborSerializable;
import java.time.Instant;

/**
 * What happened to one service, in the order it happened. This is the whole event protocol: the journal
 * holds nothing else for a service, and {@link io.ballast.persistence.state.ServiceState#apply} folds
 * exactly these records.
 */
public sealed interface ServiceEvent extends CborSerializable
    permits PolicySet, SamplesRecorded, MetricsObserved, ScaleDecided, ShedLevelsChanged, ScaleApplied, ScaleFailed,
        InstancesObserved, CapacityChecked, ActuatorCircuitChanged, ShedDelivered, ShedDeliveryFailed,
        OverrideSet, OverrideCancelled, OverrideExpired {

  /** When the event happened, as data: replay and history queries use this, never a clock. */
  Instant at();
}
