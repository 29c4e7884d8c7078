package io.ballast.persistence.event;

import io.ballast.persistence.CborSerializable;

/**
 * The load of one priority class over one observation window, as rates per second. {@code offeredRps}
 * includes shed requests: shedding hides demand from the backend, not from the controller. Latencies are
 * {@code null} when no source reported them for requests that were served.
 */
public record ClassLoad(
    String priority, double offeredRps, double shedRps, double errorRps, Double latencyP50Ms, Double latencyP99Ms)
    implements CborSerializable {

  public double acceptedRps() {
    return offeredRps - shedRps;
  }
}
