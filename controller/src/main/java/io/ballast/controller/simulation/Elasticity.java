package io.ballast.controller.simulation;

import java.util.function.IntToDoubleFunction;

/**
 * The SPEC RG elasticity metrics of evaluation.md §2.1 over a run of T one-second steps (Δt = 1 s), with demand
 * normalisation and ε = 1 instance:
 *
 * <ul>
 *   <li>θ_U = (100/T)·Σ (d − s)^+ / max(d, ε), θ_O = (100/T)·Σ (s − d)^+ / max(d, ε), in %;
 *   <li>τ_U = (100/T)·Σ [d > s], τ_O = (100/T)·Σ [s > d], in % of time;
 *   <li>υ = (100/(T − 1))·Σ_{t≥2} min(|sgn Δs_t − sgn Δd_t|, 1), in % of time;
 *   <li>E = Σ |Δx_t|, the unit adaptations of a curve (a +3 step counts 3; a warming instance's fractional
 *       ramp adds up to one unit), and jitter j = (E_S − E_D)/T per step, reported per hour as 3600·j.
 * </ul>
 */
public record Elasticity(
    double underAccuracy,
    double overAccuracy,
    double underTimeshare,
    double overTimeshare,
    double instability,
    double supplyAdaptations,
    double demandAdaptations,
    double jitterPerStep) {

  private static final double EPSILON = 1;

  public static Elasticity of(double[] demand, double[] supply) {
    if (demand.length != supply.length) {
      throw new IllegalArgumentException("demand and supply differ in length");
    }
    return of(demand.length, t -> demand[t], t -> supply[t]);
  }

  public static Elasticity of(int steps, IntToDoubleFunction demand, IntToDoubleFunction supply) {
    if (steps == 0) {
      return new Elasticity(0, 0, 0, 0, 0, 0, 0, 0);
    }
    double under = 0;
    double over = 0;
    long underSteps = 0;
    long overSteps = 0;
    long mismatched = 0;
    double supplyMoves = 0;
    double demandMoves = 0;
    double dPrev = 0;
    double sPrev = 0;
    for (int t = 0; t < steps; t++) {
      double d = demand.applyAsDouble(t);
      double s = supply.applyAsDouble(t);
      double norm = Math.max(d, EPSILON);
      if (d > s) {
        under += (d - s) / norm;
        underSteps++;
      } else if (s > d) {
        over += (s - d) / norm;
        overSteps++;
      }
      if (t > 0) {
        if (Math.signum(s - sPrev) != Math.signum(d - dPrev)) {
          mismatched++;
        }
        supplyMoves += Math.abs(s - sPrev);
        demandMoves += Math.abs(d - dPrev);
      }
      dPrev = d;
      sPrev = s;
    }
    return new Elasticity(100 * under / steps, 100 * over / steps, 100.0 * underSteps / steps,
        100.0 * overSteps / steps, steps > 1 ? 100.0 * mismatched / (steps - 1) : 0, supplyMoves, demandMoves,
        (supplyMoves - demandMoves) / steps);
  }

  /** Jitter per hour of simulated time. */
  public double jitterPerHour() {
    return jitterPerStep * 3600;
  }
}
