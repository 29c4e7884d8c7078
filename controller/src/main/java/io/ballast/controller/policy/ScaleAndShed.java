package io.ballast.controller.policy;

import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.ClassLoad;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.event.Reason;
import io.ballast.persistence.event.Reason.Code;
import io.ballast.persistence.event.Reason.Limit;
import io.ballast.persistence.event.Reason.Signal;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ShedReason;
import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.policy.Select;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Ballast's own policy: scaling and shedding decided together, from one window and the service's recent
 * history.
 *
 * <p>Scaling. Each signal says how many instances the demand needs (requests, concurrency and CPU are scaled
 * up by what was shed, so shedding never hides demand; latency only ever adds), averaged over the stable
 * window. A signal within its tolerance of the instances there are proposes those instances; the count
 * follows the signal that needs the most. Then, in order: a panic for a sudden surge (straight to what the
 * surge needs, no scale-down while it lasts, nothing undone when it ends), the stabilization windows, the
 * rate policies, the cooldowns, and [min, max]. Every rule that moved the count is in the reason. The
 * demand-based count does not depend on how many instances are still booting, so a surge is answered once.
 *
 * <p>Shedding. The deficit is what demand exceeds the capacity that can serve now (ready instances, warming
 * ones in part, up to the utilization cap). It is shed lowest priority first; the most important class only
 * when capacity is below its own demand. The levels move only when the shed is below the deficit or more
 * than the hysteresis band above it, so they do not flap, and they come down step by step as instances
 * become ready.
 *
 * <p>Metric outage. A window without samples holds the count for the hold time, then goes to the floor,
 * and lifts shedding: nothing is shed blind.
 */
public final class ScaleAndShed implements Policy<BallastPolicy> {

  /** How many windows of the burst window the deviation of demand is estimated from, at most. */
  private static final int BURST_SAMPLES = 60;
  /** Keeps float noise (10.000000001 instances' worth of load) from asking for one more instance. */
  private static final double EPSILON = 1e-9;
  /** Latency above its objective asks for at most this many times the instances serving now. */
  private static final double MAX_LATENCY_STEP = 2.0;

