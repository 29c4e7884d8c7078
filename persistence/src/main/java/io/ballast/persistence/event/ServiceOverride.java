package io.ballast.persistence.event;

import io.ballast.persistence.CborSerializable;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * An operator's override of a service's decisions, in force from {@code startsAt} until {@code expiresAt}
 * (unless cancelled first). What it does depends on {@code kind}; the fields of other kinds are {@code null}.
 *
 * @param instances {@link Kind#PIN}: the count to hold
 * @param min {@link Kind#BOUNDS}: a temporary floor, or {@code null}
 * @param max {@link Kind#BOUNDS}: a temporary ceiling, or {@code null}
 * @param freezeScaleIn {@link Kind#FREEZE}: the count may not go down
 * @param freezeScaleOut {@link Kind#FREEZE}: the count may not go up
 * @param admit {@link Kind#SHED}: the fraction of each listed priority class to admit, in [0, 1]
 * @param setBy the principal who set it
 */
public record ServiceOverride(
    String id,
    Kind kind,
    Integer instances,
    Integer min,
    Integer max,
    Boolean freezeScaleIn,
    Boolean freezeScaleOut,
    Map<String, Double> admit,
    String reason,
    String setBy,
    Instant startsAt,
    Instant expiresAt)
    implements CborSerializable {

  /** What an override does. */
  public enum Kind {
    /** Hold the count at {@code instances}. */
    PIN,
    /** Keep the count within [{@code min}, {@code max}] on top of the policy's own bounds. */
    BOUNDS,
    /** Stop scaling in, out, or both. */
    FREEZE,
    /** Admit exactly {@code admit} of the listed priority classes, whatever the policy decides. */
    SHED,
    /** Write nothing to the service's target: decisions are made and recorded only. */
    PAUSE
  }

  public ServiceOverride {
    admit = admit == null ? null : Map.copyOf(new TreeMap<>(admit));
    require(id != null && !id.isBlank(), "id is required");
    require(kind != null, "kind is required");
    require(reason != null && !reason.isBlank(), "reason is required: say why, for whoever looks at this later");
    require(setBy != null && !setBy.isBlank(), "setBy is required");
    require(startsAt != null && expiresAt != null && expiresAt.isAfter(startsAt), "expiresAt must be after startsAt");
    switch (kind) {
      case PIN -> require(instances != null && instances >= 0, "instances must be a count >= 0");
      case BOUNDS -> {
        require(min != null || max != null, "min or max is required");
        require(min == null || min >= 0, "min must be >= 0");
        require(max == null || max >= 0, "max must be >= 0");
        require(min == null || max == null || min <= max, "min (" + min + ") must be <= max (" + max + ")");
      }
      case FREEZE -> require(Boolean.TRUE.equals(freezeScaleIn) || Boolean.TRUE.equals(freezeScaleOut),
          "scaleIn or scaleOut must be true");
      case SHED -> {
        require(admit != null && !admit.isEmpty(), "admit must name at least one priority class");
        admit.forEach((priority, fraction) -> require(fraction != null && fraction >= 0 && fraction <= 1,
            "admit." + priority + " must be a fraction within [0, 1], was " + fraction));
      }
      case PAUSE -> { }
      default -> throw new IllegalArgumentException("unknown kind " + kind);
    }
  }

  /** Whether it is in force at {@code at}. */
  public boolean activeAt(Instant at) {
    return !at.isBefore(startsAt) && at.isBefore(expiresAt);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
