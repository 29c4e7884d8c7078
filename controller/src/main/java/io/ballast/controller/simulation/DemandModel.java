package io.ballast.controller.simulation;

/**
 * Demand in instances (evaluation.md §5.5): the smallest c ≥ 1 for which an M/M/c queue at the given arrival
 * rate meets the SLO, P(R > L) ≤ 1 − q with R ≈ W + 1/μ. At zero load that is 1: a service keeps one instance.
 * Answers are remembered by rate, given as a whole number of requests over a whole number of seconds, which is
 * how the simulator asks.
 */
public final class DemandModel {

  private final double serviceRate;
  private final double violatingWait;
  private final double allowedViolation;
  private final Memo memo = new Memo();

  public DemandModel(SimulationConfig config) {
    this.serviceRate = config.instanceCapacityRps();
    this.violatingWait = config.violatingWaitSeconds();
    this.allowedViolation = 1 - config.sloQuantile();
  }

  /** Instances needed for {@code requests} offered over {@code seconds} (1..1023 s), remembered. */
  public int instances(long requests, int seconds) {
    long key = requests * 1024 + seconds;
    double known = memo.get(key);
    if (!Double.isNaN(known)) {
      return (int) known;
    }
    int c = instances((double) requests / seconds);
    memo.put(key, c);
    return c;
  }

  /** Instances needed for an arrival rate in requests per second. */
  public int instances(double rate) {
    double load = rate / serviceRate;
    double b = 1;
    for (int c = 1; c < 100_000_000; c++) {
      b = load * b / (c + load * b);
      if (c > load) {
        double wait = b / (1 - (load / c) * (1 - b));
        if (wait * Math.exp(-(c * serviceRate - rate) * violatingWait) <= allowedViolation) {
          return c;
        }
      }
    }
    throw new IllegalArgumentException("no instance count meets the SLO at " + rate + " requests per second");
  }

  /** Whether {@code instances} meet the SLO at {@code rate}. */
  public boolean meets(int instances, double rate) {
    return ErlangC.waitExceeds(instances, rate, serviceRate, violatingWait) <= allowedViolation
        && rate < instances * serviceRate;
  }

  /** The highest rate {@code instances} serve within the SLO (0 for none), to double precision. */
  public double maxRate(int instances) {
    if (instances <= 0) {
      return 0;
    }
    double lo = 0;
    double hi = instances * serviceRate;
    for (int i = 0; i < 200 && hi - lo > Math.ulp(hi); i++) {
      double mid = (lo + hi) / 2;
      if (meets(instances, mid)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