  @Override
  public Decision decide(ServiceState state, MetricsObserved window, BallastPolicy p) {
    Instant now = window.windowEnd();
    int current = current(state, window, p);
    if (window.sampleCount() == 0) {
      // Holding keeps the count asked for, short or not: without metrics there is nothing to re-decide it on.
      return outage(state, now, state.lastDecision().isPresent() ? state.desiredInstances() : current, p);
    }
    InstanceCounts instances = instances(state, window);

    // Signals, averaged over the stable window, and the proposal of each. A surge is measured over the panic
    // window; once a panic is under way, over all of it (up to the stable window), so that its count follows
    // the surge's level rather than ratcheting on every noisy short window.
    Instant surgeSince = now.minus(p.panic().window());
    Instant panicStart = panicStart(state);
    if (panicStart != null && panicStart.isBefore(surgeSince)) {
      Instant stableSince = now.minus(p.stableWindow());
      surgeSince = panicStart.isAfter(stableSince) ? panicStart : stableSince;
    }
    Need[] needs = needs(state, window, now.minus(p.stableWindow()), surgeSince, p);
    Need stable = needs[0];
    Proposal proposal = propose(stable, current, p);

    List<Limit> limits = new ArrayList<>();
    if (state.actuation().shortfall() > 0 && state.lastDecision().isPresent()) {
      limits.add(new Limit(Code.TARGET_SHORT, current));
    }
    int recommended = proposal.instances();
    int desired = recommended;
    Code code = proposal.withinTolerance() ? Code.WITHIN_TOLERANCE : Code.TRACKING_TARGET;

    // Panic: a surge over the short window, measured against what serves now (or, when nobody reports
    // instances, against the count decided last).
    Mode mode = Mode.NORMAL;
    if (p.panic().enabled()) {
      int surgeInstances = ceil(needs[1].max());
      double servingNow = unknown(state, window) ? current : serving(instances, p);
      boolean triggered = surgeInstances >= p.panic().threshold() * Math.max(1.0, servingNow);
      Instant lastTrigger = triggered ? now : lastPanicTrigger(state);
      boolean panicking = lastTrigger != null && now.isBefore(lastTrigger.plus(p.panic().exitAfter()));
      if (panicking) {
        mode = Mode.PANIC;
        // Recorded as the recommendation, so that once the panic is over scale-down stabilization still
        // remembers the surge and does not undo what the panic added.
        recommended = Math.max(recommended, surgeInstances);
        int panicDesired = Math.max(Math.max(desired, surgeInstances), current);
        if (triggered) {
          limits.add(new Limit(Code.PANIC, panicDesired));
        }
        if (triggered || panicDesired != desired) {
          desired = panicDesired;
          code = Code.PANIC;
        }
      }
    }

    if (mode != Mode.PANIC) {
      int stabilized = Behavior.stabilize(state, now, p.scaleUp(), p.scaleDown(), current, recommended);
      if (stabilized != desired) {
        code = stabilized > desired ? Code.SCALE_DOWN_STABILIZED : Code.SCALE_UP_STABILIZED;
        desired = stabilized;
        limits.add(new Limit(code, desired));
      }
      int limited = rateLimit(state, now, current, desired, p);
      if (limited != desired) {
        code = rateCode(limited, desired, current, p);
        desired = limited;
        limits.add(new Limit(code, desired));
      }
      int cooled = cooldown(state, now, current, desired, p);
      if (cooled != desired) {
        desired = cooled;
        code = Code.COOLDOWN;
        limits.add(new Limit(code, desired));
      }
    }

    if (desired > p.maxInstances()) {
      desired = p.maxInstances();
      code = Code.LIMITED_BY_MAX;
      limits.add(new Limit(code, desired));
    } else if (desired < p.minInstances()) {
      desired = p.minInstances();
      code = Code.LIMITED_BY_MIN;
      limits.add(new Limit(code, desired));
    }
    if (desired == current && (code == Code.WITHIN_TOLERANCE || code == Code.TRACKING_TARGET)
        && serving(instances, p) + EPSILON < stable.max() && instances.provisioned() > serving(instances, p)
        && state.actuation().shortfall() == 0) {
      code = Code.CAPACITY_ARRIVING;
    }

    Reason reason = new Reason(code, proposal.signal(), proposal.observed(), proposal.target(), recommended, limits);
    Shed shed = shed(state, window, instances, p);
    return new Decision(desired, mode, reason, shed.admission(), shed.reason());
  }

  // --- what the demand needs ---------------------------------------------------------------------------

  /**
   * Instances the demand needs, per signal, time-averaged over the windows that end after a point in time
   * (the current window included). {@code NaN} for a signal with no reading.
   */
  private record Need(double requests, double concurrency, double cpu, double latency, double latencyP99) {
    double max() {
      double m = 0;
      if (!Double.isNaN(requests)) {
        m = Math.max(m, requests);
      }
      if (!Double.isNaN(concurrency)) {
        m = Math.max(m, concurrency);
      }
      if (!Double.isNaN(cpu)) {
        m = Math.max(m, cpu);
      }
      if (!Double.isNaN(latency)) {
        m = Math.max(m, latency);
      }
      return m;
    }
  }

  /** Running sums for one averaging window. */
  private static final class Sums {
    final Sum requests = new Sum();
    final Sum concurrency = new Sum();
    final Sum cpu = new Sum();
    final Sum latency = new Sum();
    final Sum p99 = new Sum();

    void add(double r, double c, double u, double l, double worstP99, double seconds) {
      requests.add(r, seconds);
      concurrency.add(c, seconds);
      cpu.add(u, seconds);
      latency.add(l, seconds);
      p99.add(worstP99, seconds);
    }

    Need need() {
      return new Need(requests.mean(), concurrency.mean(), cpu.mean(), latency.mean(), p99.mean());
    }
  }

  /** The needs over the stable window and over the panic window, in one pass over the history. */
  private static Need[] needs(ServiceState state, MetricsObserved window, Instant stableSince, Instant surgeSince,
      BallastPolicy p) {
    Sums stable = new Sums();
    Sums surge = new Sums();
    add(window, state.instances(), p, stable, surge);
    Instant since = stableSince.isBefore(surgeSince) ? stableSince : surgeSince;
    List<MetricsObserved> history = state.recentWindows();
    for (int i = history.size() - 1; i >= 0; i--) {
      MetricsObserved w = history.get(i);
      if (!w.windowEnd().isAfter(since)) {
        break;
      }
      if (w.sampleCount() > 0) {
        add(w, state.instances(), p, w.windowEnd().isAfter(stableSince) ? stable : null,
            w.windowEnd().isAfter(surgeSince) ? surge : null);
      }
    }
    return new Need[] {stable.need(), surge.need()};
  }

