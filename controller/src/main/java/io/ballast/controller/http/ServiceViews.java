package io.ballast.controller.http;

import io.ballast.controller.actuation.ActuationSettings;
import io.ballast.controller.service.ServiceEntity;
import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.event.Reason;
import io.ballast.persistence.event.ScaleApplied;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ScaleFailed;
import io.ballast.persistence.event.ShedDelivered;
import io.ballast.persistence.event.ShedDeliveryFailed;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.event.ShedReason;
import io.ballast.persistence.journal.HistoryReader;
import io.ballast.persistence.journal.JournalHealth;
import io.ballast.persistence.state.OpenWindow;
import io.ballast.persistence.state.ServiceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the read API, built from a service's state and history. */
final class ServiceViews {

  private ServiceViews() {}

  record Decision(Instant at, int from, int to, Mode mode, Reason reason, String explanation) {
    static Decision of(ScaleDecided d) {
      return new Decision(d.at(), d.from(), d.to(), d.mode(), d.reason(), d.reason().explain());
    }
  }

  record Summary(String id, String node, InstanceCounts instances, int desiredInstances, Mode mode,
      List<Admission> admission, Decision lastDecision) {
    static Summary of(String id, ServiceEntity.Hosted hosted) {
      ServiceState s = hosted.state();
      return new Summary(id, hosted.node(), s.instances(), s.desiredInstances(), s.mode(), s.admission(),
          s.lastDecision().map(Decision::of).orElse(null));
    }
  }

  /** What the node last found of its journal. */
  record Journal(boolean available, Instant since, String detail) {
    static Journal of(JournalHealth.Status s) {
      return new Journal(s.available(), s.since(), s.detail());
    }
  }

  record Services(List<Summary> services, Journal journal) {
    Services(List<Summary> services, JournalHealth.Status journal) {
      this(services, Journal.of(journal));
    }
  }

  record Open(Instant start, Instant end, int samples) {
    static Open of(OpenWindow w) {
      return new Open(w.start(), w.end(), w.sampleCount());
    }
  }

  /** How many decisions and windows the detail view shows. */
  static final int SHOWN = 20;

  /**
   * @param mode the mode of the latest decision
   * @param decisions the latest decisions that changed something (the count, the rule, or the mode), newest
   *     first, at most {@value #SHOWN}
   * @param windows the latest closed windows, newest first, at most {@value #SHOWN}
   */
  record Detail(
      String id,
      String node,
      PolicySettings policy,
      String policySetBy,
      InstanceCounts instances,
      int desiredInstances,
      Mode mode,
      List<Admission> admission,
      ShedReason shedReason,
      Decision lastDecision,
      List<Decision> decisions,
      List<MetricsObserved> windows,
      List<Open> openWindows,
      long samplesRecorded,
      Actuation actuation,
      List<Map<String, Object>> overrides,
      Journal journal) {

    static Detail of(String id, ServiceEntity.Hosted hosted, ActuationSettings settings,
        JournalHealth.Status journal) {
      ServiceState s = hosted.state();
      return new Detail(
          id,
          hosted.node(),
          s.policy(),
          s.policySetBy(),
          s.instances(),
          s.desiredInstances(),
          s.mode(),
          s.admission(),
          s.shedReason(),
          s.lastDecision().map(Decision::of).orElse(null),
          changes(s.recentDecisions()),
          newestFirst(s.recentWindows()).stream().limit(SHOWN).toList(),
          s.openWindows().stream().map(Open::of).toList(),
          s.samplesRecorded(),
          Actuation.of(settings, s.actuation()),
          s.overrides().stream().map(AdminRoutes::view).toList(),
          Journal.of(journal));
    }
  }

  /**
   * Where the service's decisions go and how that went.
   *
   * @param target the target in words, or {@code null} when decisions go nowhere
   * @param circuit {@code open} while writes are stopped after consecutive failures, until {@code circuitOpenUntil}
   * @param awaiting the count written last, while its capacity is not confirmed yet
   * @param shortfall instances of the last unconfirmed count still not ready: the policy does not count them
   * @param lastShedDelivered the shed levels an enforcement point took last
   * @param shedDeliveryFailure why shed levels cannot be delivered since, {@code null} while they can
   */
  record Actuation(String target, boolean dryRun, ScaleApplied lastApplied, ScaleFailed lastFailure,
      String circuit, Instant circuitOpenUntil, Integer awaiting, int unconfirmed, int shortfall,
      ShedDelivered lastShedDelivered, ShedDeliveryFailed shedDeliveryFailure) {
    static Actuation of(ActuationSettings settings, io.ballast.persistence.state.Actuation a) {
      return new Actuation(settings.target() == null ? null : settings.target().describe(), settings.dryRun(),
          a.lastApplied(), a.lastFailure(), a.circuitOpen() ? "open" : "closed", a.circuitOpenUntil(), a.awaiting(),
          a.unconfirmed(), a.shortfall(), a.lastShedDelivered(), a.shedDeliveryFailure());
    }
  }

  record Event(long seq, Instant recordedAt, String type, ServiceEvent event) {
    static Event of(HistoryReader.Recorded r) {
      return new Event(r.sequenceNr(), Instant.ofEpochMilli(r.timestampMillis()), r.event().getClass().getSimpleName(), r.event());
    }
  }

  /** The decisions that changed the count, the rule that set it, or the mode, newest first. */
  private static List<Decision> changes(List<ScaleDecided> oldestFirst) {
    List<Decision> changes = new ArrayList<>();
    for (int i = oldestFirst.size() - 1; i >= 0 && changes.size() < SHOWN; i--) {
      ScaleDecided d = oldestFirst.get(i);
      ScaleDecided before = i > 0 ? oldestFirst.get(i - 1) : null;
      if (before == null || d.changed() || d.mode() != before.mode() || d.reason().code() != before.reason().code()) {
        changes.add(Decision.of(d));
      }
    }
    return changes;
  }

  private static <T> List<T> newestFirst(List<T> oldestFirst) {
    List<T> copy = new ArrayList<>(oldestFirst);
    Collections.reverse(copy);
    return copy;
  }

  record Page(long from) {}

  record Events(String id, List<Event> events, Page next) {}
}
