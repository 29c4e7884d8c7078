package io.ballast.controller.remotewrite;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last sample of every series this node received, for counters' increases and gauges' periods. Kept in memory
 * only: after a restart, or on a node that did not receive a series before, its next sample sets a baseline (one
 * scrape interval of that counter is not counted). Bounded: series idle longer than {@code idle} are forgotten,
 * and beyond {@code maxSeries} the longest idle go first.
 */
final class SeriesMemory {

  private record Entry(SeriesConverter.Last last, long touchedMs) {}

  private final Map<String, Entry> series = new ConcurrentHashMap<>();
  private final long idleMs;
  private final int maxSeries;

  SeriesMemory(long idleMs, int maxSeries) {
    this.idleMs = idleMs;
    this.maxSeries = maxSeries;
  }

  SeriesConverter.Last get(String id, long nowMs) {
    Entry e = series.get(id);
    return e == null || nowMs - e.touchedMs() > idleMs ? null : e.last();
  }

  /** Keeps what a request moved the series to, now that its samples are durable. */
  void commit(Map<String, SeriesConverter.Last> updates, long nowMs) {
    updates.forEach((id, last) -> {
      if (last == null) {
        series.remove(id);
      } else {
        series.merge(id, new Entry(last, nowMs), (old, now) ->
            old.last().timestampMs() > now.last().timestampMs() ? old : now);
      }
    });
    if (series.size() > maxSeries) {
      evict(nowMs);
    }
  }

  int size() {
    return series.size();
  }

  private synchronized void evict(long nowMs) {
    series.entrySet().removeIf(e -> nowMs - e.getValue().touchedMs() > idleMs);
    int excess = series.size() - maxSeries;
    if (excess > 0) {
      List<Map.Entry<String, Entry>> oldest = new ArrayList<>(series.entrySet());
      oldest.sort(Comparator.comparingLong(e -> e.getValue().touchedMs()));
      for (int i = 0; i < excess; i++) {
        series.remove(oldest.get(i).getKey());
      }
    }
  }
}
