package io.ballast.persistence.event;

import java.time.Instant;

/**
 * The decision made from one closed window: how many instances the service should have, in which mode, and
 * why. One is recorded for every window, whether the count changed or not, before anything acts on it.
 * {@code from} is the previous desired count (0 before the first decision); {@code at} is the end of the
 * window it was decided from.
 */
public record ScaleDecided(Instant at, int from, int to, Mode mode, Reason reason) implements ServiceEvent {

  public boolean changed() {
    return from != to;
  }
}
