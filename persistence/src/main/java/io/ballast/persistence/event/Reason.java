package io.ballast.persistence.event;

import io.ballast.persistence.CborSerializable;
import java.util.Locale;

/**
 * Why a decision came out as it did: what was decided ({@link Code}), which signal drove it, and the
 * numbers behind it. It is persisted with the decision, so status and history can always explain it.
 *
 * @param observed the signal's value per provisioned instance in the window
 * @param target the configured target for that signal
 * @param recommended instances the signal alone asks for, before tolerance and bounds
 */
public record Reason(Code code, Signal signal, double observed, double target, int recommended)
    implements CborSerializable {

  public enum Code {
    /** The signal is off target by more than the tolerance; desired follows the recommendation. */
    TRACKING_TARGET,
    /** The signal is within the tolerance of its target; desired instances are held. */
    WITHIN_TOLERANCE,
    /** The recommendation is above max-instances; desired is held at the maximum. */
    LIMITED_BY_MAX,
    /** The recommendation is below min-instances; desired is held at the minimum. */
    LIMITED_BY_MIN
  }

  public enum Signal {
    REQUESTS_PER_INSTANCE
  }

  /** One line for operators, for example {@code requests per instance 142.5 vs target 100 -> 15}. */
  public String explain() {
    String what = signal.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    String numbers = String.format(Locale.ROOT, "%s %.1f vs target %.1f recommends %d", what, observed, target, recommended);
    return switch (code) {
      case TRACKING_TARGET -> numbers;
      case WITHIN_TOLERANCE -> numbers + "; within tolerance, held";
      case LIMITED_BY_MAX -> numbers + "; limited by max-instances";
      case LIMITED_BY_MIN -> numbers + "; limited by min-instances";
    };
  }
}