  private static void add(MetricsObserved w, InstanceCounts fallback, BallastPolicy p, Sums a, Sums b) {
    if (a == null && b == null) {
      return;
    }
    double seconds = (w.windowEnd().toEpochMilli() - w.windowStart().toEpochMilli()) / 1000.0;
    double offered = 0;
    double accepted = 0;
    double worstP99 = Double.NaN;
    for (ClassLoad c : w.classes()) {
      offered += c.offeredRps();
      accepted += c.acceptedRps();
      if (c.latencyP99Ms() != null && (Double.isNaN(worstP99) || c.latencyP99Ms() > worstP99)) {
        worstP99 = c.latencyP99Ms();
      }
    }
    // What was shed would have been served too: scale measured load up to the whole demand.
    double unshed = accepted > 0 ? offered / accepted : Double.NaN;
    double serving = serving(w.instances() != null ? w.instances() : fallback, p);
    BallastPolicy.Targets t = p.targets();
    double requests = t.requestsPerInstance() != null ? offered / t.requestsPerInstance() : Double.NaN;
    double concurrency = t.concurrencyPerInstance() != null && w.concurrency() != null && !Double.isNaN(unshed)
        ? w.concurrency() * unshed / t.concurrencyPerInstance() : Double.NaN;
    double cpu = t.cpuUtilization() != null && w.cpu() != null && serving > 0 && !Double.isNaN(unshed)
        ? w.cpu() * serving * unshed / t.cpuUtilization() : Double.NaN;
    double latency = Double.NaN;
    if (t.latencyP99Ms() != null && !Double.isNaN(worstP99)) {
      // Latency has no per-instance scale: above the objective it asks for more than serves now, in
      // proportion and at most double; at or below it, it asks for nothing.
      double over = worstP99 / t.latencyP99Ms();
      latency = over > 1 ? Math.max(1, serving) * Math.min(MAX_LATENCY_STEP, over) : 0;
    }
    if (a != null) {
      a.add(requests, concurrency, cpu, latency, worstP99, seconds);
    }
    if (b != null) {
      b.add(requests, concurrency, cpu, latency, worstP99, seconds);
    }
  }

  /** A time-weighted mean. */
  private static final class Sum {
    double value;
    double weight;

    void add(double v, double seconds) {
      if (!Double.isNaN(v)) {
        value += v * seconds;
        weight += seconds;
      }
    }

    double mean() {
      return weight > 0 ? value / weight : Double.NaN;
    }
  }

  /** What the signals propose together: the highest proposal, and the signal it came from. */
  private record Proposal(int instances, boolean withinTolerance, Signal signal, double observed, double target) {}

  private static Proposal propose(Need need, int current, BallastPolicy p) {
    BallastPolicy.Targets t = p.targets();
    Proposal best = null;
    best = better(best, proposal(Signal.REQUESTS_PER_INSTANCE, need.requests(), current, t.requestsPerInstance(), p));
    best = better(best, proposal(Signal.CONCURRENCY_PER_INSTANCE, need.concurrency(), current,
        t.concurrencyPerInstance(), p));
    best = better(best, proposal(Signal.CPU_UTILIZATION, need.cpu(), current, t.cpuUtilization(), p));
    if (!Double.isNaN(need.latency())) {
      // Latency only ever adds: at or below its objective it has no say.
      int asks = ceil(need.latency());
      if (asks > current) {
        best = better(best, new Proposal(asks, false, Signal.LATENCY_P99, need.latencyP99(), t.latencyP99Ms()));
      }
    }
    return best != null ? best : new Proposal(current, true, Signal.NONE, 0, 0);
  }

  private static Proposal proposal(Signal signal, double needed, int current, Double target, BallastPolicy p) {
    if (target == null || Double.isNaN(needed)) {
      return null;
    }
    double perInstance = needed * target / Math.max(1, current);
    if (current > 0) {
      double ratio = needed / current;
      if (ratio >= 1 - p.toleranceDown() && ratio <= 1 + p.toleranceUp()) {
        return new Proposal(current, true, signal, perInstance, target);
      }
    }
    return new Proposal(ceil(needed), false, signal, perInstance, target);
  }

