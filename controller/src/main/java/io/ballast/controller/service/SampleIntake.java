package io.ballast.controller.service;

import io.ballast.persistence.event.Sample;
import io.ballast.persistence.event.SamplesRecorded;
import io.ballast.persistence.state.OpenWindow;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides which samples of a group of ingest batches get recorded, and into which window. A sample
 * belongs to the window in which its measured period began. It is a duplicate when a sample with the
 * same source, class and instant is already recorded (a retried batch), and late when its window has
 * already closed: neither is recorded. Pure: the caller passes the time.
 */
public final class SampleIntake {

  private SampleIntake() {}

  /** What happened to one batch's samples. */
  public record Outcome(int accepted, int duplicates, int late) {}

  /** Events to persist (one per window touched, oldest first) and one outcome per batch, in order. */
  public record Plan(List<SamplesRecorded> events, List<Outcome> outcomes) {}

  public static Plan plan(ServiceState state, List<List<Sample>> batches, Duration window, Instant now) {
    Map<Instant, List<Sample>> byWindow = new TreeMap<>();
    Set<Sample.Key> taken = new HashSet<>();
    List<Outcome> outcomes = new ArrayList<>(batches.size());
    for (List<Sample> batch : batches) {
      int accepted = 0, duplicates = 0, late = 0;
      for (Sample sample : batch) {
        Instant start = windowStart(sample.periodStart(), window);
        if (state.closedThrough() != null && start.isBefore(state.closedThrough())) {
          late++;
        } else if (taken.contains(sample.key())
            || state.openWindow(start).map(w -> w.contains(sample.key())).orElse(false)) {
          duplicates++;
        } else {
          taken.add(sample.key());
          byWindow.computeIfAbsent(start, s -> new ArrayList<>()).add(sample);
          accepted++;
        }
      }
      outcomes.add(new Outcome(accepted, duplicates, late));
    }
    List<SamplesRecorded> events = new ArrayList<>(byWindow.size());
    byWindow.forEach((start, samples) -> {
      Instant end = state.openWindow(start).map(OpenWindow::end).orElse(start.plus(window));
      events.add(new SamplesRecorded(now, start, end, samples));
    });
    return new Plan(events, outcomes);
  }

  /** The start of the window holding {@code instant}: windows are aligned to multiples of their length. */
  public static Instant windowStart(Instant instant, Duration window) {
    long length = window.toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(instant.toEpochMilli(), length) * length);
  }
}
