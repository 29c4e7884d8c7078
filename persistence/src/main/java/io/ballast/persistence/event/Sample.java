package io.ballast.persistence.event;

import io.ballast.persistence.CborSerializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One measurement of one priority class of a service, taken by one source over one period that ends at
 * {@code at}. {@code requests} counts everything offered in the period, including what an enforcement
 * point shed (also counted in {@code shed}). Optional measurements are {@code null} when not reported.
 */
public record Sample(
    Instant at,
    int periodSeconds,
    String priority,
    String source,
    long requests,
    long shed,
    long errors,
    Double latencyP50Ms,
    Double latencyP99Ms,
    Double concurrency,
    Double cpu,
    InstanceCounts instances)
    implements CborSerializable {

  public Sample {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(source, "source");
    if (periodSeconds < 1) {
      throw new IllegalArgumentException("periodSeconds must be >= 1");
    }
  }

  /** The instant the measured period began. */
  public Instant periodStart() {
    return at.minus(Duration.ofSeconds(periodSeconds));
  }

  /** Requests that reached the service: offered minus shed. */
  public long accepted() {
    return requests - shed;
  }

  /**
   * Identifies a measurement: a retried batch carries the same keys, so it is recorded once. Two sources
   * or two priority classes never collide.
   */
  public Key key() {
    return new Key(source, priority, at);
  }

  public record Key(String source, String priority, Instant at) {}
}
