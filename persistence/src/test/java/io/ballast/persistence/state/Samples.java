package io.ballast.persistence.state;

import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.Sample;
import java.time.Instant;

/** Short ways to write samples in tests. */
final class Samples {

  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  private Samples() {}

  static Sample sample(String source, String priority, int second, long requests) {
    return new Sample(T0.plusSeconds(second), 1, priority, source, requests, 0, 0, null, null, null, null, null);
  }

  static Sample withLatency(Sample s, Double p50, Double p99) {
    return new Sample(s.at(), s.periodSeconds(), s.priority(), s.source(), s.requests(), s.shed(), s.errors(), p50, p99,
        s.concurrency(), s.cpu(), s.instances());
  }

  static Sample withShed(Sample s, long shed, long errors) {
    return new Sample(s.at(), s.periodSeconds(), s.priority(), s.source(), s.requests(), shed, errors,
        s.latencyP50Ms(), s.latencyP99Ms(), s.concurrency(), s.cpu(), s.instances());
  }

  static Sample withGauges(Sample s, Double concurrency, Double cpu, InstanceCounts instances) {
    return new Sample(s.at(), s.periodSeconds(), s.priority(), s.source(), s.requests(), s.shed(), s.errors(),
        s.latencyP50Ms(), s.latencyP99Ms(), concurrency, cpu, instances);
  }

  static Sample withPeriod(Sample s, int periodSeconds) {
    return new Sample(s.at(), periodSeconds, s.priority(), s.source(), s.requests(), s.shed(), s.errors(),
        s.latencyP50Ms(), s.latencyP99Ms(), s.concurrency(), s.cpu(), s.instances());
  }
}
