package io.ballast.controller.simulation;

/**
 * What every policy of one benchmark faces: the per-second arrivals of a trace window, expanded, scaled and
 * split into HIGH and LOW, and the demand they create. Built once and shared, so that all policies see the
 * same seconds and are measured against the same demand.
 *
 * <p>Expansion (§5.1): an interval of n seconds with count C gives second k the arrivals
 * floor(C·(k+1)/n) − floor(C·k/n), which preserves C exactly without randomness. The amplitude factor is applied
 * to the exact load before that rounding (see {@link #expand}), so a scaled minute stays as smooth as the
 * minute was; the HIGH/LOW split uses the same cumulative rounding over the whole window.
 *
 * <p>Gaps are skipped: seconds without data are not simulated (they are not zero load), and the second after a
 * gap follows the second before it directly. Instances, queue and policy state carry over; policies see
 * continuous window times. {@link #traceSecond} keeps the trace time of each simulated second for the output.
 */
public final class Workload {

  /** The longest window simulated in one run: a leap year of seconds. */
  public static final long MAX_SECONDS = 366L * 24 * 3600;

  private final long[] traceSecond;
  private final int[] arrivals;
  private final int[] high;
  private final int[] demand;
  private final int[] demandHigh;
  private final Amplitude amplitude;
  private final int gaps;
  private final long gapSeconds;

  private Workload(long[] traceSecond, int[] arrivals, int[] high, int[] demand, int[] demandHigh,
      Amplitude amplitude, int gaps, long gapSeconds) {
    this.traceSecond = traceSecond;
    this.arrivals = arrivals;
    this.high = high;
    this.demand = demand;
    this.demandHigh = demandHigh;
    this.amplitude = amplitude;
    this.gaps = gaps;
    this.gapSeconds = gapSeconds;
  }

  /**
   * @param from the first trace second to simulate, or {@code null} for the trace's start
   * @param to the trace second to stop before, or {@code null} for the trace's end
   */
  public static Workload of(Trace trace, Long from, Long to, SimulationConfig config) {
    long start = from != null ? from : trace.startSeconds();
    long end = to != null ? to : trace.endSeconds();
    if (start >= end) {
      throw new InvalidInputException("the window must start before it ends: from " + start + " to " + end);
    }
    long[] seconds = secondsIn(trace, start, end);
    DemandModel demandModel = new DemandModel(config);
    Amplitude amplitude = Amplitude.forPeak(p99Rate(trace, start, end), config.peakInstances(), demandModel);
    int[] arrivals = expand(trace, start, end, amplitude.factor());
    int[] high = split(arrivals, config.highFraction());

    int gaps = 0;
    long gapSeconds = 0;
    for (int k = 1; k < seconds.length; k++) {
      if (seconds[k] - seconds[k - 1] > 1) {
        gaps++;
        gapSeconds += seconds[k] - seconds[k - 1] - 1;
      }
    }
    return new Workload(seconds, arrivals, high, demand(arrivals, config.demandWindowSeconds(), demandModel),
        demand(high, config.demandWindowSeconds(), demandModel), amplitude, gaps, gapSeconds);
  }

  /**
   * Load as it was recorded, not scaled: second k offered {@code high[k]} HIGH and {@code low[k]} LOW requests at
   * trace time {@code seconds[k]}. Seconds must ascend; a jump between two is a gap, skipped as in {@link #of}.
   */
  public static Workload recorded(long[] seconds, int[] high, int[] low, SimulationConfig config) {
    int n = seconds.length;
    if (n == 0) {
      throw new InvalidInputException("there is no recorded load to simulate");
    }
    if (high.length != n || low.length != n) {
      throw new IllegalArgumentException("seconds, high and low must be as long as each other");
    }
    if (n > MAX_SECONDS) {
      throw new InvalidInputException("the window holds " + n + " seconds; at most " + MAX_SECONDS
          + " are simulated in one run");
    }
    int[] arrivals = new int[n];
    int gaps = 0;
    long gapSeconds = 0;
    for (int k = 0; k < n; k++) {
      if (high[k] < 0 || low[k] < 0) {
        throw new IllegalArgumentException("arrivals must be >= 0, second " + k);
      }
      arrivals[k] = Math.addExact(high[k], low[k]);
      if (k > 0) {
        long step = seconds[k] - seconds[k - 1];
        if (step < 1) {
          throw new IllegalArgumentException("seconds must ascend, second " + k);
        }
        if (step > 1) {
          gaps++;
          gapSeconds += step - 1;
        }
      }
    }
    DemandModel demandModel = new DemandModel(config);
    int[] demand = demand(arrivals, config.demandWindowSeconds(), demandModel);
    int peak = 0;
    for (int d : demand) {
      peak = Math.max(peak, d);
    }
    int[] sorted = arrivals.clone();
    java.util.Arrays.sort(sorted);
    double p99 = sorted[(int) Math.max(0, Math.ceil(0.99 * n) - 1)];
    return new Workload(seconds.clone(), arrivals, high.clone(), demand,
        demand(high, config.demandWindowSeconds(), demandModel), new Amplitude(1, p99, p99, peak), gaps,
        gapSeconds);
  }

  /** The trace seconds with data in [start, end), in order. */
  private static long[] secondsIn(Trace trace, long start, long end) {
    long total = 0;
    for (int i = 0; i < trace.rows(); i++) {
      total += inWindow(trace, i, start, end);
    }
    if (total == 0) {
      throw new InvalidInputException("the window [" + start + ", " + end + ") holds no trace data; "
          + trace.name() + " covers [" + trace.startSeconds() + ", " + trace.endSeconds() + ")");
    }
    if (total > MAX_SECONDS) {
      throw new InvalidInputException("the window holds " + total + " seconds of data; at most " + MAX_SECONDS
          + " are simulated in one run: narrow it with --from and --to");
    }
    long[] seconds = new long[(int) total];
    int k = 0;
    long n = trace.intervalSeconds();
    for (int i = 0; i < trace.rows(); i++) {
      for (long t = Math.max(start, trace.start(i)); t < Math.min(end, trace.start(i) + n); t++) {
        seconds[k++] = t;
      }
    }
    return seconds;
  }

