package io.ballast.controller.simulation;

import java.util.List;

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
 * @param classes per class (HIGH, LOW), what was offered and shed and how many seconds violated the SLO
 */
public record Run(
    PolicyReport report,
    double[] supply,
    int[] shed,
    double[] served,
    double[] dropped,
    double[] p99Ms,
    int[] billed,
    int[] desired,
    List<ClassTotals> classes) {

  /**
   * One class over the run.
   *
   * @param sloViolationSeconds seconds in which more of the class's outcomes violated the SLO than the quantile
   *     allows (for HIGH, its shed requests count as violations)
   */
  public record ClassTotals(long offered, long shed, long sloViolationSeconds) {}

  public String name() {
    return report.policy();
  }
}
