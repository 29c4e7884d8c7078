package io.ballast.persistence.event;

import java.time.Instant;
import java.util.List;

/**
 * The summary of one closed observation window: the input every decision is made from. Classes are in
 * priority order, most important first. {@code concurrency} is the time-averaged number of requests in
 * flight, summed over sources and classes; {@code cpu} is the busy fraction averaged over the sources
 * that report it; either is {@code null} when nobody reported it. {@code instances} is the latest count
 * reported within the window, or {@code null}.
 */
public record MetricsObserved(
    Instant windowStart,
    Instant windowEnd,
    List<ClassLoad> classes,
    Double concurrency,
    Double cpu,
    InstanceCounts instances,
    int sampleCount,
    int sourceCount)
    implements ServiceEvent {

  public MetricsObserved {
    classes = List.copyOf(classes);
  }

  @Override
  public Instant at() {
    return windowEnd;
  }

  /** Requests per second offered over all classes, shed ones included. */
  public double offeredRps() {
    double total = 0;
    for (ClassLoad c : classes) {
      total += c.offeredRps();
    }
    return total;
  }
}
