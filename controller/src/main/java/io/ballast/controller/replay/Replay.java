package io.ballast.controller.replay;

import io.ballast.controller.policy.Evaluation;
import io.ballast.controller.policy.Policy;
import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.ClassLoad;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.event.ScaleApplied;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ScaleFailed;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.event.ShedLevelsChanged;
import io.ballast.persistence.event.ShedReason;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.state.ServiceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A service's recorded history folded again, event by event, with the same {@link ServiceState#apply} the entity
 * uses. Along the way it
 * <ul>
 *   <li>keeps the state as it was at an instant ({@code at}: every event recorded at or before it),</li>
 *   <li>builds the timeline of the windows that ended within [{@code from}, {@code to}]: offered load per class,
 *       instances by state, the decision with its reason, shed levels and the overrides in force, and the
 *       actuation outcomes in that range,</li>
 *   <li>decides every recorded window again through {@link Evaluation} with the policy recorded in force, and
 *       compares what it decides with what was recorded right after that window.</li>
 * </ul>
 * Pure: events come in as data, nothing is read from a clock, so it runs the same in a test, the API and the CLI.
 * Memory is the state plus the timeline of the range asked for, not the whole history.
 */
public final class Replay {

  /** One decided window on the timeline. */
  public record Point(
      long sequenceNr,
      Instant windowStart,
      Instant windowEnd,
      List<ClassLoad> classes,
      InstanceCounts instances,
      int samples,
      int from,
      int desired,
      Mode mode,
      String reason,
      String explanation,
      List<Admission> admission,
      ShedReason shedReason,
      List<String> overrides) {}

  /** A write to the target, or its failure. */
  public record Actuation(long sequenceNr, Instant at, Instant decidedAt, int desired, String outcome, String detail) {}

  /** A window whose decision, made again, is not what was recorded. */
  public record Mismatch(long sequenceNr, Instant windowEnd, List<ServiceEvent> recorded, List<ServiceEvent> replayed) {}

  /** How the decisions made again compare with the recorded ones. */
  public record Reproduction(int windows, int identical, List<Mismatch> differing) {
    public boolean exact() {
      return windows == identical;
    }
  }

  /** What a replay found. */
  public record Result(
      long events,
      long lastSequenceNr,
      ServiceState stateAt,
      long stateAtSequenceNr,
      List<Point> timeline,
      List<Actuation> actuations,
      Reproduction reproduction) {}

  /** At most this many mismatches are kept with their events; the rest are only counted. */
  public static final int MAX_MISMATCHES = 100;

  private final Policy<PolicySettings> policy;
  private final Instant at;
  private final Instant from;
  private final Instant to;

  private ServiceState state = ServiceState.initial();
  private ServiceState stateAt = ServiceState.initial();
  private long stateAtSequenceNr;
  private long events;
  private long lastSequenceNr;
  private final List<Point> timeline = new ArrayList<>();
  private final List<Actuation> actuations = new ArrayList<>();
  private final List<Mismatch> differing = new ArrayList<>();
  private int windows;
  private int identical;

  // The window being compared: what deciding it again gave, and the recorded events that followed it.
  private MetricsObserved window;
  private long windowSequenceNr;
  private List<ServiceEvent> replayed;
  private final List<ServiceEvent> recorded = new ArrayList<>();
  private ServiceState beforeWindow;

  /**
   * @param at the instant whose state is wanted ({@code null}: the end of the history)
   * @param from the first window end on the timeline ({@code null}: from the beginning)
   * @param to the last window end on the timeline ({@code null}: to the end)
   */
  public Replay(Policy<PolicySettings> policy, Instant at, Instant from, Instant to) {
    this.policy = policy;
    this.at = at;
    this.from = from;
    this.to = to;
  }

  /**
   * Folds the next recorded event; events come oldest first, as the journal returns them.
   *
   * @param sequenceNr the event's sequence number in the service's history
   * @param recordedAtMillis when the journal wrote it
   */
  public Replay add(long sequenceNr, long recordedAtMillis, ServiceEvent event) {
    if (window != null && !continuesWindow(event)) {
      compare();
    }
    if (event instanceof MetricsObserved observed && state.policy() != null) {
      window = observed;
      windowSequenceNr = sequenceNr;
      beforeWindow = state;
      replayed = Evaluation.of(state, observed, policy);
      recorded.add(event);
    } else if (window != null) {
      recorded.add(event);
    }
    state = state.apply(event);
    events++;
    lastSequenceNr = sequenceNr;
    if (at == null || recordedAtMillis <= at.toEpochMilli()) {
      stateAt = state;
      stateAtSequenceNr = sequenceNr;
    }
    if (event instanceof ScaleDecided decided && inRange(decided.at()) && window != null
        && decided.at().equals(window.windowEnd())) {
      timeline.add(point(decided));
    } else if (event instanceof ShedLevelsChanged && !timeline.isEmpty() && window != null
        && timeline.get(timeline.size() - 1).windowEnd().equals(window.windowEnd())) {
      // The shed levels of the window just added changed with it: show the new ones on its point.
      timeline.set(timeline.size() - 1, withAdmission(timeline.get(timeline.size() - 1)));
    } else if (event instanceof ScaleApplied applied && inRange(applied.at())) {
      actuations.add(new Actuation(sequenceNr, applied.at(), applied.decidedAt(), applied.desired(), "applied",
          applied.target()));
    } else if (event instanceof ScaleFailed failed && inRange(failed.at())) {
      actuations.add(new Actuation(sequenceNr, failed.at(), failed.decidedAt(), failed.desired(),
          "failed: " + failed.error(), failed.detail()));
    }
    return this;
  }

  /** What was found; call once all events are in. */
  public Result result() {
    if (window != null) {
      compare();
    }
    return new Result(events, lastSequenceNr, stateAt, stateAtSequenceNr, List.copyOf(timeline),
        List.copyOf(actuations), new Reproduction(windows, identical, List.copyOf(differing)));
  }

  /** The events Evaluation records for a window come right after it, at its end. */
  private boolean continuesWindow(ServiceEvent event) {
    return recorded.size() < replayed.size()
        && (event instanceof ScaleDecided || event instanceof ShedLevelsChanged)
        && event.at().equals(window.windowEnd());
  }

  private void compare() {
    windows++;
    if (recorded.equals(replayed)) {
      identical++;
    } else if (differing.size() < MAX_MISMATCHES) {
      differing.add(new Mismatch(windowSequenceNr, window.windowEnd(), List.copyOf(recorded), replayed));
    }
    window = null;
    replayed = null;
    beforeWindow = null;
    recorded.clear();
  }

  private boolean inRange(Instant t) {
    return (from == null || !t.isBefore(from)) && (to == null || !t.isAfter(to));
  }

  private Point point(ScaleDecided decided) {
    InstanceCounts instances = window.instances() != null ? window.instances() : beforeWindow.instances();
    return new Point(windowSequenceNr, window.windowStart(), window.windowEnd(), window.classes(), instances,
        window.sampleCount(), decided.from(), decided.to(), decided.mode(), decided.reason().code().name(),
        decided.reason().explain(), state.admission(), state.shedReason(),
        state.overrides().stream().map(o -> o.id() + " " + o.kind()).toList());
  }

  private Point withAdmission(Point p) {
    return new Point(p.sequenceNr(), p.windowStart(), p.windowEnd(), p.classes(), p.instances(), p.samples(),
        p.from(), p.desired(), p.mode(), p.reason(), p.explanation(), state.admission(), state.shedReason(),
        p.overrides());
  }
}
