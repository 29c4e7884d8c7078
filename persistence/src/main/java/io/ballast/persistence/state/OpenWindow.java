package io.ballast.persistence.state;

import io.ballast.persistence.CborSerializable;
import io.ballast.persistence.event.ClassLoad;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** An observation window that is still taking samples: [start, end) and the totals of each series in it. */
public record OpenWindow(Instant start, Instant end, List<SeriesTotals> series) implements CborSerializable {

  private static final Comparator<SeriesTotals> SERIES_ORDER =
      Comparator.comparing(SeriesTotals::source).thenComparing(SeriesTotals::priority);

  public OpenWindow {
    series = List.copyOf(series);
  }

  static OpenWindow empty(Instant start, Instant end) {
    return new OpenWindow(start, end, List.of());
  }

  /** Whether a sample with this key is already counted in this window. */
  public boolean contains(Sample.Key key) {
    return series.stream()
        .anyMatch(t -> t.source().equals(key.source()) && t.priority().equals(key.priority()) && t.hasSeen(key.at()));
  }

  public int sampleCount() {
    return series.stream().mapToInt(t -> t.seen().size()).sum();
  }

  OpenWindow plus(List<Sample> samples) {
    Map<List<String>, List<Sample>> bySeries = samples.stream()
        .collect(Collectors.groupingBy(s -> List.of(s.source(), s.priority()), LinkedHashMap::new, Collectors.toList()));
    List<SeriesTotals> next = new ArrayList<>(series.size() + bySeries.size());
    for (SeriesTotals totals : series) {
      List<Sample> more = bySeries.remove(List.of(totals.source(), totals.priority()));
      next.add(more == null ? totals : totals.plus(more));
    }
    bySeries.forEach((key, more) -> next.add(SeriesTotals.empty(key.get(0), key.get(1)).plus(more)));
    next.sort(SERIES_ORDER);
    return new OpenWindow(start, end, next);
  }

  /**
   * Summarises the window into the observation a decision is made from. Classes come in
   * {@code priorityOrder} (most important first); classes outside it follow in name order.
   */
  public MetricsObserved observe(List<String> priorityOrder) {
    Map<String, List<SeriesTotals>> byClass = series.stream()
        .collect(Collectors.groupingBy(SeriesTotals::priority, LinkedHashMap::new, Collectors.toList()));
    List<ClassLoad> classes = byClass.keySet().stream()
        .sorted(Comparator.comparingInt((String p) -> rank(priorityOrder, p)).thenComparing(p -> p))
        .map(p -> classLoad(p, byClass.get(p)))
        .toList();

    double concurrency = 0;
    boolean anyConcurrency = false;
    double cpuSeconds = 0;
    long cpuCoverage = 0;
    for (SeriesTotals t : series) {
      if (t.concurrencyCoverage() > 0) {
        concurrency += t.concurrencySeconds() / t.concurrencyCoverage();
        anyConcurrency = true;
      }
      cpuSeconds += t.cpuSeconds();
      cpuCoverage += t.cpuCoverage();
    }
    InstanceCounts instances = series.stream()
        .filter(t -> t.instances() != null)
        .max(Comparator.comparing(SeriesTotals::instancesAt).thenComparing(SERIES_ORDER))
        .map(SeriesTotals::instances)
        .orElse(null);
    int sources = (int) series.stream().map(SeriesTotals::source).distinct().count();
    return new MetricsObserved(
        start,
        end,
        classes,
        anyConcurrency ? concurrency : null,
        cpuCoverage > 0 ? cpuSeconds / cpuCoverage : null,
        instances,
        sampleCount(),
        sources);
  }

  private static ClassLoad classLoad(String priority, List<SeriesTotals> series) {
    double offered = 0, shed = 0, errors = 0, p50 = 0, p99 = 0, u50 = 0, u99 = 0;
    long p50Weight = 0, p99Weight = 0, u50Seconds = 0, u99Seconds = 0;
    for (SeriesTotals t : series) {
      offered += t.offeredRps();
      shed += t.shedRps();
      errors += t.errorRps();
      p50 += t.latencyP50WeightedSum();
      p50Weight += t.latencyP50Weight();
      p99 += t.latencyP99WeightedSum();
      p99Weight += t.latencyP99Weight();
      u50 += t.unweightedLatencyP50Sum();
      u50Seconds += t.unweightedLatencyP50Seconds();
      u99 += t.unweightedLatencyP99Sum();
      u99Seconds += t.unweightedLatencyP99Seconds();
    }
    // Latencies reported apart from any request count are averaged over time, and only stand in for the class's
    // latency where no source reported one with its requests.
    return new ClassLoad(
        priority,
        offered,
        shed,
        errors,
        mean(p50, p50Weight, u50, u50Seconds),
        mean(p99, p99Weight, u99, u99Seconds));
  }

  /** The request-weighted mean, else the time-weighted one, else nothing. */
  private static Double mean(double weightedSum, long weight, double timeSum, long seconds) {
    if (weight > 0) {
      return weightedSum / weight;
    }
    return seconds > 0 ? Double.valueOf(timeSum / seconds) : null;
  }

  private static int rank(List<String> order, String priority) {
    int i = order.indexOf(priority);
    return i < 0 ? order.size() : i;
  }
}
