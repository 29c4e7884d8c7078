package io.ballast.controller.remotewrite;

import io.ballast.controller.Settings;
import io.ballast.controller.ingest.IngestSample;
import io.ballast.controller.remotewrite.RemoteWriteSettings.Field;
import io.ballast.controller.remotewrite.RemoteWriteSettings.Rule;
import io.ballast.controller.remotewrite.RemoteWriteSettings.Type;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Turns the series of one remote-write request into Ballast samples, by the rules of {@link RemoteWriteSettings}.
 * Pure: the last value of each series comes in through {@code previous}, and what this request moves them to comes
 * out as {@link Result#updates}, to be kept only once the samples are durable. A request that is retried (its
 * acknowledgement failed) is then converted again from the same last values into the same samples, which the
 * journal recognises as already recorded.
 *
 * <ul>
 *   <li>Counters (requests, errors, shed) give the increase since the series' previous sample; a value below the
 *       previous one is a reset, and counts from zero. A series' first sample, one after a gap longer than
 *       {@code max-step}, or one after a staleness marker only sets the baseline.</li>
 *   <li>Gauges give their value times {@code scale}, over the period since the previous sample (so a gauge's
 *       first sample, too, only sets the baseline: it has no period yet).</li>
 *   <li>Histograms give p50 or p99 from the increase of their {@code _bucket} series, interpolated within the
 *       bucket as PromQL's {@code histogram_quantile} does, times {@code scale} (seconds to ms by default). A
 *       histogram is read only when all its buckets, {@code +Inf} included, come in the same request.</li>
 * </ul>
 *
 * Everything a rule maps for one service, class, source and timestamp joins into one sample. Its source is
 * {@code prometheus/<source label>#<fields>}: samples that carry different fields never collide, so a scrape whose
 * series came in two requests is recorded whole, in two samples.
 */
public final class SeriesConverter {

  /** A series' last sample, as this receiver saw it. */
  public record Last(long timestampMs, double value) {}

  /** One series of the request: its labels ({@code __name__} included) and samples. */
  public record Series(Map<String, String> labels, List<Point> points) {}

  public record Point(long timestampMs, double value) {}

  /** What a request turned into. {@code updates}: series id to its new last sample, {@code null} to forget it. */
  public record Result(List<IngestSample> samples, Map<String, Last> updates, int unmatchedSeries, int invalidSeries,
      int baselines, int resets, int tooOld, int future, int incompleteHistograms) {}

  /** Prometheus's staleness marker: a NaN with this bit pattern, sent when a series disappears. */
  private static final long STALE_NAN = 0x7ff0000000000002L;
  private static final int MAX_PERIOD_SECONDS = 3600;

  private final RemoteWriteSettings settings;
  private final List<String> priorityClasses;
  private final Duration maxAge;
  private final Duration maxSkew;

  public SeriesConverter(RemoteWriteSettings settings, List<String> priorityClasses, Duration maxAge, Duration maxSkew) {
    this.settings = settings;
    this.priorityClasses = List.copyOf(priorityClasses);
    this.maxAge = maxAge;
    this.maxSkew = maxSkew;
  }

  /** The sample a key collects: its fields by kind, and the period they describe. */
  private static final class Partial {
    final Map<Field, Double> fields = new EnumMap<>(Field.class);
    long periodMs;
  }

  private record Key(String service, String priority, String source, long timestampMs) {}

  public Result convert(List<Series> request, Function<String, Last> previous, Instant now) {
    Map<String, Last> updates = new HashMap<>();
    Map<Key, Partial> partials = new LinkedHashMap<>();
    // Histogram buckets by histogram (its labels without le) and timestamp: le to increase.
    Map<Key, Map<String, TreeMap<Double, Double>>> buckets = new LinkedHashMap<>();
    Map<Key, Rule> bucketRules = new HashMap<>();
    int unmatched = 0, invalid = 0, baselines = 0, resets = 0, incomplete = 0;
    for (Series series : request) {
      Map<String, String> labels = series.labels();
      String name = labels.getOrDefault("__name__", "");
      Rule rule = null;
      for (Rule r : settings.rules()) {
        if (r.matches(name, labels)) {
          rule = r;
          break;
        }
      }
      if (rule == null) {
        unmatched++;
        continue;
      }
      String service = rule.service() != null ? rule.service() : labels.get(rule.serviceLabel());
      String priority = rule.priority() != null ? rule.priority() : labels.get(rule.priorityLabel());
      Double le = rule.type() == Type.HISTOGRAM ? bound(labels.get("le")) : null;
      if (service == null || !Settings.SERVICE_ID.matcher(service).matches() || priority == null
          || !priorityClasses.contains(priority) || (rule.type() == Type.HISTOGRAM && le == null)) {
        invalid++;
        continue;
      }
      String source = "prometheus/" + labels.getOrDefault(rule.sourceLabel(), "-");
      String id = id(labels);
      Last last = updates.containsKey(id) ? updates.get(id) : previous.apply(id);
      List<Point> points = new ArrayList<>(series.points());
      points.sort(Comparator.comparingLong(Point::timestampMs));
      for (Point p : points) {
        if (Double.doubleToRawLongBits(p.value()) == STALE_NAN) {
          last = null;
          continue;
        }
        if (Double.isNaN(p.value()) || Double.isInfinite(p.value())) {
          continue;
        }
        if (last != null && p.timestampMs() <= last.timestampMs()) {
          continue; // already taken, in an earlier request
        }
        long step = last == null ? -1 : p.timestampMs() - last.timestampMs();
        boolean fresh = last != null && step <= settings.maxStep().toMillis();
        Key key = new Key(service, priority, source, p.timestampMs());
        if (!fresh) {
          baselines++;
        } else if (rule.type() == Type.GAUGE) {
          Partial partial = partials.computeIfAbsent(key, k -> new Partial());
          partial.fields.merge(rule.field(), p.value() * rule.scale(), Double::sum);
          partial.periodMs = Math.max(partial.periodMs, step);
        } else {
          double increase = p.value() >= last.value() ? p.value() - last.value() : p.value();
          if (p.value() < last.value()) {
            resets++;
          }
          if (rule.type() == Type.COUNTER) {
            Partial partial = partials.computeIfAbsent(key, k -> new Partial());
            partial.fields.merge(rule.field(), increase, Double::sum);
            partial.periodMs = Math.max(partial.periodMs, step);
          } else {
            Map<String, String> histogram = new TreeMap<>(labels);
            histogram.remove("le");
            Key at = new Key(service, priority, source, p.timestampMs());
            buckets.computeIfAbsent(at, k -> new LinkedHashMap<>())
                .computeIfAbsent(rule.field() + " " + histogram, k -> new TreeMap<>()).merge(le, increase, Double::sum);
            bucketRules.put(at, rule);
            Partial partial = partials.computeIfAbsent(key, k -> new Partial());
            partial.periodMs = Math.max(partial.periodMs, step);
          }
        }
        last = new Last(p.timestampMs(), p.value());
      }
      updates.put(id, last);
    }
    for (Map.Entry<Key, Map<String, TreeMap<Double, Double>>> e : buckets.entrySet()) {
      Rule rule = bucketRules.get(e.getKey());
      for (Map.Entry<String, TreeMap<Double, Double>> h : e.getValue().entrySet()) {
        Field field = Field.valueOf(h.getKey().substring(0, h.getKey().indexOf(' ')));
        Double q = quantile(field == Field.LATENCY_P50_MS ? 0.5 : 0.99, h.getValue());
        if (h.getValue().lastKey() != Double.POSITIVE_INFINITY) {
          incomplete++;
        } else if (q != null) {
          partials.get(e.getKey()).fields.put(field, q * rule.scale());
        }
      }
    }
    List<IngestSample> samples = new ArrayList<>();
    int tooOld = 0, future = 0;
    for (Map.Entry<Key, Partial> e : partials.entrySet()) {
      Key key = e.getKey();
      Partial partial = e.getValue();
      if (partial.fields.isEmpty()) {
        continue; // a histogram that could not be read
      }
      Instant at = Instant.ofEpochMilli(key.timestampMs());
      if (at.isBefore(now.minus(maxAge))) {
        tooOld++;
        continue;
      }
      if (at.isAfter(now.plus(maxSkew))) {
        future++;
        continue;
      }
      samples.add(new IngestSample(key.service(), sample(key, at, partial)));
    }
    return new Result(List.copyOf(samples), updates, unmatched, invalid, baselines, resets, tooOld, future, incomplete);
  }

  private static Sample sample(Key key, Instant at, Partial p) {
    Map<Field, Double> f = p.fields;
    int period = (int) Math.max(1, Math.min(MAX_PERIOD_SECONDS, Math.round(p.periodMs / 1000.0)));
    long requests = Math.round(f.getOrDefault(Field.REQUESTS, 0.0));
    long shed = Math.min(requests, Math.round(f.getOrDefault(Field.SHED, 0.0)));
    long errors = Math.round(f.getOrDefault(Field.ERRORS, 0.0));
    InstanceCounts instances = f.containsKey(Field.READY) || f.containsKey(Field.WARMING) || f.containsKey(Field.BOOTING)
        ? new InstanceCounts(count(f.get(Field.READY)), count(f.get(Field.WARMING)), count(f.get(Field.BOOTING)), 0)
        : null;
    List<String> names = new ArrayList<>();
    for (Field field : f.keySet()) {
      names.add(field.configName());
    }
    String source = key.source() + "#" + String.join(",", names);
    Double cpu = f.get(Field.CPU);
    return new Sample(at, period, key.priority(), source, requests, shed, errors, f.get(Field.LATENCY_P50_MS),
        f.get(Field.LATENCY_P99_MS), f.get(Field.CONCURRENCY), cpu == null ? null : Math.max(0, Math.min(1, cpu)),
        instances);
  }

  private static int count(Double v) {
    return v == null ? 0 : (int) Math.max(0, Math.min(Integer.MAX_VALUE, Math.round(v)));
  }

  /**
   * The q-quantile of a histogram's increase, {@code histogram_quantile} style: the bucket where the rank falls,
   * linearly within it (from 0 for the first bucket); in the {@code +Inf} bucket, the highest finite bound.
   */
  static Double quantile(double q, TreeMap<Double, Double> increaseByBound) {
    Double total = increaseByBound.get(Double.POSITIVE_INFINITY);
    if (total == null || total <= 0) {
      return null;
    }
    double rank = q * total;
    double lowerBound = 0;
    double below = 0;
    for (Map.Entry<Double, Double> b : increaseByBound.entrySet()) {
      double cumulative = b.getValue();
      if (cumulative >= rank) {
        if (b.getKey() == Double.POSITIVE_INFINITY) {
          return lowerBound;
        }
        double inBucket = cumulative - below;
        return inBucket <= 0 ? b.getKey() : lowerBound + (b.getKey() - lowerBound) * (rank - below) / inBucket;
      }
      lowerBound = b.getKey();
      below = cumulative;
    }
    return lowerBound;
  }

  private static Double bound(String le) {
    if (le == null) {
      return null;
    }
    try {
      return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A series' identity: its labels in name order. */
  static String id(Map<String, String> labels) {
    StringBuilder s = new StringBuilder();
    new TreeMap<>(labels).forEach((k, v) -> s.append(k).append('=').append(v).append('\u0000'));
    return s.toString();
  }
}
