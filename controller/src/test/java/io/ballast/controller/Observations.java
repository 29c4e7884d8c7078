package io.ballast.controller;

import io.ballast.persistence.event.ClassLoad;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import java.time.Instant;
import java.util.List;

/** Short ways to write observation windows in tests. */
public final class Observations {

  public static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  private Observations() {}

  /** A five-second window starting {@code second} seconds after T0, with this much critical traffic. */
  public static MetricsObserved window(int second, double offeredRps, InstanceCounts instances) {
    return new MetricsObserved(T0.plusSeconds(second), T0.plusSeconds(second + 5L),
        List.of(new ClassLoad("critical", offeredRps, 0, 0, null, null)), null, null, instances, 5, 1);
  }

  public static InstanceCounts ready(int ready) {
    return new InstanceCounts(ready, 0, 0, 0);
  }
}