  private static Proposal better(Proposal a, Proposal b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return b.instances() > a.instances() ? b : a;
  }

  // --- limits on the way to the count --------------------------------------------------------------------

  /** The rate policies of the direction the count moves in (see {@link Behavior}). */
  private static int rateLimit(ServiceState state, Instant now, int current, int desired, BallastPolicy p) {
    if (desired > current) {
      return Math.max(current, Math.min(desired, Behavior.scaleUpLimit(state, now, p.scaleUp(), current)));
    }
    if (desired < current) {
      return Math.min(current, Math.max(desired, Behavior.scaleDownLimit(state, now, p.scaleDown(), current)));
    }
    return desired;
  }

  private static Code rateCode(int limited, int desired, int current, BallastPolicy p) {
    boolean up = desired > current;
    boolean disabled = (up ? p.scaleUp() : p.scaleDown()).select() == Select.DISABLED;
    if (up) {
      return disabled ? Code.SCALE_UP_DISABLED : Code.SCALE_UP_RATE_LIMITED;
    }
    return disabled ? Code.SCALE_DOWN_DISABLED : Code.SCALE_DOWN_RATE_LIMITED;
  }

  private static int cooldown(ServiceState state, Instant now, int current, int desired, BallastPolicy p) {
    if (desired > current && !p.cooldown().afterScaleUp().isZero()) {
      Instant lastUp = lastChange(state, true);
      if (lastUp != null && now.isBefore(lastUp.plus(p.cooldown().afterScaleUp()))) {
        return current;
      }
    }
    if (desired < current && !p.cooldown().afterScaleDown().isZero()) {
      Instant last = lastChange(state, false);
      if (last != null && now.isBefore(last.plus(p.cooldown().afterScaleDown()))) {
        return current;
      }
    }
    return desired;
  }

  /** When the count last went up ({@code upOnly}) or last changed at all. */
  private static Instant lastChange(ServiceState state, boolean upOnly) {
    List<ScaleDecided> decisions = state.recentDecisions();
    for (int i = decisions.size() - 1; i >= 0; i--) {
      ScaleDecided d = decisions.get(i);
      if (upOnly ? d.to() > d.from() : d.to() != d.from()) {
        return d.at();
      }
    }
    return null;
  }

  /** Where the panic the latest decisions are in began (the start of its first window), or null. */
  private static Instant panicStart(ServiceState state) {
    List<ScaleDecided> decisions = state.recentDecisions();
    Instant start = null;
    for (int i = decisions.size() - 1; i >= 0 && decisions.get(i).mode() == Mode.PANIC; i--) {
      start = decisions.get(i).at();
    }
    return start;
  }

  private static Instant lastPanicTrigger(ServiceState state) {
    List<ScaleDecided> decisions = state.recentDecisions();
    for (int i = decisions.size() - 1; i >= 0; i--) {
      ScaleDecided d = decisions.get(i);
      if (d.mode() != Mode.PANIC) {
        return null;
      }
      for (Limit l : d.reason().limits()) {
        if (l.rule() == Code.PANIC) {
          return d.at();
        }
      }
    }
    return null;
  }

  // --- shedding ------------------------------------------------------------------------------------------

  private record Shed(List<Admission> admission, ShedReason reason) {}

