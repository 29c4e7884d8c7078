package io.ballast.persistence.event;

import java.time.Instant;
import java.util.List;

/**
 * Samples accepted into one observation window [windowStart, windowEnd). One event holds every sample
 * that one group commit took for that window, from however many ingest requests; {@code at} is when
 * they were accepted. Ingest acknowledges a batch only once this event is in the journal.
 */
public record SamplesRecorded(Instant at, Instant windowStart, Instant windowEnd, List<Sample> samples)
    implements ServiceEvent {

  public SamplesRecorded {
    samples = List.copyOf(samples);
    if (!windowEnd.isAfter(windowStart)) {
      throw new IllegalArgumentException("windowEnd must be after windowStart");
    }
  }
}
