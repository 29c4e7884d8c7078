package io.ballast.controller.simulation;

/**
 * One policy's run over a workload: the report row and the per-second series behind it.
 *
 * @param supply s_t: ready plus fractionally warming instances
 * @param shed requests shed, both classes
 * @param served requests served (fractional: warming capacity is)
 * @param dropped requests dropped after waiting the timeout
 * @param p99Ms the p99 response time of what was served, NaN when nothing was
 * @param billed instances billed: booting, warming, ready and draining
 * @param desired the desired count in effect during the second
 */
public record Run(
    PolicyReport report,
    double[] supply,
    int[] shed,
    double[] served,
    double[] dropped,
    double[] p99Ms,
    int[] billed,
    int[] desired) {

  public String name() {
    return report.policy();
  }
}
