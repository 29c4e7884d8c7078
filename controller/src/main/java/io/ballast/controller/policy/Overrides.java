package io.ballast.controller.policy;

import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.Reason;
import io.ballast.persistence.event.Reason.Code;
import io.ballast.persistence.event.Reason.Limit;
import io.ballast.persistence.event.ServiceOverride;
import io.ballast.persistence.event.ShedReason;
import io.ballast.persistence.state.ServiceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Operators' overrides applied to what the policy decided, in a fixed order: temporary bounds, then freezes, then
 * a pin (which wins over everything), then forced shed levels. Each override that shapes the decision is named
 * in its reason (a limit with the override's id); a pause is named too, though it changes no number.
 *
 * <p>The policy's own recommendation is left as it was, so that when an override ends the policy goes on from
 * its own history rather than from the override's.
 */
public final class Overrides {

  private Overrides() {}

  /** {@code decision} with the overrides of {@code state} that are in force at {@code at}. */
  public static Decision apply(Decision decision, ServiceState state, Instant at) {
    List<ServiceOverride> active = state.overrides().stream().filter(o -> o.activeAt(at)).toList();
    if (active.isEmpty()) {
      return decision;
    }
    int current = state.lastDecision().isPresent() ? state.desiredInstances() : decision.desiredInstances();
    int desired = decision.desiredInstances();
    Reason reason = decision.reason();
    Code code = reason.code();
    List<Limit> limits = new ArrayList<>(reason.limits());

    for (ServiceOverride o : of(active, ServiceOverride.Kind.BOUNDS)) {
      if (o.min() != null && desired < o.min()) {
        desired = o.min();
        code = Code.OVERRIDE_MIN;
        limits.add(new Limit(code, desired, o.id()));
      }
      if (o.max() != null && desired > o.max()) {
        desired = o.max();
        code = Code.OVERRIDE_MAX;
        limits.add(new Limit(code, desired, o.id()));
      }
    }
    for (ServiceOverride o : of(active, ServiceOverride.Kind.FREEZE)) {
      if (Boolean.TRUE.equals(o.freezeScaleIn()) && desired < current) {
        desired = current;
        code = Code.OVERRIDE_FREEZE_SCALE_IN;
        limits.add(new Limit(code, desired, o.id()));
      }
      if (Boolean.TRUE.equals(o.freezeScaleOut()) && desired > current) {
        desired = current;
        code = Code.OVERRIDE_FREEZE_SCALE_OUT;
        limits.add(new Limit(code, desired, o.id()));
      }
    }
    List<ServiceOverride> pins = of(active, ServiceOverride.Kind.PIN);
    if (!pins.isEmpty()) {
      // The newest pin holds.
      ServiceOverride pin = pins.get(pins.size() - 1);
      desired = pin.instances();
      code = Code.OVERRIDE_PIN;
      limits.add(new Limit(code, desired, pin.id()));
    }
    for (ServiceOverride o : of(active, ServiceOverride.Kind.PAUSE)) {
      limits.add(new Limit(Code.OVERRIDE_PAUSE, desired, o.id()));
    }
    Reason shaped = new Reason(code, reason.signal(), reason.observed(), reason.target(), reason.recommended(),
        limits);

    List<Admission> admission = decision.admission();
    ShedReason shedReason = decision.shedReason();
    List<ServiceOverride> sheds = of(active, ServiceOverride.Kind.SHED);
    if (!sheds.isEmpty()) {
      Map<String, Double> levels = new LinkedHashMap<>();
      for (Admission a : admission) {
        levels.put(a.priority(), a.admitFraction());
      }
      for (ServiceOverride o : sheds) {
        new TreeMap<>(o.admit()).forEach(levels::put);
      }
      admission = new ArrayList<>();
      for (Map.Entry<String, Double> e : levels.entrySet()) {
        admission.add(new Admission(e.getKey(), e.getValue()));
      }
      ShedReason r = decision.shedReason();
      shedReason = new ShedReason(ShedReason.Code.OVERRIDE, r.demandRps(), r.capacityRps(), r.deficitRps(),
          r.shedRps(), sheds.get(sheds.size() - 1).id());
    }
    return new Decision(desired, decision.mode(), shaped, admission, shedReason);
  }

  /** Whether an override in force at {@code at} pauses writes to the target. */
  public static boolean paused(ServiceState state, Instant at) {
    return state.overrides().stream()
        .anyMatch(o -> o.kind() == ServiceOverride.Kind.PAUSE && o.activeAt(at));
  }

  private static List<ServiceOverride> of(List<ServiceOverride> active, ServiceOverride.Kind kind) {
    return active.stream().filter(o -> o.kind() == kind).toList();
  }
}
