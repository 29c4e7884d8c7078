package io.ballast.persistence.event;

import io.ballast.persistence.CborSerializable;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Why a scale decision came out as it did: the rule that set the final count ({@link #code}), the signal that
 * drove the recommendation with its value and target, the recommendation itself, and every limit that moved
 * the count on the way, in the order applied. It is persisted with the decision, so status, history and
 * replay can always explain it.
 *
 * @param observed the driving signal's value (per instance for per-instance signals)
 * @param target the driving signal's target
 * @param recommended what the signals alone ask for, before any limit; -1 when this window made none (no
 *     metrics, or a reference model between its periods)
 * @param limits the limits that changed the count, each with the count it produced
 */
public record Reason(Code code, Signal signal, double observed, double target, int recommended, List<Limit> limits)
    implements CborSerializable {

  public Reason {
    limits = List.copyOf(limits);
  }

  public Reason(Code code, Signal signal, double observed, double target, int recommended) {
    this(code, signal, observed, target, recommended, List.of());
  }

  /** The rule that set a count. */
  public enum Code {
    /** The count follows the recommendation: the signal is off target by more than the tolerance. */
    TRACKING_TARGET,
    /** The signal is within the tolerance of its target: the instances there are stay. */
    WITHIN_TOLERANCE,
    /** Scaling up waits: the lowest recommendation in the scale-up stabilization window is lower. */
    SCALE_UP_STABILIZED,
    /** Scaling down waits: the highest recommendation in the scale-down stabilization window is higher. */
    SCALE_DOWN_STABILIZED,
    /** A scale-up rate policy allows no more this period. */
    SCALE_UP_RATE_LIMITED,
    /** A scale-down rate policy allows no more this period. */
    SCALE_DOWN_RATE_LIMITED,
    /** Scaling up is disabled. */
    SCALE_UP_DISABLED,
    /** Scaling down is disabled. */
    SCALE_DOWN_DISABLED,
    /** A cooldown after the last change holds the count. */
    COOLDOWN,
    /** A sudden surge: the count jumps to what the surge needs and does not go down while it lasts. */
    PANIC,
    /** Instances still booting or warming are counted as coming: no more are added for the same demand. */
    CAPACITY_ARRIVING,
    /** The count is held at max-instances. */
    LIMITED_BY_MAX,
    /** The count is held at min-instances. */
    LIMITED_BY_MIN,
    /** No metrics arrive: the count is held. */
    METRIC_OUTAGE_HOLD,
    /** No metrics arrived for longer than the hold time: the count went to the outage floor. */
    METRIC_OUTAGE_FLOOR,
    /** A reference model between its decision periods: nothing is decided this window. */
    BETWEEN_PERIODS,
    /** A reference model waiting for enough breaching datapoints or for warm-up to finish. */
    ALARM_NOT_TRIGGERED,
    /**
     * The target did not provide the count written last within its confirmation deadline: the decision counts
     * from the instances the target has, not from those asked for (the limit's result is that count).
     */
    TARGET_SHORT,
    /** An operator's override pins the count (the limit names it). */
    OVERRIDE_PIN,
    /** An operator's override raises the floor. */
    OVERRIDE_MIN,
    /** An operator's override lowers the ceiling. */
    OVERRIDE_MAX,
    /** An operator's override freezes scaling in. */
    OVERRIDE_FREEZE_SCALE_IN,
    /** An operator's override freezes scaling out. */
    OVERRIDE_FREEZE_SCALE_OUT,
    /** An operator's override pauses actuation: the count is decided and recorded, and written nowhere. */
    OVERRIDE_PAUSE
  }

  /** What the recommendation was computed from. */
  public enum Signal {
    NONE,
    REQUESTS_PER_INSTANCE,
    CONCURRENCY_PER_INSTANCE,
    CPU_UTILIZATION,
    LATENCY_P99
  }

  /** A limit that moved the count on the way to the decision, and the count it produced. */
  public record Limit(Code rule, int result, String override) implements CborSerializable {
    /** A limit of the policy itself. */
    public Limit(Code rule, int result) {
      this(rule, result, null);
    }
  }

  /**
   * One line for operators, for example
   * {@code requests per instance 142.5 vs target 100.0 recommends 15; limited by max-instances: 14}.
   */
  public String explain() {
    String text;
    if (signal == Signal.NONE) {
      text = words(code.name());
    } else {
      text = String.format(Locale.ROOT, "%s %s vs target %s", words(signal.name()), number(observed), number(target));
      if (recommended >= 0) {
        text += " recommends " + recommended;
      }
    }
    String applied = limits.stream()
        .map(l -> words(l.rule().name()) + ": " + l.result() + (l.override() == null ? "" : " (" + l.override() + ")"))
        .collect(Collectors.joining(", "));
    if (!applied.isEmpty()) {
      text += "; " + applied;
    } else if (code != Code.TRACKING_TARGET && signal != Signal.NONE) {
      text += "; " + words(code.name());
    }
    return text;
  }

  private static String words(String constant) {
    return constant.toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, value >= 10 || value == 0 ? "%.1f" : "%.3f", value);
  }
}
