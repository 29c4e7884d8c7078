package io.ballast.controller.simulation;

/**
 * What decides the simulated service's instances and admission, once per second after the second is simulated.
 * The live policies are driven through the same code as the controller ({@link LivePolicy}); the baselines
 * that are not live policies ({@link StaticPeak}, {@link Oracle}) are simulator-side and never shed.
 */
public sealed interface Autoscaler permits LivePolicy, StaticPeak, Oracle {

  /** The name it is reported under. */
  String name();

  /** Instances at second 0, all ready. */
  int initialInstances();

  /** How many seconds old the telemetry it decides from is; the simulator keeps that much. */
  int metricDelay();

  /**
   * Decides at the end of second {@code t}; the answer holds from second t + 1.
   *
   * @return the desired instance count (clamped to the instance range), or a negative number to keep the
   *     current one
   */
  int decide(int t, Telemetry telemetry);

  /** The fraction of class {@code c}'s arrivals to admit from the next second on. */
  double admitFraction(int c);
}
