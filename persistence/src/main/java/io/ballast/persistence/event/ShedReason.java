package io.ballast.persistence.event;

import io.ballast.persistence.CborSerializable;

/**
 * Why the shed levels are what they are, with the numbers: offered demand (shed requests included), the
 * capacity that can serve now (ready instances, warming ones in part), the deficit between them, and the
 * requests per second the new levels shed.
 */
public record ShedReason(Code code, double demandRps, double capacityRps, double deficitRps, double shedRps,
    String override) implements CborSerializable {

  /** Shed levels of the policy itself. */
  public ShedReason(Code code, double demandRps, double capacityRps, double deficitRps, double shedRps) {
    this(code, demandRps, capacityRps, deficitRps, shedRps, null);
  }

  public enum Code {
    /** Demand exceeds what can be served: the deficit is shed, lowest priority first. */
    DEFICIT,
    /** The capacity there is covers demand: nothing is shed. */
    CAPACITY_COVERS_DEMAND,
    /** No metrics arrive: shedding is lifted rather than done blind. */
    METRIC_OUTAGE,
    /** The policy does not shed (disabled, or no capacity per instance is known). */
    NOT_SHEDDING,
    /** An operator's override sets the levels of some classes ({@code override} names it). */
    OVERRIDE
  }
}
