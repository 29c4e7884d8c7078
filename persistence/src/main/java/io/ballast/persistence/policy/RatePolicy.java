package io.ballast.persistence.policy;

import io.ballast.persistence.CborSerializable;
import java.time.Duration;

/**
 * At most {@code value} instances ({@link Type#PODS}) or {@code value} percent ({@link Type#PERCENT}) of
 * change per {@code period}, counted from the instances there were at the start of the period.
 */
public record RatePolicy(Type type, int value, Duration period) implements CborSerializable {

  public enum Type { PODS, PERCENT }

  public RatePolicy {
    Checks.required("type", type);
    Checks.require(value > 0, "value must be > 0, was " + value);
    Checks.positive("period", period);
    Checks.require(period.compareTo(Duration.ofMinutes(30)) <= 0, "period must be <= 30m, was " + period);
  }

  public static RatePolicy pods(int value, Duration period) {
    return new RatePolicy(Type.PODS, value, period);
  }

  public static RatePolicy percent(int value, Duration period) {
    return new RatePolicy(Type.PERCENT, value, period);
  }
}
