package io.ballast.persistence.policy;

import java.time.Duration;

/** Validation for settings records: each check names the setting as it is written in configuration. */
final class Checks {

  private Checks() {}

  static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  static void bounds(int min, int max) {
    require(min >= 0, "min-instances must be >= 0, was " + min);
    require(max >= 1, "max-instances must be >= 1, was " + max);
    require(max >= min, "max-instances (" + max + ") must be >= min-instances (" + min + ")");
  }

  static void positive(String name, double value) {
    require(value > 0 && Double.isFinite(value), name + " must be a positive number, was " + value);
  }

  static void fraction(String name, double value) {
    require(value >= 0 && value <= 1, name + " must be within [0, 1], was " + value);
  }

  static void nonNegative(String name, Duration value) {
    require(value != null, name + " is required");
    require(!value.isNegative(), name + " must be >= 0, was " + value);
  }

  static void positive(String name, Duration value) {
    require(value != null, name + " is required");
    require(!value.isNegative() && !value.isZero(), name + " must be > 0, was " + value);
  }

  static <T> T required(String name, T value) {
    require(value != null, name + " is required");
    return value;
  }
}