  private static Shed shed(ServiceState state, MetricsObserved window, InstanceCounts instances, BallastPolicy p) {
    Double perInstance = capacityPerInstance(p);
    if (!p.shedding().enabled() || perInstance == null || unknown(state, window)) {
      return new Shed(List.of(), new ShedReason(ShedReason.Code.NOT_SHEDDING, window.offeredRps(), 0, 0, 0));
    }
    List<ClassLoad> classes = expected(state, window, p);
    double demand = 0;
    for (ClassLoad c : classes) {
      demand += c.offeredRps();
    }
    double capacity = serving(instances, p) * perInstance * p.shedding().maxUtilization();
    double deficit = Math.max(0, demand - capacity);
    double band = p.shedding().hysteresis() * demand;
    double shedNow = shedBy(state.admission(), classes);

    double target;
    if (shedNow < deficit) {
      target = Math.min(demand, deficit + band / 2);
    } else if (shedNow > deficit + band) {
      target = deficit > 0 ? deficit + band / 2 : 0;
    } else if (deficit == 0 && shedNow > 0 && capacity - demand >= band) {
      target = 0;
    } else {
      return new Shed(state.admission(), shedReason(demand, capacity, deficit, shedNow));
    }
    // The most important class is shed only for what capacity cannot serve of what it offers now, never for
    // a burst it might offer.
    double topNow = window.classes().isEmpty() ? 0 : window.classes().get(0).offeredRps();
    List<Admission> admission = allocate(classes, target, Math.max(0, topNow - capacity));
    return new Shed(admission, shedReason(demand, capacity, deficit, shedBy(admission, classes)));
  }

  /**
   * The demand of each class that shedding is sized for: what the latest window offered, or, when traffic is
   * bursty, more: the mean over the burst window plus {@code burst-allowance} standard deviations. Levels
   * apply to windows not seen yet, and a burst within them is over before anyone could react to it.
   */
  private static List<ClassLoad> expected(ServiceState state, MetricsObserved window, BallastPolicy p) {
    double k = p.shedding().burstAllowance();
    if (k == 0) {
      return window.classes();
    }
    Instant since = window.windowEnd().minus(p.shedding().burstWindow());
    List<MetricsObserved> history = state.recentWindows();
    int first = firstEndingAfter(history, since);
    // A deviation needs a few dozen samples, not every window of a long burst window: take evenly spaced ones.
    int stride = Math.max(1, (history.size() - first) / BURST_SAMPLES);
    int classes = window.classes().size();
    double[] sum = new double[classes];
    double[] squares = new double[classes];
    int[] n = new int[classes];
    for (int j = 0; j < classes; j++) {
      double now = window.classes().get(j).offeredRps();
      sum[j] = now;
      squares[j] = now * now;
      n[j] = 1;
    }
    for (int i = history.size() - 1; i >= first; i -= stride) {
      List<ClassLoad> past = history.get(i).classes();
      for (int j = 0; j < classes; j++) {
        ClassLoad c = classAt(past, j, window.classes().get(j).priority());
        if (c != null) {
          sum[j] += c.offeredRps();
          squares[j] += c.offeredRps() * c.offeredRps();
          n[j]++;
        }
      }
    }
    List<ClassLoad> expected = new ArrayList<>(classes);
    for (int j = 0; j < classes; j++) {
      ClassLoad c = window.classes().get(j);
      double mean = sum[j] / n[j];
      double deviation = Math.sqrt(Math.max(0, squares[j] / n[j] - mean * mean));
      double demand = Math.max(c.offeredRps(), mean + k * deviation);
      expected.add(demand == c.offeredRps() ? c
          : new ClassLoad(c.priority(), demand, c.shedRps(), c.errorRps(), c.latencyP50Ms(), c.latencyP99Ms()));
    }
    return expected;
  }

