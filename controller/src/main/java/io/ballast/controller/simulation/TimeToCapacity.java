package io.ballast.controller.simulation;

import java.util.Arrays;
import java.util.function.IntToDoubleFunction;

/**
 * Time to capacity after a surge (evaluation.md §2.4). A surge starts at second t when demand rises by at least
 * 50 % within 60 s, that is d_t ≥ 1.5 · min(d_{t−60} … d_{t−1}), and did not already hold at t − 1. Its time to
 * capacity is the first t' ≥ t with s_{t'} ≥ d_{t'}, minus t (0 when supply already covers it). A surge that is
 * never covered counts until the end of the run. While one surge is being caught up with, no new one starts.
 */
public final class TimeToCapacity {

  public static final int WINDOW = 60;
  public static final double RISE = 1.5;

  private TimeToCapacity() {}

  /** The time to capacity of every surge, in seconds, in order. */
  public static int[] of(int steps, IntToDoubleFunction demand, IntToDoubleFunction supply) {
    int[] found = new int[16];
    int count = 0;
    int[] deque = new int[steps];
    int first = 0;
    int last = 0;
    boolean before = false;
    int busyUntil = 0;
    for (int t = 0; t < steps; t++) {
      double d = demand.applyAsDouble(t);
      // deque holds the indices of [t − WINDOW, t − 1] with increasing demand: its front is the minimum.
      while (last > first && deque[first] < t - WINDOW) {
        first++;
      }
      boolean surging = last > first && d >= RISE * demand.applyAsDouble(deque[first]);
      if (surging && !before && t >= busyUntil) {
        int covered = t;
        while (covered < steps && supply.applyAsDouble(covered) < demand.applyAsDouble(covered)) {
          covered++;
        }
        if (count == found.length) {
          found = Arrays.copyOf(found, count * 2);
        }
        found[count++] = covered - t;
        busyUntil = covered;
      }
      before = surging;
      while (last > first && demand.applyAsDouble(deque[last - 1]) >= d) {
        last--;
      }
      deque[last++] = t;
    }
    return Arrays.copyOf(found, count);
  }

  /** The median (mean of the middle two for an even count), or NaN when there were none. */
  public static double median(int[] seconds) {
    if (seconds.length == 0) {
      return Double.NaN;
    }
    int[] sorted = seconds.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
  }

  /** The largest, or NaN when there were none. */
  public static double max(int[] seconds) {
    return seconds.length == 0 ? Double.NaN : Arrays.stream(seconds).max().orElseThrow();
  }
}
