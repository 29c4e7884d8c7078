package io.ballast.controller.replay;

import io.ballast.controller.policy.Policy;
import io.ballast.controller.simulation.InvalidInputException;
import io.ballast.controller.simulation.LivePolicy;
import io.ballast.controller.simulation.Run;
import io.ballast.controller.simulation.Simulation;
import io.ballast.controller.simulation.SimulationConfig;
import io.ballast.controller.simulation.Workload;
import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.ClassLoad;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.event.ShedLevelsChanged;
import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A recorded window re-run under another policy, through the simulator's service model (instances that boot, warm
 * up and drain; a priority queue with a timeout; the SLO judged per second).
 *
 * <p>Three sides are reported: <b>recorded</b>, what happened, measured from the recorded windows themselves;
 * <b>baseline</b>, the policy that was in force, re-run through the model; and <b>candidate</b>, the other policy,
 * re-run through the same model from the same start. Candidate against baseline is the what-if: both face the same
 * seconds and the same model, so the model's error cancels out of the difference; baseline against recorded says how
 * closely the model follows this service ({@link Result#baselineMatchesRecorded}).
 *
 * <p>The recorded load is the offered rate of every window with samples, spread over its seconds by cumulative
 * rounding; windows without samples are gaps, skipped as the simulator skips them. The model has two classes: the
 * most important class that carried load is HIGH, never to be shed; every other class is LOW. Operators' overrides
 * that were in force are not applied: the what-if is about the policy. Pure: events in, numbers out.
 */
public final class WhatIf {

  /** The longest range re-run at once. */
  public static final Duration MAX_RANGE = Duration.ofDays(7);
  /** At most this many differing windows are listed; the rest are counted. */
  public static final int MAX_DIFFERENCES = 100;
  /** Shed fractions closer than this are the same decision. */
  private static final double SHED_EPSILON = 0.005;

  /**
   * The service model. {@code capacityRps} {@code null}: what the recorded policy says one instance serves;
   * {@code metricDelaySeconds} {@code null}: each kind's delay of evaluation.md §5.4 (ballast 2 s, knative 1 s,
   * hpa 15 s, aws-target-tracking 60 s).
   */
  public record Model(int bootSeconds, int warmupSeconds, int drainSeconds, Double capacityRps, double sloLatencyMs,
      double sloQuantile, Integer metricDelaySeconds) {

    public static Model defaults() {
      SimulationConfig d = SimulationConfig.defaults();
      return new Model(d.bootSeconds(), d.warmupSeconds(), d.drainSeconds(), null, d.sloLatencyMs(), d.sloQuantile(),
          null);
    }
  }

  /** The model as run: every default resolved. */
  public record ModelUsed(int bootSeconds, int warmupSeconds, int drainSeconds, double capacityRps,
      double sloLatencyMs, double sloQuantile, int initialInstances, Map<String, Integer> metricDelaySeconds,
      String high, List<String> low) {}

  /** One side's figures over the range. Per class: HIGH's name first, then LOW's. */
  public record Totals(String side, String policy, double instanceHours, long sloViolationSeconds,
      Map<String, Long> sloViolationSecondsByClass, Map<String, Long> offered, Map<String, Long> shed,
      long scaleChanges, int peakInstances, Double ttcMedianSeconds, Double ttcMaxSeconds) {}

  /** What one side asked for at the end of a window: instances, shed fractions of HIGH and LOW, and why. */
  public record Side(int desired, double instances, double shedHigh, double shedLow, String reason,
      String explanation) {}

  /** One recorded window, seen from the three sides. */
  public record Point(Instant windowEnd, double offeredHighRps, double offeredLowRps, Side recorded, Side baseline,
      Side candidate) {}

  /** A window where the candidate decided otherwise than the baseline. */
  public record Difference(Instant windowEnd, Side baseline, Side candidate) {}

  /** What the re-run found. */
  public record Result(Instant from, Instant to, String baselinePolicy, String candidatePolicy, long seconds,
      int gaps, long gapSeconds, int policyChanges, ModelUsed model, List<Totals> summary, int windows,
      int differing, List<Difference> differences, int baselineMatchesRecorded, List<Point> series) {}

  private final Instant from;
  private final Instant to;
  private final List<String> priorityOrder;
  private ServiceState state = ServiceState.initial();
  private ServiceState atStart;
  private int policyChanges;
  private int recordedScaleChanges;
  private final List<Recorded> windows = new ArrayList<>();

  /** A recorded window with samples, and what the service had and decided at its end. */
  private record Recorded(MetricsObserved window, InstanceCounts instances, int desired, List<Admission> admission,
      String reason, String explanation) {}

  /**
   * @param from the start of the range: windows that start at or after it are re-run
   * @param to the end of the range: windows that end at or before it are re-run
   * @param priorityOrder the node's priority classes, most important first
   */
  public WhatIf(Instant from, Instant to, List<String> priorityOrder) {
    if (!to.isAfter(from)) {
      throw new InvalidInputException("to must be after from");
    }
    if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
      throw new InvalidInputException("the range is longer than " + MAX_RANGE.toDays() + " days");
    }
    this.from = from;
    this.to = to;
    this.priorityOrder = List.copyOf(priorityOrder);
  }

  /** Folds the next recorded event, oldest first. */
  public WhatIf add(ServiceEvent event) {
    state = state.apply(event);
    if (event instanceof MetricsObserved w && !w.windowStart().isBefore(from) && !w.windowEnd().isAfter(to)) {
      if (atStart == null) {
        atStart = state;
      }
      if (w.sampleCount() > 0) {
        InstanceCounts instances = w.instances() != null ? w.instances() : state.instances();
        windows.add(new Recorded(w, instances, state.desiredInstances(), state.admission(), "NONE", ""));
      }
    } else if (!windows.isEmpty() && isLastWindowDecision(event)) {
      Recorded r = windows.get(windows.size() - 1);
      String reason = r.reason();
      String explanation = r.explanation();
      if (event instanceof ScaleDecided d) {
        reason = d.reason().code().name();
        explanation = d.reason().explain();
        if (d.changed()) {
          recordedScaleChanges++;
        }
      }
      windows.set(windows.size() - 1, new Recorded(r.window(), r.instances(), state.desiredInstances(),
          state.admission(), reason, explanation));
    } else if (event instanceof io.ballast.persistence.event.PolicySet && atStart != null
        && !event.at().isAfter(to)) {
      policyChanges++;
    }
    return this;
  }

  private boolean isLastWindowDecision(ServiceEvent event) {
    return (event instanceof ScaleDecided || event instanceof ShedLevelsChanged)
        && event.at().equals(windows.get(windows.size() - 1).window().windowEnd());
  }

  /** Whether any window with samples fell within the range. */
  public boolean hasLoad() {
    return !windows.isEmpty();
  }

  /** The policy in force when the range began. */
  public PolicySettings recordedPolicy() {
    return atStart == null ? null : atStart.policy();
  }

  /**
   * Re-runs the range under the recorded policy and under {@code candidate}.
   *
   * @throws InvalidInputException when the range has no load, or the model cannot be completed
   */
  public Result run(Policy<PolicySettings> decide, PolicySettings candidate, Model model) {
    if (windows.isEmpty()) {
      throw new InvalidInputException("no window with samples ended within the range");
    }
    PolicySettings baseline = recordedPolicy();
    if (baseline == null) {
      throw new InvalidInputException("the service had no policy in force when the range began");
    }
    String high = highClass();
    List<String> low = lowClasses(high);
    double capacity = capacity(model, baseline, candidate);
    Load load = load(high);
    int initial = initialInstances(baseline, candidate);
    Map<String, Integer> delays = new LinkedHashMap<>();
    delays.put("baseline", delay(model, baseline));
    delays.put("candidate", delay(model, candidate));
    SimulationConfig config = new SimulationConfig(model.bootSeconds(), model.warmupSeconds(), model.drainSeconds(),
        capacity, 1, Math.max(initial, Math.max(baseline.maxInstances(), candidate.maxInstances())), 0.5, 1,
        SimulationConfig.defaults().timeoutSeconds(), model.sloLatencyMs(), model.sloQuantile(),
        SimulationConfig.defaults().demandWindowSeconds(), SimulationConfig.defaults().shedWasteUtilization(), 0,
        Map.of());
    Workload workload = Workload.recorded(load.seconds, load.high, load.low, config);
    LivePolicy base = new LivePolicy(baseline.kind(), decide, baseline, delays.get("baseline"), initial)
        .keepingDecisions();
    LivePolicy cand = new LivePolicy(candidate.kind(), decide, candidate, delays.get("candidate"), initial)
        .keepingDecisions();
    Run baseRun = Simulation.run(workload, config, base);
    Run candRun = Simulation.run(workload, config, cand);

    List<String> classes = new ArrayList<>();
    classes.add(high);
    classes.add(low.isEmpty() ? "other" : String.join("+", low));
    List<Totals> summary = List.of(recordedTotals(classes, high, model),
        simulatedTotals("baseline", baseline.kind(), baseRun, classes),
        simulatedTotals("candidate", candidate.kind(), candRun, classes));

    List<Point> series = new ArrayList<>();
    List<Difference> differences = new ArrayList<>();
    int differing = 0;
    int matches = 0;
    Cursor baseAt = new Cursor(base.decisions());
    Cursor candAt = new Cursor(cand.decisions());
    for (Recorded r : windows) {
      int step = Arrays.binarySearch(load.seconds, r.window().windowEnd().getEpochSecond() - 1);
      if (step < 0) {
        step = -step - 2;
      }
      Side recorded = recordedSide(r, high);
      Side b = simulatedSide(baseAt.at(step), baseRun, step);
      Side c = simulatedSide(candAt.at(step), candRun, step);
      double[] offered = split(r.window(), high);
      series.add(new Point(r.window().windowEnd(), offered[0], offered[1], recorded, b, c));
      if (b.desired() == recorded.desired()) {
        matches++;
      }
      if (b.desired() != c.desired() || Math.abs(b.shedHigh() - c.shedHigh()) > SHED_EPSILON
          || Math.abs(b.shedLow() - c.shedLow()) > SHED_EPSILON) {
        differing++;
        if (differences.size() < MAX_DIFFERENCES) {
          differences.add(new Difference(r.window().windowEnd(), b, c));
        }
      }
    }
    ModelUsed used = new ModelUsed(model.bootSeconds(), model.warmupSeconds(), model.drainSeconds(), capacity,
        model.sloLatencyMs(), model.sloQuantile(), initial, delays, high, low);
    return new Result(from, to, baseline.kind(), candidate.kind(), workload.length(), workload.gaps(),
        workload.gapSeconds(), policyChanges, used, summary, windows.size(), differing, List.copyOf(differences),
        matches, List.copyOf(series));
  }

  // ------------------------------------------------------------------------------------------------ the load

  private record Load(long[] seconds, int[] high, int[] low) {}

  /**
   * Requests per second of the range: each window's rate times its overlap with each second, then rounded
   * cumulatively per class so that the totals are kept. Seconds no window covers are gaps.
   */
  private Load load(String high) {
    long first = windows.get(0).window().windowStart().getEpochSecond();
    long last = windows.get(windows.size() - 1).window().windowEnd().getEpochSecond();
    int span = (int) Math.max(1, last - first + 1);
    double[] h = new double[span];
    double[] l = new double[span];
    boolean[] covered = new boolean[span];
    for (Recorded r : windows) {
      MetricsObserved w = r.window();
      double[] rates = split(w, high);
      long startMs = w.windowStart().toEpochMilli();
      long endMs = w.windowEnd().toEpochMilli();
      for (long s = Math.floorDiv(startMs, 1000); s * 1000 < endMs; s++) {
        double overlap = (Math.min(endMs, (s + 1) * 1000) - Math.max(startMs, s * 1000)) / 1000.0;
        int k = (int) (s - first);
        if (k < 0 || k >= span || overlap <= 0) {
          continue;
        }
        h[k] += rates[0] * overlap;
        l[k] += rates[1] * overlap;
        covered[k] = true;
      }
    }
    int n = 0;
    for (boolean c : covered) {
      n += c ? 1 : 0;
    }
    long[] seconds = new long[n];
    int[] highArrivals = new int[n];
    int[] lowArrivals = new int[n];
    double exactHigh = 0;
    double exactLow = 0;
    long doneHigh = 0;
    long doneLow = 0;
    int j = 0;
    for (int k = 0; k < span; k++) {
      if (!covered[k]) {
        continue;
      }
      exactHigh += h[k];
      exactLow += l[k];
      long nowHigh = (long) Math.floor(exactHigh + 1e-9);
      long nowLow = (long) Math.floor(exactLow + 1e-9);
      seconds[j] = first + k;
      highArrivals[j] = Math.toIntExact(nowHigh - doneHigh);
      lowArrivals[j] = Math.toIntExact(nowLow - doneLow);
      doneHigh = nowHigh;
      doneLow = nowLow;
      j++;
    }
    return new Load(seconds, highArrivals, lowArrivals);
  }

  /** Offered HIGH and LOW requests per second of a window. */
  private static double[] split(MetricsObserved w, String high) {
    double[] rates = new double[2];
    for (ClassLoad c : w.classes()) {
      rates[c.priority().equals(high) ? 0 : 1] += c.offeredRps();
    }
    return rates;
  }

  /** The most important class that carried load in the range, or that was there at all when none did. */
  private String highClass() {
    Set<String> loaded = new LinkedHashSet<>();
    Set<String> present = new LinkedHashSet<>();
    for (Recorded r : windows) {
      for (ClassLoad c : r.window().classes()) {
        present.add(c.priority());
        if (c.offeredRps() > 0) {
          loaded.add(c.priority());
        }
      }
    }
    Set<String> candidates = loaded.isEmpty() ? present : loaded;
    for (String p : priorityOrder) {
      if (candidates.contains(p)) {
        return p;
      }
    }
    return candidates.isEmpty() ? priorityOrder.get(0) : candidates.iterator().next();
  }

  private List<String> lowClasses(String high) {
    Set<String> seen = new LinkedHashSet<>();
    for (String p : priorityOrder) {
      for (Recorded r : windows) {
        if (!p.equals(high) && r.window().classes().stream().anyMatch(c -> c.priority().equals(p))) {
          seen.add(p);
          break;
        }
      }
    }
    for (Recorded r : windows) {
      r.window().classes().stream().map(ClassLoad::priority).filter(p -> !p.equals(high)).forEach(seen::add);
    }
    return List.copyOf(seen);
  }

  // ------------------------------------------------------------------------------------------------ the model

  private static double capacity(Model model, PolicySettings baseline, PolicySettings candidate) {
    if (model.capacityRps() != null) {
      return model.capacityRps();
    }
    for (PolicySettings p : List.of(baseline, candidate)) {
      if (p instanceof BallastPolicy b) {
        if (b.shedding().instanceCapacityRps() != null) {
          return b.shedding().instanceCapacityRps();
        }
        if (b.targets().requestsPerInstance() != null) {
          return 1.25 * b.targets().requestsPerInstance();
        }
      }
    }
    throw new InvalidInputException("model.capacityRps is required: neither policy says how many requests per "
        + "second one instance serves");
  }

  private static int delay(Model model, PolicySettings p) {
    return model.metricDelaySeconds() != null ? model.metricDelaySeconds()
        : SimulationConfig.DEFAULT_METRIC_DELAYS.getOrDefault(p.kind(), 0);
  }

  /** What the service had when the range began, as ready instances: both policies start from it. */
  private int initialInstances(PolicySettings baseline, PolicySettings candidate) {
    Recorded first = windows.get(0);
    int n = first.instances().provisioned();
    if (n == 0) {
      n = atStart.desiredInstances();
    }
    return Math.max(1, n);
  }

  // ------------------------------------------------------------------------------------------------ the sides

  private Totals recordedTotals(List<String> classes, String high, Model model) {
    double instanceSeconds = 0;
    long[] offered = new long[2];
    long[] shed = new long[2];
    double[] exactOffered = new double[2];
    double[] exactShed = new double[2];
    long[] violation = new long[2];
    long violationAll = 0;
    int peak = 0;
    for (Recorded r : windows) {
      MetricsObserved w = r.window();
      double seconds = Duration.between(w.windowStart(), w.windowEnd()).toMillis() / 1000.0;
      InstanceCounts i = r.instances();
      instanceSeconds += (i.provisioned() + i.draining()) * seconds;
      peak = Math.max(peak, i.provisioned() + i.draining());
      boolean[] violates = new boolean[2];
      for (ClassLoad c : w.classes()) {
        int k = c.priority().equals(high) ? 0 : 1;
        exactOffered[k] += c.offeredRps() * seconds;
        exactShed[k] += c.shedRps() * seconds;
        double allowed = (1 - model.sloQuantile()) * c.offeredRps();
        boolean slow = c.latencyP99Ms() != null && c.latencyP99Ms() > model.sloLatencyMs();
        boolean failing = c.errorRps() > allowed || (k == 0 && c.shedRps() > allowed);
        violates[k] |= c.offeredRps() > 0 && (slow || failing);
      }
      long whole = Math.round(seconds);
      for (int k = 0; k < 2; k++) {
        violation[k] += violates[k] ? whole : 0;
      }
      violationAll += violates[0] || violates[1] ? whole : 0;
    }
    for (int k = 0; k < 2; k++) {
      offered[k] = Math.round(exactOffered[k]);
      shed[k] = Math.round(exactShed[k]);
    }
    return new Totals("recorded", recordedPolicy().kind(), instanceSeconds / 3600, violationAll,
        byClass(classes, violation), byClass(classes, offered), byClass(classes, shed), recordedScaleChanges, peak,
        null, null);
  }

  private static Totals simulatedTotals(String side, String policy, Run run, List<String> classes) {
    long[] offered = new long[2];
    long[] shed = new long[2];
    long[] violation = new long[2];
    for (int k = 0; k < 2; k++) {
      offered[k] = run.classes().get(k).offered();
      shed[k] = run.classes().get(k).shed();
      violation[k] = run.classes().get(k).sloViolationSeconds();
    }
    int peak = Arrays.stream(run.billed()).max().orElse(0);
    return new Totals(side, policy, run.report().instanceHours(), run.report().sloViolationSeconds(),
        byClass(classes, violation), byClass(classes, offered), byClass(classes, shed), run.report().actions(), peak,
        finite(run.report().ttcMedianSeconds()), finite(run.report().ttcMaxSeconds()));
  }

  private static Map<String, Long> byClass(List<String> classes, long[] values) {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put(classes.get(0), values[0]);
    out.put(classes.get(1), values[1]);
    return out;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static Side recordedSide(Recorded r, String high) {
    double shedHigh = 0;
    double offeredLow = 0;
    double admittedLow = 0;
    for (ClassLoad c : r.window().classes()) {
      double admit = 1;
      for (Admission a : r.admission()) {
        if (a.priority().equals(c.priority())) {
          admit = a.admitFraction();
        }
      }
      if (c.priority().equals(high)) {
        shedHigh = 1 - admit;
      } else {
        offeredLow += c.offeredRps();
        admittedLow += c.offeredRps() * admit;
      }
    }
    double shedLow = offeredLow > 0 ? 1 - admittedLow / offeredLow : 0;
    InstanceCounts i = r.instances();
    return new Side(r.desired(), i.ready() + i.warming(), round(shedHigh), round(shedLow), r.reason(),
        r.explanation());
  }

  private static Side simulatedSide(LivePolicy.Decided d, Run run, int step) {
    double supply = step >= 0 ? run.supply()[step] : 0;
    if (d == null) {
      int desired = step >= 0 ? run.desired()[step] : 0;
      return new Side(desired, round(supply), 0, 0, "NONE", "no decision yet");
    }
    return new Side(d.desired(), round(supply), round(1 - d.admitHigh()), round(1 - d.admitLow()), d.reason(),
        d.explanation());
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** Walks a policy's decisions forward: the one in force at a step. */
  private static final class Cursor {
    private final List<LivePolicy.Decided> decisions;
    private int next;

    Cursor(List<LivePolicy.Decided> decisions) {
      this.decisions = decisions;
    }

    LivePolicy.Decided at(int step) {
      while (next < decisions.size() && decisions.get(next).t() <= step) {
        next++;
      }
      return next == 0 ? null : decisions.get(next - 1);
    }
  }
}