  /** Seconds of row {@code i}'s interval within [start, end). */
  private static long inWindow(Trace trace, int i, long start, long end) {
    return Math.max(0, Math.min(end, trace.start(i) + trace.intervalSeconds()) - Math.max(start, trace.start(i)));
  }

  /**
   * The 99th percentile (nearest rank) of the window's per-second rates, each second of an interval having the
   * interval's exact rate count / n, not a rounded one: rounding a minute of 42 requests to seconds of 0 and 1
   * would make its p99 a rounding artefact.
   */
  static double p99Rate(Trace trace, long start, long end) {
    int rows = trace.rows();
    Integer[] order = new Integer[rows];
    long total = 0;
    for (int i = 0; i < rows; i++) {
      order[i] = i;
      total += inWindow(trace, i, start, end);
    }
    java.util.Arrays.sort(order, java.util.Comparator.comparingLong(trace::count));
    long rank = (long) Math.ceil(0.99 * total);
    long seen = 0;
    for (Integer i : order) {
      seen += inWindow(trace, i, start, end);
      if (seen >= rank && seen > 0) {
        return (double) trace.count(i) / trace.intervalSeconds();
      }
    }
    return 0;
  }

  /**
   * The window's arrivals per second, scaled by {@code factor}, by cumulative rounding of the exact scaled load:
   * second t gets floor(f·X_{t+1}) − floor(f·X_t), X being the exact cumulative count, which in units of 1/n
   * grows by an interval's count C in each of its seconds. With f = 1 and a window starting on an interval this
   * is floor(C·(k+1)/n) − floor(C·k/n) for second k of each interval, so every interval keeps its count exactly;
   * with any f the window's total is floor(f·ΣC).
   */
  static int[] expand(Trace trace, long start, long end, double factor) {
    long n = trace.intervalSeconds();
    long total = 0;
    for (int i = 0; i < trace.rows(); i++) {
      total += inWindow(trace, i, start, end);
    }
    int[] arrivals = new int[(int) total];
    long exact = 0;
    long before = 0;
    int k = 0;
    for (int i = 0; i < trace.rows(); i++) {
      long c = trace.count(i);
      for (long t = inWindow(trace, i, start, end); t > 0; t--) {
        exact += c;
        long now = (long) Math.floor(factor * exact / n);
        long a = now - before;
        if (a > Integer.MAX_VALUE) {
          throw new InvalidInputException("a scaled second holds more than " + Integer.MAX_VALUE + " requests");
        }
        arrivals[k++] = (int) a;
        before = now;
      }
    }
    return arrivals;
  }

  /** Second {@code k} of an interval of {@code n} seconds holding {@code count} requests (evaluation.md §5.1). */
  public static long arrivalsInSecond(long count, long n, long k) {
    return Math.floorDiv(count * (k + 1), n) - Math.floorDiv(count * k, n);
  }

  /** The HIGH share of each second's arrivals, rounded cumulatively. */
  static int[] split(int[] arrivals, double highFraction) {
    int[] high = new int[arrivals.length];
    long cumulative = 0;
    long before = 0;
    for (int k = 0; k < arrivals.length; k++) {
      cumulative += arrivals[k];
      long now = (long) Math.floor(highFraction * cumulative);
      high[k] = (int) (now - before);
      before = now;
    }
    return high;
  }

  /**
   * Demand of each second from the mean rate over the window centred on it, [t − w/2, t + w − w/2 − 1], cut
   * at the ends of the run. Centred rather than trailing so the smoothing adds no lag: a trailing mean trails a
   * rise by up to a whole window, and would call seconds covered that the load had already outgrown.
   */
  private static int[] demand(int[] arrivals, int window, DemandModel model) {
    int n = arrivals.length;
    long[] prefix = new long[n + 1];
    for (int k = 0; k < n; k++) {
      prefix[k + 1] = prefix[k] + arrivals[k];
    }
    int[] demand = new int[n];
    for (int k = 0; k < n; k++) {
      int from = Math.max(0, k - window / 2);
      int to = Math.min(n, k - window / 2 + window);
      demand[k] = model.instances(prefix[to] - prefix[from], to - from);
    }
    return demand;
  }

  /** Simulated seconds. */
  public int length() {
    return arrivals.length;
  }

  /** The trace time of simulated second {@code step}. */
  public long traceSecond(int step) {
    return traceSecond[step];
  }

  /** Offered requests in second {@code step}, both classes. */
  public int arrivals(int step) {
    return arrivals[step];
  }

  public int high(int step) {
    return high[step];
  }

  public int low(int step) {
    return arrivals[step] - high[step];
  }

  /** d_t: instances the offered load around second {@code step} needs at the SLO (centred 60-s mean rate). */
  public int demand(int step) {
    return demand[step];
  }

  /** d^H_t: instances the HIGH load alone needs. */
  public int demandHigh(int step) {
    return demandHigh[step];
  }

  public Amplitude amplitude() {
    return amplitude;
  }

  /** Gaps in the data that were skipped, and the seconds they spanned. */
  public int gaps() {
    return gaps;
  }

  public long gapSeconds() {
    return gapSeconds;
  }

  /** The highest demand of the window. */
  public int peakDemand() {
    int peak = 0;
    for (int d : demand) {
      peak = Math.max(peak, d);
    }
    return peak;
  }
}
