package io.ballast.controller.http;

import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.PolicySettings;
import io.ballast.persistence.event.Reason;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.journal.HistoryReader;
import io.ballast.persistence.state.OpenWindow;
import io.ballast.persistence.state.ServiceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The JSON shapes of the read API, built from a service's state and history. */
final class ServiceViews {

  private ServiceViews() {}

  record Decision(Instant at, int from, int to, Reason reason, String explanation) {
    static Decision of(ScaleDecided d) {
      return new Decision(d.at(), d.from(), d.to(), d.reason(), d.reason().explain());
    }
  }

  record Summary(String id, InstanceCounts instances, int desiredInstances, Decision lastDecision) {
    static Summary of(String id, ServiceState s) {
      return new Summary(id, s.instances(), s.desiredInstances(), s.lastDecision().map(Decision::of).orElse(null));
    }
  }

  record Services(List<Summary> services) {}

  record Open(Instant start, Instant end, int samples) {
    static Open of(OpenWindow w) {
      return new Open(w.start(), w.end(), w.sampleCount());
    }
  }

  /**
   * @param decisions the latest decisions, newest first
   * @param windows the latest closed windows, newest first
   */
  record Detail(
      String id,
      PolicySettings policy,
      String policySetBy,
      InstanceCounts instances,
      int desiredInstances,
      List<Admission> admission,
      Decision lastDecision,
      List<Decision> decisions,
      List<MetricsObserved> windows,
      List<Open> openWindows,
      long samplesRecorded) {

    static Detail of(String id, ServiceState s) {
      return new Detail(
          id,
          s.policy(),
          s.policySetBy(),
          s.instances(),
          s.desiredInstances(),
          s.admission(),
          s.lastDecision().map(Decision::of).orElse(null),
          newestFirst(s.recentDecisions()).stream().map(Decision::of).toList(),
          newestFirst(s.recentWindows()),
          s.openWindows().stream().map(Open::of).toList(),
          s.samplesRecorded());
    }
  }

  record Event(long seq, Instant recordedAt, String type, ServiceEvent event) {
    static Event of(HistoryReader.Recorded r) {
      return new Event(r.sequenceNr(), Instant.ofEpochMilli(r.timestampMillis()), r.event().getClass().getSimpleName(), r.event());
    }
  }

  private static <T> List<T> newestFirst(List<T> oldestFirst) {
    List<T> copy = new ArrayList<>(oldestFirst);
    Collections.reverse(copy);
    return copy;
  }

  record Page(long from) {}

  record Events(String id, List<Event> events, Page next) {}
}