  /** The index of the oldest window that ends after {@code since} (windows are in time order). */
  private static int firstEndingAfter(List<MetricsObserved> history, Instant since) {
    int lo = 0;
    int hi = history.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (history.get(mid).windowEnd().isAfter(since)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** The class named {@code priority}, looked for where it usually is first. */
  private static ClassLoad classAt(List<ClassLoad> classes, int index, String priority) {
    if (index < classes.size() && classes.get(index).priority().equals(priority)) {
      return classes.get(index);
    }
    for (ClassLoad c : classes) {
      if (c.priority().equals(priority)) {
        return c;
      }
    }
    return null;
  }

  private static ShedReason shedReason(double demand, double capacity, double deficit, double shed) {
    var code = deficit > 0 || shed > 0 ? ShedReason.Code.DEFICIT : ShedReason.Code.CAPACITY_COVERS_DEMAND;
    return new ShedReason(code, demand, capacity, deficit, shed);
  }

  /**
   * Spreads {@code target} requests per second of shedding over the classes, lowest priority first; the most
   * important class gives up at most {@code topShortfall}.
   */
  private static List<Admission> allocate(List<ClassLoad> classes, double target, double topShortfall) {
    List<Admission> admission = new ArrayList<>(classes.size());
    double remaining = target;
    for (int i = classes.size() - 1; i >= 0; i--) {
      ClassLoad c = classes.get(i);
      double shed = Math.min(c.offeredRps(), remaining);
      if (i == 0) {
        shed = Math.min(shed, topShortfall);
      }
      remaining -= shed;
      double admit = c.offeredRps() > 0 ? 1 - shed / c.offeredRps() : 1;
      admit = Math.max(0, Math.min(1, Math.round(admit * 10_000) / 10_000.0));
      if (admit < 1) {
        admission.add(new Admission(c.priority(), admit));
      }
    }
    admission.sort(Comparator.comparingInt(a -> indexOf(classes, a.priority())));
    return admission;
  }

  private static int indexOf(List<ClassLoad> classes, String priority) {
    for (int i = 0; i < classes.size(); i++) {
      if (classes.get(i).priority().equals(priority)) {
        return i;
      }
    }
    return classes.size();
  }

  /** Requests per second the admission sheds of this window's offered load. */
  private static double shedBy(List<Admission> admission, List<ClassLoad> classes) {
    double shed = 0;
    for (Admission a : admission) {
      for (ClassLoad c : classes) {
        if (c.priority().equals(a.priority())) {
          shed += c.offeredRps() * (1 - a.admitFraction());
        }
      }
    }
    return shed;
  }

  private static Double capacityPerInstance(BallastPolicy p) {
    if (p.shedding().instanceCapacityRps() != null) {
      return p.shedding().instanceCapacityRps();
    }
    Double target = p.targets().requestsPerInstance();
    return target == null ? null : target * 1.25;
  }

  /** Nobody has ever reported instances: the capacity is unknown, and Ballast does not shed on a guess. */
  private static boolean unknown(ServiceState state, MetricsObserved window) {
    if (window.instances() != null || !state.instances().equals(InstanceCounts.NONE)) {
      return false;
    }
    for (MetricsObserved w : state.recentWindows()) {
      if (w.instances() != null) {
        return false;
      }
    }
    return true;
  }

  // --- metric outage -------------------------------------------------------------------------------------

  private static Decision outage(ServiceState state, Instant now, int current, BallastPolicy p) {
    Instant since = state.lastSampleAt() != null ? state.lastSampleAt() : now;
    boolean holding = now.isBefore(since.plus(p.metricOutage().holdFor())) || p.metricOutage().floor() == null;
    int desired = holding ? current : p.metricOutage().floor();
    Code code = holding ? Code.METRIC_OUTAGE_HOLD : Code.METRIC_OUTAGE_FLOOR;
    List<Limit> limits = new ArrayList<>();
    if (desired > p.maxInstances()) {
      desired = p.maxInstances();
      limits.add(new Limit(Code.LIMITED_BY_MAX, desired));
    } else if (desired < p.minInstances()) {
      desired = p.minInstances();
      limits.add(new Limit(Code.LIMITED_BY_MIN, desired));
    }
    Reason reason = new Reason(code, Signal.NONE, 0, 0, -1, limits);
    return new Decision(desired, Mode.METRIC_OUTAGE, reason, List.of(),
        new ShedReason(ShedReason.Code.METRIC_OUTAGE, 0, 0, 0, 0));
  }

  // --- counting instances --------------------------------------------------------------------------------

  /**
   * The count the previous decision set, less what the target failed to provide by its deadline (those are not
   * coming); before any decision, what is there, or min-instances.
   */
  private static int current(ServiceState state, MetricsObserved window, BallastPolicy p) {
    if (state.lastDecision().isPresent()) {
      return Math.max(0, state.desiredInstances() - state.actuation().shortfall());
    }
    int provisioned = instances(state, window).provisioned();
    return provisioned > 0 ? provisioned : p.minInstances();
  }

  private static InstanceCounts instances(ServiceState state, MetricsObserved window) {
    return window.instances() != null ? window.instances() : state.instances();
  }

  /** Instances that serve now: ready ones in full, warming ones in part. */
  private static double serving(InstanceCounts i, BallastPolicy p) {
    return i.ready() + i.warming() * p.warmUp().warmingCapacity();
  }

  private static int ceil(double instances) {
    return (int) Math.min(Integer.MAX_VALUE, Math.ceil(instances - EPSILON));
  }
}
