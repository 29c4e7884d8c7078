package io.ballast.controller.policy;

import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.event.Reason;
import io.ballast.persistence.event.Reason.Code;
import io.ballast.persistence.event.Reason.Limit;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.policy.KnativePolicy;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The Knative Pod Autoscaler (KPA) decider, with the bounds its reconciler applies.
 *
 * <p>Source: knative/serving {@code pkg/autoscaler/scaling/autoscaler.go} ({@code newAutoscaler}, {@code Scale}),
 * {@code pkg/autoscaler/aggregation/bucketing.go} ({@code TimedFloat64Buckets.WindowAverage}),
 * {@code pkg/autoscaler/metrics/collector.go} ({@code StableAndPanicConcurrency}, {@code ErrNoData}),
 * {@code pkg/autoscaler/aggregation/max} (scale-down delay window), {@code pkg/autoscaler/config/config.go}
 * (defaults), {@code pkg/reconciler/autoscaling/resources/target.go} (target × utilization),
 * {@code pkg/reconciler/autoscaling/kpa/scaler.go} (min/max bounds). Notes: /work/shared/reference/autoscalers.md §2.
 *
 * <p>Every tick ({@code tick-interval}, 2 s): the total concurrency (or requests per second) is averaged over the
 * stable window and over the panic window as the KPA's one-second buckets average it; with
 * {@code ready = max(1, ready pods)}, {@code dspc = ceil(stable / (target × utilization))} and likewise
 * {@code dppc}, each clamped to {@code [floor(ready / max-scale-down-rate), ceil(max-scale-up-rate × ready)]}.
 * {@code dppc / ready >= panic threshold} starts or extends panic; panic ends at the first tick below the
 * threshold more than a stable window after the last one above it. In panic the count is
 * {@code max(stable, panic)} and never decreases. A scale-down delay holds the highest count of its trailing
 * window; min/max bound the result.
 *
 * <p>The model's memory is its decisions: at a tick {@link Reason#recommended()} is the count {@code Scale}
 * returned before the scale-down delay (in panic: the never-decreasing panic count, {@code maxPanicPods}), the
 * mode is {@link Mode#PANIC} while panicking, and a {@link Limit} with rule {@link Code#PANIC} marks a tick at
 * which the panic time was set (a tick over the threshold, or the KPA starting in panic); when the ratchet held
 * the count above what this tick asked for, a {@link Code#SCALE_DOWN_DISABLED} limit says so.
 *
 * <p>Where this simplifies the real KPA:
 * <ul>
 *   <li>The ready pods are the instances that take traffic: ready and warming (Knative counts a pod once its
 *       readiness probe passes); when nobody ever reported instance counts, the current count is taken as ready.
 *       No pod sampling: the totals Ballast reports stand for the scraped ones.</li>
 *   <li>Window averages are time-weighted over Ballast's windows, which stand for the KPA's one-second buckets;
 *       windows without samples are the buckets the scraper did not fill (gaps inside count as 0, a missing tail
 *       or head shortens the window, no data in the whole stable window is {@code ErrNoData}: hold).</li>
 *   <li>The KPA is "created" at the first decision recorded for the service: if that window has data and more
 *       than one ready pod, it starts in panic holding them (knative/serving#4795). It is never restarted
 *       afterwards (its memory is events), and a switch from another policy is not a creation.</li>
 *   <li>Scale to zero is taken directly when min-instances is 0 and the decider asks for 0; the real
 *       reconciler also waits for the activator to be in the path and the scale-to-zero grace period (30 s).
 *       Activation scale, initial scale, target burst capacity and the activator are not modelled.</li>
 *   <li>The tick cadence is re-anchored after ticks without data (they record {@code recommended = -1}).</li>
 * </ul>
 */
public final class KnativeModel implements Policy<KnativePolicy> {

  @Override
  public Decision decide(ServiceState state, MetricsObserved window, KnativePolicy s) {
    Instant now = window.windowEnd();
    if (!Lookback.isEvaluationPoint(state, now, s.tickInterval())) {
      return Lookback.betweenPeriods(state);
    }
    Reason.Signal signal = s.metric() == KnativePolicy.Metric.CONCURRENCY
        ? Reason.Signal.CONCURRENCY_PER_INSTANCE : Reason.Signal.REQUESTS_PER_INSTANCE;
    double targetValue = s.target() * s.targetUtilization();
    InstanceCounts reported = Lookback.instances(state, window);
    int current = Lookback.currentInstances(state, reported, s.minInstances());
    InstanceCounts counts = Lookback.countsOrAssumed(reported, current);
    int readyPods = counts.ready() + counts.warming();
    double ready = Math.max(1, readyPods);

    Function<MetricsObserved, Double> metric =
        s.metric() == KnativePolicy.Metric.CONCURRENCY ? Lookback::concurrency : Lookback::requestRate;
    List<MetricsObserved> windows = Lookback.windowsSince(state, window, now.minus(s.stableWindow()));
    OptionalDouble stable = windowAverage(windows, now, s.stableWindow(), metric);
    if (stable.isEmpty()) {
      // ErrNoData: the decider returns an invalid result and the last desired scale stays
      return Decision.scaleOnly(current, Mode.METRIC_OUTAGE,
          new Reason(Code.METRIC_OUTAGE_HOLD, signal, 0, targetValue, -1));
    }
    double panic = windowAverage(windows, now, s.panicWindow(), metric).orElse(0);

    double maxScaleUp = Math.ceil(s.maxScaleUpRate() * ready);
    double maxScaleDown = Math.floor(ready / s.maxScaleDownRate());
    double dspc = Math.ceil(stable.getAsDouble() / targetValue);
    double dppc = Math.ceil(panic / targetValue);
    int stablePods = (int) Math.min(Math.max(dspc, maxScaleDown), maxScaleUp);
    int panicPods = (int) Math.min(Math.max(dppc, maxScaleDown), maxScaleUp);
    boolean overThreshold = dppc / ready >= s.panicThresholdPercentage() / 100.0;

    PanicState before = PanicState.recalled(state, now, readyPods);
    boolean panicking = before.panicking();
    boolean panicTimeSet = before.startedNow();
    int maxPanicPods = before.maxPanicPods();
    if (overThreshold) {
      panicking = true;
      panicTimeSet = true;
    } else if (panicking && (before.panicTime() == null || before.panicTime().plus(s.stableWindow()).isBefore(now))) {
      panicking = false;
      maxPanicPods = 0;
    }

    List<Limit> limits = new ArrayList<>();
    int desired = stablePods;
    double asked = panicking ? Math.max(dspc, dppc) : dspc;
    if (asked > maxScaleUp) {
      limits.add(new Limit(Code.SCALE_UP_RATE_LIMITED, (int) maxScaleUp));
    } else if (asked < maxScaleDown) {
      limits.add(new Limit(Code.SCALE_DOWN_RATE_LIMITED, (int) maxScaleDown));
    }
    if (panicking) {
      int surge = Math.max(stablePods, panicPods);
      if (panicTimeSet) {
        limits.add(new Limit(Code.PANIC, surge));
      }
      if (surge > maxPanicPods) {
        maxPanicPods = surge;
      } else if (surge < maxPanicPods) {
        limits.add(new Limit(Code.SCALE_DOWN_DISABLED, maxPanicPods));
      }
      desired = maxPanicPods;
    }
    int recommended = desired;

    if (!s.scaleDownDelay().isZero()) {
      int delayed = delayed(Lookback.evaluations(state), now, s.scaleDownDelay(), desired);
      if (delayed != desired) {
        limits.add(new Limit(Code.SCALE_DOWN_STABILIZED, delayed));
        desired = delayed;
      }
    }
    if (desired > s.maxInstances()) {
      desired = s.maxInstances();
      limits.add(new Limit(Code.LIMITED_BY_MAX, desired));
    } else if (desired < s.minInstances()) {
      desired = s.minInstances();
      limits.add(new Limit(Code.LIMITED_BY_MIN, desired));
    }

    Code code = !limits.isEmpty() ? limits.get(limits.size() - 1).rule()
        : panicking ? Code.PANIC : Code.TRACKING_TARGET;
    double observed = (panicking ? panic : stable.getAsDouble()) / ready;
    return Decision.scaleOnly(desired, panicking ? Mode.PANIC : Mode.NORMAL,
        new Reason(code, signal, observed, targetValue, recommended, limits));
  }

  /**
   * What the decider remembered before this tick.
   *
   * @param panicTime the last time the panic time was set in the current panic, {@code null} when not panicking
   *     or when that is older than the history
   * @param startedNow the KPA is created at this tick and starts in panic
   */
  record PanicState(boolean panicking, Instant panicTime, int maxPanicPods, boolean startedNow) {

    /**
     * Read back from the decisions: the last tick's mode and count, and the latest panic marker of the current
     * run of panic ticks. With no decision yet, the KPA is created now: in panic when more than one pod is
     * ready ({@code newAutoscaler}), holding them.
     */
    static PanicState recalled(ServiceState state, Instant now, int readyPods) {
      List<ScaleDecided> ticks = Lookback.evaluations(state);
      if (ticks.isEmpty() && state.lastDecision().isPresent()) {
        // created earlier, but its ticks are older than the history (a long metric outage): any panic is over
        return new PanicState(false, null, 0, false);
      }
      if (ticks.isEmpty()) {
        boolean panicking = readyPods > 1;
        return new PanicState(panicking, panicking ? now : null, panicking ? readyPods : 0, panicking);
      }
      ScaleDecided last = ticks.get(ticks.size() - 1);
      if (last.mode() != Mode.PANIC) {
        return new PanicState(false, null, 0, false);
      }
      return new PanicState(true, lastPanicTime(ticks).orElse(null), last.reason().recommended(), false);
    }

    private static Optional<Instant> lastPanicTime(List<ScaleDecided> ticks) {
      for (int i = ticks.size() - 1; i >= 0 && ticks.get(i).mode() == Mode.PANIC; i--) {
        ScaleDecided tick = ticks.get(i);
        if (tick.reason().limits().stream().anyMatch(l -> l.rule() == Code.PANIC)) {
          return Optional.of(tick.at());
        }
      }
      return Optional.empty();
    }
  }

  /** The scale-down delay: the highest count the decider returned within the trailing delay window. */
  static int delayed(List<ScaleDecided> ticks, Instant now, Duration delay, int desired) {
    Instant cutoff = now.minus(delay);
    int highest = desired;
    for (ScaleDecided tick : ticks) {
      if (tick.at().isAfter(cutoff)) {
        highest = Math.max(highest, tick.reason().recommended());
      }
    }
    return highest;
  }

  /**
   * {@code TimedFloat64Buckets.WindowAverage} over {@code (now − length, now]}: the mean from the first to the last
   * second with data inside the window (gaps in between count as 0; a window that began, or whose data stopped,
   * part-way is averaged over the part with data), floored to 6 digits as Knative does. Empty when no window
   * inside carries the metric: the collector's {@code ErrNoData}.
   */
  static OptionalDouble windowAverage(List<MetricsObserved> windows, Instant now, Duration length,
      Function<MetricsObserved, Double> metric) {
    Instant from = now.minus(length);
    double sum = 0;
    Instant first = null;
    Instant last = null;
    for (MetricsObserved w : windows) {
      Double value = metric.apply(w);
      double seconds = Lookback.overlapSeconds(w, from, now);
      if (value == null || seconds <= 0) {
        continue;
      }
      sum += value * seconds;
      Instant start = w.windowStart().isAfter(from) ? w.windowStart() : from;
      Instant end = w.windowEnd().isBefore(now) ? w.windowEnd() : now;
      first = first == null || start.isBefore(first) ? start : first;
      last = last == null || end.isAfter(last) ? end : last;
    }
    if (first == null) {
      return OptionalDouble.empty();
    }
    double average = sum / (Duration.between(first, last).toNanos() / 1e9);
    return OptionalDouble.of(Math.floor(average * 1e6) / 1e6);
  }
}
