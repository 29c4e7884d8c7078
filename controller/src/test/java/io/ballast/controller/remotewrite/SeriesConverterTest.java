package io.ballast.controller.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ballast.controller.Node;
import io.ballast.controller.ingest.IngestSample;
import io.ballast.controller.remotewrite.SeriesConverter.Last;
import io.ballast.controller.remotewrite.SeriesConverter.Point;
import io.ballast.controller.remotewrite.SeriesConverter.Series;
import io.ballast.persistence.event.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Series of remote-write requests into samples: counters, resets, gauges, histograms, joins and what is ignored. */
class SeriesConverterTest {

  private static final List<String> CLASSES = List.of("critical", "sheddable");
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
  private static final long T0 = NOW.minusSeconds(60).toEpochMilli();

  private static final RemoteWriteSettings SETTINGS = RemoteWriteSettings.from(Node.configuration(
      ConfigFactory.parseString("""
          ballast.remote-write.rules = [
            { metric = "http_requests_total", service-label = "app", priority-label = "class", field = requests }
            { metric = "http_errors_total", service-label = "app", priority-label = "class", field = errors }
            { metric = "latency_p99_seconds", service-label = "app", priority-label = "class", field = latency-p99-ms,
              scale = 1000 }
            { metric = "pods_ready", match { state = "ready" }, service = "shop", priority = "critical", field = ready }
            { metric = "rt_seconds", type = histogram, service = "shop", priority = "critical", field = latency-p99-ms }
          ]
          """)), CLASSES);

  private static final SeriesConverter CONVERTER =
      new SeriesConverter(SETTINGS, CLASSES, Duration.ofMinutes(10), Duration.ofSeconds(30));

  private static Series series(String name, Map<String, String> labels, Point... points) {
    Map<String, String> all = new HashMap<>(labels);
    all.put("__name__", name);
    return new Series(all, List.of(points));
  }

  private static Series requests(String app, String cls, Point... points) {
    return series("http_requests_total", Map.of("app", app, "class", cls, "instance", "lb-1:9100"), points);
  }

  private static Point at(int second, double value) {
    return new Point(T0 + second * 1000L, value);
  }

  /** Converts request after request, keeping the last values as the receiver does after each durable write. */
  private static final class Receiver {
    final Map<String, Last> memory = new HashMap<>();

    SeriesConverter.Result send(Series... request) {
      SeriesConverter.Result r = CONVERTER.convert(List.of(request), memory::get, NOW);
      r.updates().forEach((id, last) -> {
        if (last == null) {
          memory.remove(id);
        } else {
          memory.put(id, last);
        }
      });
      return r;
    }
  }

  private static Sample only(SeriesConverter.Result r) {
    assertThat(r.samples()).hasSize(1);
    return r.samples().get(0).sample();
  }

  @Test
  void aCountersFirstSampleSetsTheBaselineAndTheNextGivesItsIncreaseOverTheStep() {
    Receiver rx = new Receiver();
    SeriesConverter.Result first = rx.send(requests("shop", "critical", at(0, 1000)));
    assertThat(first.samples()).isEmpty();
    assertThat(first.baselines()).isEqualTo(1);

    Sample s = only(rx.send(requests("shop", "critical", at(15, 1750))));
    assertThat(s.requests()).isEqualTo(750);
    assertThat(s.periodSeconds()).isEqualTo(15);
    assertThat(s.at()).isEqualTo(Instant.ofEpochMilli(T0 + 15_000));
    assertThat(s.priority()).isEqualTo("critical");
    assertThat(s.source()).isEqualTo("prometheus/lb-1:9100#requests");
  }

  @Test
  void aCounterThatGoesDownWasResetAndCountsFromZero() {
    Receiver rx = new Receiver();
    rx.send(requests("shop", "critical", at(0, 5000)));
    SeriesConverter.Result r = rx.send(requests("shop", "critical", at(15, 120)));

    assertThat(only(r).requests()).isEqualTo(120);
    assertThat(r.resets()).isEqualTo(1);
  }

