package io.ballast.controller.shedding;

import io.ballast.persistence.event.ShedReason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A service's admission as the API serves it: every priority class with the fraction to admit, why, when it
 * was decided, until when it holds, and how long a rejected client should wait.
 *
 * @param validUntil after this an enforcement point that heard nothing newer must admit everything
 * @param retryAfterSeconds the Retry-After hint for shed requests: until the capacity on its way is expected
 *     to serve (at least 1 s), or the configured hint; 0 while nothing is shed
 */
public record AdmissionView(
    String service,
    List<ClassAdmission> classes,
    boolean shedding,
    Reason reason,
    Instant decidedAt,
    Instant changedAt,
    Instant validUntil,
    long retryAfterSeconds,
    long seq) {

  /** One class: the fraction admitted, and the same as a whole percentage shed (what HAProxy's map holds). */
  public record ClassAdmission(String priority, double admitFraction, int shedPercent) {}

  /** Why, with the numbers; {@code null} numbers before shedding was first decided. */
  public record Reason(ShedReason.Code code, Double demandRps, Double capacityRps, Double deficitRps,
      Double shedRps) {}

  public static AdmissionView of(AdmissionSnapshot s, List<String> priorityClasses, SheddingSettings settings,
      Instant now) {
    List<ClassAdmission> classes = priorityClasses.stream()
        .map(p -> new ClassAdmission(p, s.admitFraction(p), shedPercent(s.admitFraction(p))))
        .toList();
    ShedReason r = s.reason();
    Reason reason = r == null ? new Reason(ShedReason.Code.NOT_SHEDDING, null, null, null, null)
        : new Reason(r.code(), r.demandRps(), r.capacityRps(), r.deficitRps(), r.shedRps());
    Instant validUntil = s.decidedAt() == null ? null : s.decidedAt().plus(settings.ttl());
    return new AdmissionView(s.service(), classes, s.shedding(), reason, s.decidedAt(), s.changedAt(), validUntil,
        s.shedding() ? retryAfter(s, settings, now).toSeconds() : 0, s.seqNr());
  }

  /** The percentage to shed, whole: 0 only when everything is admitted, 100 only when nothing is. */
  public static int shedPercent(double admitFraction) {
    double shed = (1.0 - admitFraction) * 100.0;
    int rounded = (int) Math.round(shed);
    if (rounded == 0 && shed > 1e-9) {
      return 1;
    }
    if (rounded == 100 && admitFraction > 1e-9) {
      return 99;
    }
    return rounded;
  }

  static Duration retryAfter(AdmissionSnapshot s, SheddingSettings settings, Instant now) {
    Duration wait = s.expectedReadyAt() == null ? settings.retryAfter() : Duration.between(now, s.expectedReadyAt());
    if (wait.compareTo(Duration.ofSeconds(1)) < 0) {
      wait = Duration.ofSeconds(1);
    }
    if (wait.compareTo(settings.maxRetryAfter()) > 0) {
      wait = settings.maxRetryAfter();
    }
    // Whole seconds, rounded up: a client must not come back before the capacity is there.
    long seconds = (wait.toMillis() + 999) / 1000;
    return Duration.ofSeconds(seconds);
  }
}
