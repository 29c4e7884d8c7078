package io.ballast.controller.metrics;

import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.ScaleApplied;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ScaleFailed;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.event.ShedLevelsChanged;
import io.ballast.persistence.state.ServiceState;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a node measures about itself, for {@code GET /metrics}: ingest, the journal, decisions, actuation, and each
 * hosted service's desired and current instances and shed levels. One instance per node, registered in the node's
 * registry; entities and routes report to it from any thread (the Prometheus client is thread-safe).
 *
 * <p>Label values are bounded: outcomes, reason codes and target kinds are enums or the first word of a target's
 * description; services and priority classes are the ones the node hosts, and a service's series are removed when
 * its entity stops here (it moved, or passivated), so a node only reports the services it runs.
 */
public final class NodeMetrics {

  /** Latency buckets from 1 ms to 30 s, for acknowledgements and journal writes. */
  private static final double[] LATENCY = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  /** Decision delay buckets: a window is decided after its grace, so seconds to a minute. */
  private static final double[] DECISION = {0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10, 15, 30, 60, 120};
  private static final double[] BATCH = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};
  private static final List<String> STATES = List.of("ready", "warming", "booting", "draining");

  private final Counter ingestBatches;
  private final Counter remoteWriteRequests;
  private final Counter remoteWriteSeries;
  private final Counter ingestSamples;
  private final Histogram batchSamples;
  private final Histogram ackSeconds;
  private final Histogram journalWriteSeconds;
  private final Histogram decisionDelaySeconds;
  private final Counter decisions;
  private final Counter shedChanges;
  private final Counter actuatorCalls;
  private final Gauge desired;
  private final Gauge instances;
  private final Gauge shedFraction;
  private final Map<String, Set<String>> shedClasses = new ConcurrentHashMap<>();

  public NodeMetrics(PrometheusRegistry registry) {
    ingestBatches = Counter.builder().name("ballast_ingest_batches_total")
        .help("Metric batches received (POST /v1/metrics), by outcome: accepted (durable, 200), rejected (400, 413, "
            + "415), unavailable (503: the journal did not confirm in time)")
        .labelNames("outcome").register(registry);
    remoteWriteRequests = Counter.builder().name("ballast_remote_write_requests_total")
        .help("Prometheus remote_write requests (POST /api/v1/write), by HTTP status: 204 durable, 400 malformed "
            + "(not retried), 415 wrong type or encoding, 503 not confirmed (retried)")
        .labelNames("status").register(registry);
    remoteWriteSeries = Counter.builder().name("ballast_remote_write_series_total")
        .help("Series in remote_write requests, by outcome: mapped (a rule took it), unmatched (no rule: ignored), "
            + "invalid (a rule matched, but its service or priority label is missing or not valid: ignored)")
        .labelNames("outcome").register(registry);
    ingestSamples = Counter.builder().name("ballast_ingest_samples_total")
        .help("Samples in accepted batches, by outcome: accepted, duplicate (already recorded), late (window closed)")
        .labelNames("outcome").register(registry);
    batchSamples = Histogram.builder().name("ballast_ingest_batch_samples")
        .help("Samples per accepted batch").classicUpperBounds(BATCH).classicOnly().register(registry);
    ackSeconds = Histogram.builder().name("ballast_ingest_ack_seconds")
        .help("From a batch's arrival to its acknowledgement (every sample durable in the journal)")
        .classicUpperBounds(LATENCY).classicOnly().register(registry);
    journalWriteSeconds = Histogram.builder().name("ballast_journal_write_seconds")
        .help("One service's group write to the journal, from persist to confirmed")
        .classicUpperBounds(LATENCY).classicOnly().register(registry);
    decisionDelaySeconds = Histogram.builder().name("ballast_decision_delay_seconds")
        .help("From the end of an observation window (the newest moment its metrics describe) to its decision "
            + "being durable; the window's grace for late samples is part of it")
        .classicUpperBounds(DECISION).classicOnly().register(registry);
    decisions = Counter.builder().name("ballast_decisions_total")
        .help("Windows decided, by the decision's reason code, mode, and whether the count changed")
        .labelNames("reason", "mode", "changed").register(registry);
    shedChanges = Counter.builder().name("ballast_shed_changes_total")
        .help("Changes of a service's shed levels, by reason").labelNames("reason").register(registry);
    actuatorCalls = Counter.builder().name("ballast_actuator_calls_total")
        .help("Writes of a desired count to a target, by target kind and outcome (applied, or the error kind)")
        .labelNames("target", "outcome").register(registry);
    desired = Gauge.builder().name("ballast_service_desired_instances")
        .help("The instance count a hosted service's last decision asks for").labelNames("service").register(registry);
    instances = Gauge.builder().name("ballast_service_instances")
        .help("A hosted service's instances as last reported, by lifecycle state")
        .labelNames("service", "state").register(registry);
    shedFraction = Gauge.builder().name("ballast_service_shed_fraction")
        .help("The fraction of a priority class's requests a hosted service sheds now (1 - admit fraction)")
        .labelNames("service", "priority").register(registry);
  }

  /** Metrics into a registry of their own, which nothing scrapes: for entities and routes built in tests. */
  public static NodeMetrics unscraped() {
    return new NodeMetrics(new PrometheusRegistry());
  }

  // ---------------------------------------------------------------------------------------------- ingest

  public void batchAccepted(int accepted, int duplicates, int late, Duration sinceArrival) {
    ingestBatches.labelValues("accepted").inc();
    ingestSamples.labelValues("accepted").inc(accepted);
    ingestSamples.labelValues("duplicate").inc(duplicates);
    ingestSamples.labelValues("late").inc(late);
    batchSamples.observe(accepted + duplicates + late);
    ackSeconds.observe(seconds(sinceArrival));
  }

  public void remoteWriteRequest(int status) {
    remoteWriteRequests.labelValues(Integer.toString(status)).inc();
  }

  public void remoteWriteSeries(int mapped, int unmatched, int invalid) {
    remoteWriteSeries.labelValues("mapped").inc(mapped);
    remoteWriteSeries.labelValues("unmatched").inc(unmatched);
    remoteWriteSeries.labelValues("invalid").inc(invalid);
  }

  public void batchRejected() {
    ingestBatches.labelValues("rejected").inc();
  }

  public void batchUnavailable() {
    ingestBatches.labelValues("unavailable").inc();
  }

  // ---------------------------------------------------------------------------------------------- entities

  public void journalWrite(Duration took) {
    journalWriteSeconds.observe(seconds(took));
  }

  /** Events one service just made durable, at {@code now}, and the state they led to. */
  public void recorded(String service, List<ServiceEvent> events, ServiceState after, Instant now) {
    MetricsObserved window = null;
    for (ServiceEvent e : events) {
      if (e instanceof MetricsObserved w) {
        window = w;
      } else if (e instanceof ScaleDecided d) {
        decisions.labelValues(d.reason().code().name().toLowerCase(Locale.ROOT),
            d.mode().name().toLowerCase(Locale.ROOT), Boolean.toString(d.changed())).inc();
        if (window != null && window.windowEnd().equals(d.at())) {
          decisionDelaySeconds.observe(seconds(Duration.between(window.windowEnd(), now)));
        }
      } else if (e instanceof ShedLevelsChanged s) {
        shedChanges.labelValues(s.reason() == null ? "none" : s.reason().code().name().toLowerCase(Locale.ROOT)).inc();
      } else if (e instanceof ScaleApplied a) {
        actuatorCalls.labelValues(kind(a.target()), "applied").inc();
      } else if (e instanceof ScaleFailed f) {
        actuatorCalls.labelValues(kind(f.target()), f.error().name().toLowerCase(Locale.ROOT)).inc();
      }
    }
    hosting(service, after);
  }

  /** The service's gauges as its state has them. */
  public void hosting(String service, ServiceState state) {
    if (state.policy() == null && state.samplesRecorded() == 0) {
      return;
    }
    desired.labelValues(service).set(state.desiredInstances());
    InstanceCounts i = state.instances();
    int[] counts = {i.ready(), i.warming(), i.booting(), i.draining()};
    for (int k = 0; k < STATES.size(); k++) {
      instances.labelValues(service, STATES.get(k)).set(counts[k]);
    }
    Set<String> classes = shedClasses.computeIfAbsent(service, s -> ConcurrentHashMap.newKeySet());
    Set<String> now = new java.util.HashSet<>();
    for (Admission a : state.admission()) {
      shedFraction.labelValues(service, a.priority()).set(1 - a.admitFraction());
      now.add(a.priority());
    }
    for (String c : classes) {
      if (!now.contains(c)) {
        // No level for the class any more: it is admitted in full.
        shedFraction.labelValues(service, c).set(0);
      }
    }
    classes.addAll(now);
  }

  /** The service's entity stopped on this node: its gauges go, another node reports them now. */
  public void stoppedHosting(String service) {
    desired.remove(service);
    for (String state : STATES) {
      instances.remove(service, state);
    }
    Set<String> classes = shedClasses.remove(service);
    if (classes != null) {
      for (String c : classes) {
        shedFraction.remove(service, c);
      }
    }
  }

  private static String kind(String target) {
    if (target == null || target.isBlank()) {
      return "unknown";
    }
    int space = target.indexOf(' ');
    return (space < 0 ? target : target.substring(0, space)).toLowerCase(Locale.ROOT);
  }

  private static double seconds(Duration d) {
    return Math.max(0, d.toNanos() / 1e9);
  }
}