  @Test
  void aGapLongerThanTheMaximumStepOnlySetsANewBaseline() {
    Receiver rx = new Receiver();
    rx.send(requests("shop", "critical", at(-400, 100)));
    SeriesConverter.Result r = rx.send(requests("shop", "critical", at(0, 90_000), at(15, 90_300)));

    assertThat(only(r).requests()).isEqualTo(300);
    assertThat(r.baselines()).isEqualTo(1);
  }

  @Test
  void aStalenessMarkerForgetsTheSeries() {
    Receiver rx = new Receiver();
    rx.send(requests("shop", "critical", at(0, 100)));
    rx.send(requests("shop", "critical", at(15, Double.longBitsToDouble(0x7ff0000000000002L))));
    SeriesConverter.Result r = rx.send(requests("shop", "critical", at(30, 400)));

    assertThat(r.samples()).isEmpty();
    assertThat(r.baselines()).isEqualTo(1);
  }

  @Test
  void countersAndGaugesOfOneServiceClassSourceAndScrapeJoinIntoOneSample() {
    Receiver rx = new Receiver();
    Map<String, String> labels = Map.of("app", "shop", "class", "critical", "instance", "lb-1:9100");
    rx.send(requests("shop", "critical", at(0, 0)), series("http_errors_total", labels, at(0, 0)),
        series("latency_p99_seconds", labels, at(0, 0.3)));
    Sample s = only(rx.send(requests("shop", "critical", at(15, 1500)),
        series("http_errors_total", labels, at(15, 15)),
        series("latency_p99_seconds", labels, at(15, 0.25))));

    assertThat(s.requests()).isEqualTo(1500);
    assertThat(s.errors()).isEqualTo(15);
    assertThat(s.latencyP99Ms()).isEqualTo(250.0);
    assertThat(s.source()).isEqualTo("prometheus/lb-1:9100#requests,errors,latency-p99-ms");
  }

  @Test
  void fieldsOfOneScrapeThatArriveInTwoRequestsAreTwoSamplesThatNeverCollide() {
    Receiver rx = new Receiver();
    Map<String, String> labels = Map.of("app", "shop", "class", "critical", "instance", "lb-1:9100");
    rx.send(requests("shop", "critical", at(0, 0)), series("latency_p99_seconds", labels, at(0, 0.3)));
    Sample counts = only(rx.send(requests("shop", "critical", at(15, 300))));
    Sample latency = only(rx.send(series("latency_p99_seconds", labels, at(15, 0.2))));

    assertThat(counts.key()).isNotEqualTo(latency.key());
    assertThat(latency.requests()).isZero();
    assertThat(latency.periodSeconds()).isEqualTo(15);
  }

  @Test
  void gaugesGiveInstanceCountsAndOnlyMatchingLabelsAreTaken() {
    Receiver rx = new Receiver();
    SeriesConverter.Result r = rx.send(
        series("pods_ready", Map.of("state", "ready", "instance", "kube"), at(0, 6), at(15, 7)),
        series("pods_ready", Map.of("state", "pending", "instance", "kube"), at(0, 3)));

    assertThat(only(r).instances().ready()).isEqualTo(7);
    assertThat(r.unmatchedSeries()).isEqualTo(1);
  }

  @Test
  void seriesWithoutARuleOrWithAnUnknownClassOrServiceAreCountedAndIgnored() {
    SeriesConverter.Result r = new Receiver().send(
        series("node_cpu_seconds_total", Map.of("cpu", "0"), at(0, 1)),
        requests("shop", "gold", at(0, 1)),
        requests("Not A Service", "critical", at(0, 1)));

    assertThat(r.samples()).isEmpty();
    assertThat(r.unmatchedSeries()).isEqualTo(1);
    assertThat(r.invalidSeries()).isEqualTo(2);
  }

  @Test
  void samplesOlderThanTheIngestLimitAreDroppedAndCounted() {
    Receiver rx = new Receiver();
    rx.send(requests("shop", "critical", new Point(NOW.minusSeconds(3600).toEpochMilli(), 0)));
    SeriesConverter.Result r = rx.send(requests("shop", "critical", new Point(NOW.minusSeconds(3590).toEpochMilli(), 10)));

    assertThat(r.samples()).isEmpty();
    assertThat(r.tooOld()).isEqualTo(1);
  }

