package io.ballast.controller.shedding;

import io.ballast.persistence.CborSerializable;
import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ShedReason;
import io.ballast.persistence.state.Actuation;
import io.ballast.persistence.state.ServiceState;
import java.time.Instant;
import java.util.List;

/**
 * A service's admission as its entity last decided it: what enforcement points and the admission API serve.
 * Published after every decision, so that consumers see it re-affirmed and can hold it for its time to live.
 *
 * @param seqNr the journal sequence number of the service at that decision: streams resume from it
 * @param admission the classes admitted in part; classes not listed are admitted in full
 * @param decidedAt when the latest decision was made (its window's end)
 * @param changedAt when the admission last changed, {@code null} if it never did
 * @param expectedReadyAt when the capacity on its way is expected to serve, {@code null} if none is or it is
 *     unknown: the written count's write time plus how long the last confirmed count took
 */
public record AdmissionSnapshot(
    String service,
    long seqNr,
    List<Admission> admission,
    ShedReason reason,
    Instant decidedAt,
    Instant changedAt,
    Instant expectedReadyAt)
    implements CborSerializable {

  public AdmissionSnapshot {
    admission = List.copyOf(admission);
  }

  public static AdmissionSnapshot of(String service, long seqNr, ServiceState state) {
    Actuation a = state.actuation();
    Instant expectedReadyAt = a.awaiting() != null && a.lastApplied() != null && a.readyAfter() != null
        ? a.lastApplied().at().plus(a.readyAfter()) : null;
    return new AdmissionSnapshot(service, seqNr, state.admission(), state.shedReason(),
        state.lastDecision().map(ScaleDecided::at).orElse(null), state.admissionChangedAt(), expectedReadyAt);
  }

  /** The fraction of {@code priority} to admit: 1 for a class not listed. */
  public double admitFraction(String priority) {
    for (Admission a : admission) {
      if (a.priority().equals(priority)) {
        return a.admitFraction();
      }
    }
    return 1.0;
  }

  public boolean shedding() {
    return !admission.isEmpty();
  }
}
