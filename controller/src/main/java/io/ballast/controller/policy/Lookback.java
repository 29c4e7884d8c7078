package io.ballast.controller.policy;

import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.event.Reason;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * What the reference models (HPA, Knative, AWS target tracking) see of the past. They keep no memory of their
 * own: their cadence is read from the decisions they recorded (a decision with {@code recommended >= 0} is one
 * made at a sync, tick or period boundary), and their metric is aggregated from the recorded windows, as
 * metrics-server, the Knative scraper or CloudWatch would have reported it.
 */
final class Lookback {

  private Lookback() {}

  /** The latest decision made at an evaluation point, if any is within the history. */
  static Optional<ScaleDecided> lastEvaluation(ServiceState state) {
    List<ScaleDecided> decisions = state.recentDecisions();
    for (int i = decisions.size() - 1; i >= 0; i--) {
      if (decisions.get(i).reason().recommended() >= 0) {
        return Optional.of(decisions.get(i));
      }
    }
    return Optional.empty();
  }

  /** The decisions made at evaluation points, oldest first. */
  static List<ScaleDecided> evaluations(ServiceState state) {
    return state.recentDecisions().stream().filter(d -> d.reason().recommended() >= 0).toList();
  }

  /** A model evaluates when it never has, or when a whole period has passed since it last did. */
  static boolean isEvaluationPoint(ServiceState state, Instant now, Duration period) {
    return lastEvaluation(state).map(last -> !now.isBefore(last.at().plus(period))).orElse(true);
  }

  /** Between its evaluation points a model holds the count, in the mode it last decided in. */
  static Decision betweenPeriods(ServiceState state) {
    Mode mode = lastEvaluation(state).map(ScaleDecided::mode).orElse(Mode.NORMAL);
    return Decision.scaleOnly(state.desiredInstances(), mode,
        new Reason(Reason.Code.BETWEEN_PERIODS, Reason.Signal.NONE, 0, 0, -1));
  }

  /** The instance counts this window reported, or the latest reported before it. */
  static InstanceCounts instances(ServiceState state, MetricsObserved window) {
    return window.instances() != null ? window.instances() : state.instances();
  }

  /**
   * The scale target's current replica count ({@code scale.spec.replicas}): the latest decision; before the
   * first one, the instances reported, or min-instances when nobody reported any.
   */
  static int currentInstances(ServiceState state, InstanceCounts counts, int minInstances) {
    if (state.desiredInstances() > 0 || state.lastDecision().isPresent()) {
      return state.desiredInstances();
    }
    return counts.provisioned() > 0 ? counts.provisioned() : minInstances;
  }

  /**
   * Instance counts to divide by. When nobody ever reported instances (all counts zero), the current count is
   * taken as ready: otherwise a service without an instance source could never be scaled.
   */
  static InstanceCounts countsOrAssumed(InstanceCounts counts, int current) {
    return counts.equals(InstanceCounts.NONE) ? new InstanceCounts(current, 0, 0, 0) : counts;
  }

  /** The recorded windows that end after {@code from}, and the current one, oldest first. */
  static List<MetricsObserved> windowsSince(ServiceState state, MetricsObserved window, Instant from) {
    List<MetricsObserved> windows = new ArrayList<>();
    for (MetricsObserved w : state.recentWindows()) {
      if (w.windowEnd().isAfter(from) && w.windowEnd().isBefore(window.windowEnd())) {
        windows.add(w);
      }
    }
    windows.add(window);
    return windows;
  }

  /** Requests per second offered, or {@code null} when the window carried no samples. */
  static Double requestRate(MetricsObserved w) {
    return w.sampleCount() > 0 ? w.offeredRps() : null;
  }

  /** The busy fraction, or {@code null} when the window carried no samples or nobody reported it. */
  static Double cpu(MetricsObserved w) {
    return w.sampleCount() > 0 ? w.cpu() : null;
  }

  /** Requests in flight, or {@code null} when the window carried no samples or nobody reported it. */
  static Double concurrency(MetricsObserved w) {
    return w.sampleCount() > 0 ? w.concurrency() : null;
  }

  /**
   * The time-weighted mean of {@code signal} over the part of {@code [from, to]} the windows that carry it
   * cover; empty when none does. Windows without the signal are left out, never counted as zero.
   */
  static OptionalDouble mean(List<MetricsObserved> windows, Instant from, Instant to,
      Function<MetricsObserved, Double> signal) {
    double weighted = 0;
    double covered = 0;
    for (MetricsObserved w : windows) {
      Double value = signal.apply(w);
      double seconds = overlapSeconds(w, from, to);
      if (value != null && seconds > 0) {
        weighted += value * seconds;
        covered += seconds;
      }
    }
    return covered > 0 ? OptionalDouble.of(weighted / covered) : OptionalDouble.empty();
  }

  /**
   * The sum of {@code signal} (a rate per second) times the seconds each window overlaps {@code [from, to]}:
   * how many requests were observed. Empty when no window carries the signal.
   */
  static OptionalDouble total(List<MetricsObserved> windows, Instant from, Instant to,
      Function<MetricsObserved, Double> signal) {
    double sum = 0;
    boolean any = false;
    for (MetricsObserved w : windows) {
      Double value = signal.apply(w);
      double seconds = overlapSeconds(w, from, to);
      if (value != null && seconds > 0) {
        sum += value * seconds;
        any = true;
      }
    }
    return any ? OptionalDouble.of(sum) : OptionalDouble.empty();
  }

  /** How many seconds of the window lie within {@code [from, to]}; 0 when none does. */
  static double overlapSeconds(MetricsObserved w, Instant from, Instant to) {
    Instant start = w.windowStart().isAfter(from) ? w.windowStart() : from;
    Instant end = w.windowEnd().isBefore(to) ? w.windowEnd() : to;
    return end.isAfter(start) ? Duration.between(start, end).toNanos() / 1e9 : 0;
  }
}
