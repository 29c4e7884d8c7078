package io.ballast.controller.simulation;

import java.util.List;

/**
 * One row of {@code report.csv}: how one policy did over the window. Units: θ, τ, υ, goodput, shed and wasted
 * shed in %; jitter in unit adaptations per hour; SLO violations in seconds; cost in instance-hours; time to
 * capacity in seconds. NaN means undefined (nothing offered, nothing shed, no surge) and is written empty.
 */
public record PolicyReport(
    String policy,
    double thetaU,
    double thetaO,
    double tauU,
    double tauO,
    double instability,
    double jitterPerHour,
    long sloViolationSeconds,
    long sloViolationSecondsHigh,
    double goodputHigh,
    double goodputLow,
    double shedLow,
    double wastedShed,
    double instanceHours,
    long actions,
    double ttcMedianSeconds,
    double ttcMaxSeconds) {

  public static final List<String> COLUMNS = List.of("policy", "theta_u", "theta_o", "tau_u", "tau_o",
      "instability", "jitter", "slo_violation_s", "slo_violation_s_high", "goodput_high", "goodput_low",
      "shed_low", "wasted_shed", "instance_hours", "actions", "ttc_median_s", "ttc_max_s");

  /** The cells in column order, as written. */
  public List<String> cells() {
    return List.of(policy, d(thetaU, 3), d(thetaO, 3), d(tauU, 3), d(tauO, 3), d(instability, 3),
        d(jitterPerHour, 3), Long.toString(sloViolationSeconds), Long.toString(sloViolationSecondsHigh),
        d(goodputHigh, 3), d(goodputLow, 3), d(shedLow, 3), d(wastedShed, 3), d(instanceHours, 3),
        Long.toString(actions), d(ttcMedianSeconds, 1), d(ttcMaxSeconds, 0));
  }

  private static String d(double value, int decimals) {
    return Decimals.format(value, decimals);
  }
}
