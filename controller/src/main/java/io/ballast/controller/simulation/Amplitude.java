package io.ballast.controller.simulation;

/**
 * How a trace window was scaled (evaluation.md §5.1): every arrival count is multiplied by {@code factor}, chosen
 * so that the window's p99 per-second rate needs {@code instances} instances at the SLO. Time is never warped.
 *
 * @param p99Rps the window's 99th-percentile per-second rate before scaling (nearest rank over its seconds,
 *     each at its interval's exact rate)
 * @param targetRps the rate the p99 is scaled to: midway between the highest rate {@code instances − 1}
 *     instances serve within the SLO and the highest {@code instances} serve, so rounding cannot move it
 *     to a neighbouring count
 */
public record Amplitude(double factor, double p99Rps, double targetRps, int instances) {

  /** The factor that takes {@code p99Rps} to the middle of the rates that need {@code instances}. */
  static Amplitude forPeak(double p99Rps, int instances, DemandModel demand) {
    if (p99Rps <= 0) {
      throw new InvalidInputException("the window's p99 rate is 0 requests per second: there is no load to scale");
    }
    double target = (demand.maxRate(instances - 1) + demand.maxRate(instances)) / 2;
    return new Amplitude(target / p99Rps, p99Rps, target, instances);
  }
}