  @Test
  void aHistogramGivesTheQuantileOfItsIncreaseInterpolatedWithinTheBucket() {
    Receiver rx = new Receiver();
    String[] les = {"0.1", "0.25", "0.5", "1", "+Inf"};
    double[] before = {0, 0, 0, 0, 0};
    // 1000 requests: 900 within 100 ms, 80 more within 250 ms, 15 within 500 ms, 5 within 1 s.
    double[] after = {900, 980, 995, 1000, 1000};
    List<Series> first = new ArrayList<>();
    List<Series> second = new ArrayList<>();
    for (int i = 0; i < les.length; i++) {
      Map<String, String> labels = Map.of("le", les[i], "instance", "app-1");
      first.add(series("rt_seconds_bucket", labels, at(0, before[i])));
      second.add(series("rt_seconds_bucket", labels, at(15, after[i])));
    }
    rx.send(first.toArray(Series[]::new));
    Sample s = only(rx.send(second.toArray(Series[]::new)));

    // Rank 990 falls in (0.25, 0.5]: 0.25 + 0.25 * (990 - 980) / 15 s = 0.41667 s.
    assertThat(s.latencyP99Ms()).isCloseTo(416.667, org.assertj.core.data.Offset.offset(0.01));
    assertThat(s.requests()).isZero();
  }

  @Test
  void aHistogramWithoutItsInfBucketInTheRequestIsNotRead() {
    Receiver rx = new Receiver();
    rx.send(series("rt_seconds_bucket", Map.of("le", "0.1"), at(0, 0)));
    SeriesConverter.Result r = rx.send(series("rt_seconds_bucket", Map.of("le", "0.1"), at(15, 10)));

    assertThat(r.samples()).isEmpty();
    assertThat(r.incompleteHistograms()).isEqualTo(1);
  }

  @Test
  void theQuantileOfAnEmptyOrInfOnlyIncreaseFollowsHistogramQuantile() {
    TreeMap<Double, Double> empty = new TreeMap<>(Map.of(0.1, 0.0, Double.POSITIVE_INFINITY, 0.0));
    TreeMap<Double, Double> slow = new TreeMap<>(Map.of(0.1, 0.0, 1.0, 0.0, Double.POSITIVE_INFINITY, 10.0));

    assertThat(SeriesConverter.quantile(0.99, empty)).isNull();
    assertThat(SeriesConverter.quantile(0.99, slow)).isEqualTo(1.0);
  }

  @Property(tries = 200)
  void everyIncreaseIsCountedOnceHoweverTheSamplesAreSplitIntoRequestsAndRetried(
      @ForAll @Size(min = 2, max = 40) List<@IntRange(min = 0, max = 500) Integer> steps,
      @ForAll @Size(min = 40, max = 40) List<@IntRange(min = 1, max = 4) Integer> cuts,
      @ForAll @Size(min = 40, max = 40) List<Boolean> failures) {
    // A counter that grows by each step, and every seventh sample resets to the step (when that is a drop).
    List<Point> points = new ArrayList<>();
    double value = 0;
    long expected = 0;
    for (int i = 0; i < steps.size(); i++) {
      if (i > 0 && i % 7 == 0 && steps.get(i) < value) {
        value = steps.get(i);
      } else {
        value += steps.get(i);
      }
      if (i > 0) {
        expected += steps.get(i);
      }
      points.add(at(i, value));
    }
    Receiver rx = new Receiver();
    Map<Sample.Key, Long> recorded = new HashMap<>();
    int i = 0;
    for (int k = 0; i < points.size(); k++) {
      List<Point> batch = points.subList(i, Math.min(points.size(), i + cuts.get(k)));
      Series request = requests("shop", "critical", batch.toArray(Point[]::new));
      if (failures.get(k)) {
        // Not acknowledged: the memory stays, and Prometheus sends the same request again.
        SeriesConverter.Result lost = CONVERTER.convert(List.of(request), rx.memory::get, NOW);
        lost.samples().forEach(s -> recorded.putIfAbsent(s.sample().key(), s.sample().requests()));
      }
      for (IngestSample s : rx.send(request).samples()) {
        recorded.putIfAbsent(s.sample().key(), s.sample().requests());
      }
      i += batch.size();
    }

    assertThat(recorded.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(expected);
  }
}
