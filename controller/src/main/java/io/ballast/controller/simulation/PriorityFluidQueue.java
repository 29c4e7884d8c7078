package io.ballast.controller.simulation;

/**
 * The fluid strict-priority queue of evaluation.md §5.3: per class a FIFO list of cohorts (arrival second,
 * requests left). Each second serves up to the capacity, HIGH before LOW and oldest first; requests that have
 * waited the timeout are dropped first. A request served w whole seconds after its arrival waits w seconds.
 *
 * <p>Requests served in the second they arrived wait as in an M/M/c queue (Erlang C) with c = floor(C_t/μ)
 * servers and λ the admitted arrivals of that second, both classes: priority acts across seconds, through the
 * backlog, and within a second only in who gets the capacity. When older requests were served ahead of them in
 * the same second, the server is behind, and the fluid position gives the wait instead (see {@link ServedSecond}).
 * Counts are fractional where capacity is (warming instances serve a fraction of μ).
 */
final class PriorityFluidQueue {

  private final int timeout;
  private final double serviceRate;
  private final double violatingWait;
  private final double serviceSeconds;
  private final int[][] arrivedAt;
  private final double[][] left;
  private final int[] head = new int[ServedSecond.CLASSES];
  private final int[] size = new int[ServedSecond.CLASSES];
  private final Memo erlang = new Memo();

  PriorityFluidQueue(SimulationConfig config) {
    this.timeout = config.timeoutSeconds();
    this.serviceRate = config.instanceCapacityRps();
    this.violatingWait = config.violatingWaitSeconds();
    this.serviceSeconds = config.serviceSeconds();
    arrivedAt = new int[ServedSecond.CLASSES][timeout + 1];
    left = new double[ServedSecond.CLASSES][timeout + 1];
  }

  /** Adds the requests of class {@code c} admitted in second {@code t}; call before {@link #serve} of t. */
  void arrive(int c, int t, double requests) {
    if (requests <= 0) {
      return;
    }
    int cap = arrivedAt[c].length;
    int tail = (head[c] + size[c]) % cap;
    arrivedAt[c][tail] = t;
    left[c][tail] = requests;
    size[c]++;
  }

  /** Requests of class {@code c} waiting. */
  double queued(int c) {
    double q = 0;
    for (int i = 0; i < size[c]; i++) {
      q += left[c][(head[c] + i) % left[c].length];
    }
    return q;
  }

  /**
   * Serves second {@code t}.
   *
   * @param capacity requests the instances can serve this second, C_t·Δt
   * @param admitted requests admitted this second, both classes (λ of the Erlang C model)
   */
  void serve(int t, double capacity, int admitted, ServedSecond out) {
    int servers = (int) Math.floor(capacity / serviceRate);
    double load = admitted / serviceRate;
    boolean stable = admitted == 0 || load < servers;
    double waitProbability = stable ? waitProbability(servers, admitted) : 1;
    double decayRate = servers * serviceRate - admitted;
    double violatingShare = stable ? Math.min(1, waitProbability * Math.exp(-decayRate * violatingWait)) : 1;
    out.reset(waitProbability, decayRate, violatingWait, serviceSeconds);

    double budget = capacity;
    double servedAhead = 0;
    double backlogAhead = 0;
    for (int c = 0; c < ServedSecond.CLASSES; c++) {
      int cap = left[c].length;
      while (size[c] > 0 && t - arrivedAt[c][head[c]] >= timeout) {
        out.dropped[c] += left[c][head[c]];
        pop(c);
      }
      for (int i = 0; i < size[c] && budget > 0; ) {
        int slot = (head[c] + i) % cap;
        double x = Math.min(left[c][slot], budget);
        int waited = t - arrivedAt[c][slot];
        if (waited > 0) {
          out.backlog[c][waited] += x;
          out.responseSeconds[c] += x * (waited + serviceSeconds);
          if (waited <= violatingWait) {
            out.withinSlo[c] += x;
          }
          backlogAhead += x;
        } else {
          double violating;
          if (backlogAhead == 0) {
            out.kind[c] = stable ? ServedSecond.Kind.ERLANG : ServedSecond.Kind.UNSTABLE;
            violating = x * violatingShare;
          } else {
            out.kind[c] = ServedSecond.Kind.FLUID;
            out.fluidFrom[c] = servedAhead / capacity;
            out.fluidTo[c] = (servedAhead + x) / capacity;
            violating = x * share(out.fluidFrom[c], out.fluidTo[c], violatingWait);
          }
          out.sameMass[c] = x;
          out.withinSlo[c] += x - violating;
          out.responseSeconds[c] += x * (out.meanSameSecondWait(c) + serviceSeconds);
        }
        out.served[c] += x;
        budget -= x;
        servedAhead += x;
        left[c][slot] -= x;
        if (left[c][slot] <= 0) {
          pop(c);
        } else {
          i++;
        }
      }
    }
  }

  private void pop(int c) {
    head[c] = (head[c] + 1) % left[c].length;
    size[c]--;
  }

  /** C(c, a) for {@code admitted} requests in a second on {@code servers} servers, remembered. */
  private double waitProbability(int servers, int admitted) {
    long key = ((long) admitted << 24) | servers;
    double known = erlang.get(key);
    if (Double.isNaN(known)) {
      known = ErlangC.waitProbability(servers, admitted / serviceRate);
      erlang.put(key, known);
    }
    return known;
  }

  /** The share of [from, to] above {@code threshold} (a point when from == to). */
  private static double share(double from, double to, double threshold) {
    if (to <= from) {
      return from > threshold ? 1 : 0;
    }
    return Math.max(0, to - Math.max(from, threshold)) / (to - from);
  }
}
