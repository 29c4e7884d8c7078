package io.ballast.controller.simulation;

import io.ballast.persistence.event.ClassLoad;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import java.time.Instant;
import java.util.List;

/**
 * The recent seconds of a run as a load balancer and the instances would report them, kept long enough for a
 * policy that sees them late. {@link #window} turns one second into the closed 1-s window the live controller
 * would have built from its samples: HIGH as class {@code critical}, LOW as {@code sheddable}.
 */
final class Telemetry {

  /** Simulated second t is [EPOCH + t s, EPOCH + t + 1 s): fixed, so runs are reproducible. */
  static final Instant EPOCH = Instant.parse("2000-01-01T00:00:00Z");
  static final String HIGH_CLASS = "critical";
  static final String LOW_CLASS = "sheddable";

  private final int slots;
  private final int[][] offered;
  private final int[][] shed;
  private final double[][] errors;
  private final double[][] p50;
  private final double[][] p99;
  private final double[] concurrency;
  private final double[] cpu;
  private final InstanceCounts[] instances;
  private final int[] recorded;

  /** Keeps the last {@code delay + 1} seconds. */
  Telemetry(int delay) {
    slots = delay + 1;
    offered = new int[ServedSecond.CLASSES][slots];
    shed = new int[ServedSecond.CLASSES][slots];
    errors = new double[ServedSecond.CLASSES][slots];
    p50 = new double[ServedSecond.CLASSES][slots];
    p99 = new double[ServedSecond.CLASSES][slots];
    concurrency = new double[slots];
    cpu = new double[slots];
    instances = new InstanceCounts[slots];
    recorded = new int[slots];
    java.util.Arrays.fill(recorded, -1);
  }

  void record(int t, int[] offeredByClass, int[] shedByClass, ServedSecond served, double capacity,
      InstanceCounts counts) {
    int s = t % slots;
    recorded[s] = t;
    double response = 0;
    for (int c = 0; c < ServedSecond.CLASSES; c++) {
      offered[c][s] = offeredByClass[c];
      shed[c][s] = shedByClass[c];
      errors[c][s] = served.dropped[c];
      p50[c][s] = served.quantileMs(c, 0.50);
      p99[c][s] = served.quantileMs(c, 0.99);
      response += served.responseSeconds[c];
    }
    // Little's law over the one-second window: mean requests in flight = Σ response times / 1 s.
    concurrency[s] = response;
    cpu[s] = capacity > 0 ? Math.min(1, served.totalServed() / capacity) : Double.NaN;
    instances[s] = counts;
  }

  /** The window describing second {@code t}, which must be among the last seconds recorded. */
  MetricsObserved window(int t) {
    int s = t % slots;
    if (recorded[s] != t) {
      throw new IllegalStateException("second " + t + " is no longer (or not yet) recorded");
    }
    Instant start = EPOCH.plusSeconds(t);
    return new MetricsObserved(start, start.plusSeconds(1),
        List.of(load(HIGH_CLASS, ServedSecond.HIGH, s), load(LOW_CLASS, ServedSecond.LOW, s)),
        concurrency[s], Double.isNaN(cpu[s]) ? null : cpu[s], instances[s], 2, 1);
  }

  private ClassLoad load(String name, int c, int s) {
    return new ClassLoad(name, offered[c][s], shed[c][s], errors[c][s], orNull(p50[c][s]), orNull(p99[c][s]));
  }

  private static Double orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
