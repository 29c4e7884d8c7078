package io.ballast.persistence.event;

import io.ballast.persistence.CborSerializable;

/**
 * How one service is scaled. The compact constructor refuses nonsense with a message that names the setting
 * as it is written in configuration, so a bad policy never takes effect.
 *
 * @param targetRequestsPerInstance requests per second one instance should serve
 * @param tolerance how far, as a fraction of the target, the signal may drift before desired changes
 */
public record PolicySettings(int minInstances, int maxInstances, double targetRequestsPerInstance, double tolerance)
    implements CborSerializable {

  public PolicySettings {
    if (minInstances < 0) {
      throw new IllegalArgumentException("min-instances must be >= 0, was " + minInstances);
    }
    if (maxInstances < 1) {
      throw new IllegalArgumentException("max-instances must be >= 1, was " + maxInstances);
    }
    if (maxInstances < minInstances) {
      throw new IllegalArgumentException(
          "max-instances (" + maxInstances + ") must be >= min-instances (" + minInstances + ")");
    }
    if (!(targetRequestsPerInstance > 0) || Double.isInfinite(targetRequestsPerInstance)) {
      throw new IllegalArgumentException(
          "target-requests-per-instance must be a positive number, was " + targetRequestsPerInstance);
    }
    if (!(tolerance >= 0 && tolerance < 1)) {
      throw new IllegalArgumentException("tolerance must be within [0, 1), was " + tolerance);
    }
  }
}
