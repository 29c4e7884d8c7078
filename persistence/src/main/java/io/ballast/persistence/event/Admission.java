package io.ballast.persistence.event;

import io.ballast.persistence.CborSerializable;

/** The fraction of one priority class's requests that enforcement points should admit, in [0, 1]. */
public record Admission(String priority, double admitFraction) implements CborSerializable {

  public Admission {
    if (!(admitFraction >= 0.0 && admitFraction <= 1.0)) {
      throw new IllegalArgumentException("admitFraction must be within [0, 1], was " + admitFraction);
    }
  }
}
