package io.ballast.persistence.state;

import io.ballast.persistence.CborSerializable;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Running totals of one series (one source, one priority class) inside an open window. Rates are
 * computed per series over the seconds it actually covered, so a source that reports every 10 s and one
 * that reports every second both count at their true rate, and a missed report does not read as a dip.
 *
 * @param seen the sample instants already counted, so a retried batch is recorded once
 * @param unweightedLatencyP99Seconds (and P50) seconds of samples that reported a latency but no served requests to weight it
 *     by (a latency gauge sent apart from the request counts, as Prometheus remote_write can); their latencies are
 *     averaged over time, and used only where no request-weighted latency is known
 */
public record SeriesTotals(
    String source,
    String priority,
    long seconds,
    long requests,
    long shed,
    long errors,
    long latencyP50Weight,
    double latencyP50WeightedSum,
    long latencyP99Weight,
    double latencyP99WeightedSum,
    double concurrencySeconds,
    long concurrencyCoverage,
    double cpuSeconds,
    long cpuCoverage,
    InstanceCounts instances,
    Instant instancesAt,
    List<Instant> seen,
    long unweightedLatencyP99Seconds,
    double unweightedLatencyP50Sum,
    double unweightedLatencyP99Sum,
    long unweightedLatencyP50Seconds)
    implements CborSerializable {

  public SeriesTotals {
    seen = List.copyOf(seen);
  }

  static SeriesTotals empty(String source, String priority) {
    return new SeriesTotals(source, priority, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, List.of(), 0, 0, 0, 0);
  }

  boolean hasSeen(Instant at) {
    return seen.contains(at);
  }

  /** These totals with every sample of {@code samples} (all of this series) added. */
  SeriesTotals plus(List<Sample> samples) {
    long secs = seconds, req = requests, shd = shed, err = errors, p50W = latencyP50Weight, p99W = latencyP99Weight;
    double p50 = latencyP50WeightedSum, p99 = latencyP99WeightedSum, concS = concurrencySeconds, cpuS = cpuSeconds;
    long concC = concurrencyCoverage, cpuC = cpuCoverage;
    long u99S = unweightedLatencyP99Seconds, u50S = unweightedLatencyP50Seconds;
    double u50 = unweightedLatencyP50Sum, u99 = unweightedLatencyP99Sum;
    InstanceCounts inst = instances;
    Instant instAt = instancesAt;
    List<Instant> seenNow = new ArrayList<>(seen);
    for (Sample s : samples) {
      secs += s.periodSeconds();
      req += s.requests();
      shd += s.shed();
      err += s.errors();
      long served = s.accepted();
      // Quantiles cannot be merged exactly; weighting each by the requests it describes is the
      // closest a controller can get without the sources' histograms.
      if (served > 0 && s.latencyP50Ms() != null) {
        p50 += s.latencyP50Ms() * served;
        p50W += served;
      }
      if (served > 0 && s.latencyP99Ms() != null) {
        p99 += s.latencyP99Ms() * served;
        p99W += served;
      }
      if (served == 0 && s.latencyP50Ms() != null) {
        u50 += s.latencyP50Ms() * s.periodSeconds();
        u50S += s.periodSeconds();
      }
      if (served == 0 && s.latencyP99Ms() != null) {
        u99 += s.latencyP99Ms() * s.periodSeconds();
        u99S += s.periodSeconds();
      }
      if (s.concurrency() != null) {
        concS += s.concurrency() * s.periodSeconds();
        concC += s.periodSeconds();
      }
      if (s.cpu() != null) {
        cpuS += s.cpu() * s.periodSeconds();
        cpuC += s.periodSeconds();
      }
      if (s.instances() != null && (instAt == null || !s.at().isBefore(instAt))) {
        inst = s.instances();
        instAt = s.at();
      }
      seenNow.add(s.at());
    }
    return new SeriesTotals(
        source, priority, secs, req, shd, err, p50W, p50, p99W, p99, concS, concC, cpuS, cpuC, inst, instAt, seenNow,
        u99S, u50, u99, u50S);
  }

  double offeredRps() {
    return seconds == 0 ? 0 : (double) requests / seconds;
  }

  double shedRps() {
    return seconds == 0 ? 0 : (double) shed / seconds;
  }

  double errorRps() {
    return seconds == 0 ? 0 : (double) errors / seconds;
  }
}
