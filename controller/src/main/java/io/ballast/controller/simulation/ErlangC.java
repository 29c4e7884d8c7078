package io.ballast.controller.simulation;

/**
 * The M/M/c queue of evaluation.md §5.3: with c servers of rate μ and offered load a = λ/μ, the probability
 * that an arrival waits is Erlang C, C(c, a), and P(W > x) = C(c, a)·exp(−(cμ − λ)·x). Erlang B is computed by
 * its recurrence B_0 = 1, B_k = a·B_{k−1} / (k + a·B_{k−1}), which stays within [0, 1] for any c, and C follows
 * as B_c / (1 − (a/c)(1 − B_c)). An unstable queue (a ≥ c) always waits.
 */
public final class ErlangC {

  private ErlangC() {}

  /** C(c, a): the probability that an arrival waits; 1 when a ≥ c, 0 without load. */
  public static double waitProbability(int servers, double load) {
    if (load <= 0) {
      return 0;
    }
    if (load >= servers) {
      return 1;
    }
    double b = 1;
    for (int k = 1; k <= servers; k++) {
      b = load * b / (k + load * b);
    }
    return b / (1 - (load / servers) * (1 - b));
  }

  /** P(W > x) for arrival rate λ on c servers of rate μ; 1 when the queue is unstable. */
  public static double waitExceeds(int servers, double arrivalRate, double serviceRate, double seconds) {
    double load = arrivalRate / serviceRate;
    if (load <= 0) {
      return 0;
    }
    if (load >= servers) {
      return 1;
    }
    return Math.min(1, waitProbability(servers, load) * Math.exp(-(servers * serviceRate - arrivalRate) * seconds));
  }
}
