package io.ballast.controller.simulation;

import java.util.Arrays;

/**
 * What the queue did in one second, per priority class: served, within the SLO, dropped, and the distribution of
 * the waits of what was served, from which latency quantiles are read. One instance is reused every second, so
 * that a run of half a million seconds allocates nothing here.
 *
 * <p>The waits of one class are a same-second part (requests served in the second they arrived, all waiting
 * less than a second) and backlog parts (requests that arrived w whole seconds earlier wait w seconds). The
 * same-second part is one of: Erlang C (when nothing older was served ahead of it: P(W ≤ x) = 1 − C·e^{−θx},
 * capped at the one-second step), unstable (a ≥ c: every request violates; waits spread evenly between the
 * violating wait and the step), or fluid (behind a backlog: the request at position p of the second's service
 * waits p / capacity).
 */
final class ServedSecond {

  enum Kind { NONE, ERLANG, UNSTABLE, FLUID }

  static final int HIGH = 0;
  static final int LOW = 1;
  static final int CLASSES = 2;

  final double[] served = new double[CLASSES];
  final double[] withinSlo = new double[CLASSES];
  final double[] dropped = new double[CLASSES];
  /** Σ response time of what was served, seconds: with Little's law, the time-averaged concurrency. */
  final double[] responseSeconds = new double[CLASSES];

  final Kind[] kind = new Kind[CLASSES];
  final double[] sameMass = new double[CLASSES];
  final double[] fluidFrom = new double[CLASSES];
  final double[] fluidTo = new double[CLASSES];
  /** backlog[c][w]: requests of class c served after waiting w whole seconds. */
  final double[][] backlog;

  double waitProbability;
  double decayRate;
  double violatingWait;
  double serviceSeconds;

  ServedSecond(int timeoutSeconds) {
    backlog = new double[CLASSES][timeoutSeconds + 1];
  }

  void reset(double waitProbability, double decayRate, double violatingWait, double serviceSeconds) {
    this.waitProbability = waitProbability;
    this.decayRate = decayRate;
    this.violatingWait = violatingWait;
    this.serviceSeconds = serviceSeconds;
    for (int c = 0; c < CLASSES; c++) {
      served[c] = withinSlo[c] = dropped[c] = responseSeconds[c] = 0;
      kind[c] = Kind.NONE;
      sameMass[c] = fluidFrom[c] = fluidTo[c] = 0;
      Arrays.fill(backlog[c], 0);
    }
  }

  double totalServed() {
    return served[HIGH] + served[LOW];
  }

  /** Response-time quantile {@code q} of class {@code c}'s served requests, in ms; NaN when none were served. */
  double quantileMs(int c, double q) {
    return quantileMs(q, c, c);
  }

  /** Response-time quantile {@code q} over both classes, in ms; NaN when nothing was served. */
  double quantileMs(double q) {
    return quantileMs(q, HIGH, LOW);
  }

  private double quantileMs(double q, int first, int last) {
    double total = 0;
    double same = 0;
    for (int c = first; c <= last; c++) {
      total += served[c];
      same += sameMass[c];
    }
    if (total <= 0) {
      return Double.NaN;
    }
    double rank = q * total;
    double wait;
    if (rank <= same) {
      wait = sameSecondQuantile(rank / same, first, last);
    } else {
      rank -= same;
      wait = backlog[first].length - 1;
      for (int w = 1; w < backlog[first].length; w++) {
        double mass = 0;
        for (int c = first; c <= last; c++) {
          mass += backlog[c][w];
        }
        if (rank <= mass) {
          wait = w;
          break;
        }
        rank -= mass;
      }
    }
    return (wait + serviceSeconds) * 1000;
  }

  /** The quantile of the same-second waits of the classes in [first, last], mixed by their masses. */
  private double sameSecondQuantile(double p, int first, int last) {
    int only = -1;
    boolean alike = true;
    for (int c = first; c <= last; c++) {
      if (sameMass[c] > 0) {
        if (only >= 0 && !(kind[c] == kind[only] && kind[c] != Kind.FLUID)) {
          alike = false;
        }
        only = only < 0 ? c : only;
      }
    }
    if (alike) {
      return quantile(only, p);
    }
    double lo = 0;
    double hi = 1;
    for (int i = 0; i < 50; i++) {
      double mid = (lo + hi) / 2;
      double mass = 0;
      double below = 0;
      for (int c = first; c <= last; c++) {
        mass += sameMass[c];
        below += sameMass[c] * cdf(c, mid);
      }
      if (below >= p * mass) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  private double quantile(int c, double p) {
    return switch (kind[c]) {
      case NONE -> 0;
      case ERLANG -> p <= 1 - waitProbability ? 0
          : Math.min(1, Math.log(waitProbability / Math.max(1 - p, Double.MIN_NORMAL)) / decayRate);
      case UNSTABLE -> unstableFrom() + p * (1 - unstableFrom());
      case FLUID -> fluidFrom[c] + p * (fluidTo[c] - fluidFrom[c]);
    };
  }

  private double cdf(int c, double x) {
    return switch (kind[c]) {
      case NONE -> 1;
      case ERLANG -> x >= 1 ? 1 : 1 - waitProbability * Math.exp(-decayRate * x);
      case UNSTABLE -> uniform(x, unstableFrom(), 1);
      case FLUID -> uniform(x, fluidFrom[c], fluidTo[c]);
    };
  }

  /** Mean same-second wait of class {@code c}, for Little's law. */
  double meanSameSecondWait(int c) {
    return switch (kind[c]) {
      case NONE -> 0;
      case ERLANG -> decayRate <= 0 ? 0 : waitProbability * (1 - Math.exp(-decayRate)) / decayRate;
      case UNSTABLE -> (unstableFrom() + 1) / 2;
      case FLUID -> (fluidFrom[c] + fluidTo[c]) / 2;
    };
  }

  private double unstableFrom() {
    return Math.min(1, violatingWait);
  }

  private static double uniform(double x, double from, double to) {
    if (x >= to) {
      return 1;
    }
    return x < from ? 0 : (x - from) / (to - from);
  }
}
