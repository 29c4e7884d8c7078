package io.ballast.controller.simulation;

import java.util.Map;
import java.util.TreeMap;

/**
 * The model parameters of the benchmark (evaluation.md §5), one step being one second. Everything a run
 * depends on besides the trace and the policies' settings is here, so two runs with equal configurations
 * produce identical files.
 *
 * @param bootSeconds B: a new instance is billed but serves nothing for this long
 * @param warmupSeconds W: then its capacity ramps linearly from 0.3 μ to μ over this long
 * @param drainSeconds D: an instance scaled in takes no new work and is billed for this long
 * @param instanceCapacityRps μ: requests per second a ready instance serves
 * @param minInstances the fewest instances any strategy may ask for
 * @param maxInstances the most instances any strategy may ask for
 * @param highFraction the share of arrivals in the HIGH class (the rest is LOW)
 * @param peakInstances N: the trace is scaled so its p99 per-second rate needs this many instances
 * @param timeoutSeconds requests that waited this long are dropped (and count as violations)
 * @param sloLatencyMs L: the response time a request must not exceed
 * @param sloQuantile q: the share of requests that must meet L in a second for it not to violate
 * @param demandWindowSeconds demand is computed from the offered rate averaged over a window this long centred
 *     on the second
 * @param shedWasteUtilization u_max: shedding is wasted where served work stayed below this share of capacity
 * @param billingMinimumSeconds an instance removed sooner is billed this long anyway (0: exact usage)
 * @param metricDelays per policy, how old the window it decides from is (seconds; missing names: 0)
 */
public record SimulationConfig(
    int bootSeconds,
    int warmupSeconds,
    int drainSeconds,
    double instanceCapacityRps,
    int minInstances,
    int maxInstances,
    double highFraction,
    int peakInstances,
    int timeoutSeconds,
    double sloLatencyMs,
    double sloQuantile,
    int demandWindowSeconds,
    double shedWasteUtilization,
    int billingMinimumSeconds,
    Map<String, Integer> metricDelays) {

  /** The metric delays of evaluation.md §5.4 as the brief sets them, by policy name. */
  public static final Map<String, Integer> DEFAULT_METRIC_DELAYS =
      Map.of("ballast", 2, "knative", 1, "hpa", 15, "aws-target-tracking", 60);

  public SimulationConfig {
    require(bootSeconds >= 0, "boot seconds must be >= 0, was " + bootSeconds);
    require(warmupSeconds >= 0, "warm-up seconds must be >= 0, was " + warmupSeconds);
    require(drainSeconds >= 0, "drain seconds must be >= 0, was " + drainSeconds);
    require(instanceCapacityRps > 0 && Double.isFinite(instanceCapacityRps),
        "instance capacity must be a positive number, was " + instanceCapacityRps);
    require(minInstances >= 1, "min instances must be >= 1, was " + minInstances);
    require(maxInstances >= minInstances, "max instances (" + maxInstances + ") must be >= min instances ("
        + minInstances + ")");
    require(highFraction >= 0 && highFraction <= 1, "high fraction must be within [0, 1], was " + highFraction);
    require(peakInstances >= minInstances && peakInstances <= maxInstances, "peak instances must be within ["
        + minInstances + ", " + maxInstances + "], was " + peakInstances);
    require(timeoutSeconds >= 1, "timeout must be >= 1 s, was " + timeoutSeconds);
    // Below one service time no instance count can meet the objective, and demand would be unbounded.
    require(sloLatencyMs > 1000 / instanceCapacityRps && Double.isFinite(sloLatencyMs),
        "SLO latency must exceed one service time (" + 1000 / instanceCapacityRps + " ms), was " + sloLatencyMs);
    require(sloQuantile > 0 && sloQuantile < 1, "SLO quantile must be within (0, 1), was " + sloQuantile);
    require(demandWindowSeconds >= 1 && demandWindowSeconds <= 1023,
        "demand window must be within [1, 1023] s, was " + demandWindowSeconds);
    require(shedWasteUtilization > 0 && shedWasteUtilization <= 1,
        "wasted-shed utilization must be within (0, 1], was " + shedWasteUtilization);
    require(billingMinimumSeconds >= 0, "billing minimum must be >= 0, was " + billingMinimumSeconds);
    for (Map.Entry<String, Integer> e : metricDelays.entrySet()) {
      require(e.getValue() != null && e.getValue() >= 0,
          "metric delay of " + e.getKey() + " must be >= 0, was " + e.getValue());
    }
    metricDelays = Map.copyOf(metricDelays);
  }

  /** evaluation.md §5: μ = 100 req/s, B = 120 s, W = 60 s, D = 30 s, 1..500 instances, q = 0.99, L = 300 ms. */
  public static SimulationConfig defaults() {
    return new SimulationConfig(120, 60, 30, 100, 1, 500, 0.5, 40, 10, 300, 0.99, 60, 0.9, 0,
        DEFAULT_METRIC_DELAYS);
  }

  public SimulationConfig withLifecycle(int boot, int warmup) {
    return new SimulationConfig(boot, warmup, drainSeconds, instanceCapacityRps, minInstances, maxInstances,
        highFraction, peakInstances, timeoutSeconds, sloLatencyMs, sloQuantile, demandWindowSeconds,
        shedWasteUtilization, billingMinimumSeconds, metricDelays);
  }

  public SimulationConfig withHighFraction(double fraction) {
    return new SimulationConfig(bootSeconds, warmupSeconds, drainSeconds, instanceCapacityRps, minInstances,
        maxInstances, fraction, peakInstances, timeoutSeconds, sloLatencyMs, sloQuantile, demandWindowSeconds,
        shedWasteUtilization, billingMinimumSeconds, metricDelays);
  }

  public SimulationConfig withPeakInstances(int instances) {
    return new SimulationConfig(bootSeconds, warmupSeconds, drainSeconds, instanceCapacityRps, minInstances,
        maxInstances, highFraction, instances, timeoutSeconds, sloLatencyMs, sloQuantile, demandWindowSeconds,
        shedWasteUtilization, billingMinimumSeconds, metricDelays);
  }

  /** These delays layered over the ones configured. */
  public SimulationConfig withMetricDelays(Map<String, Integer> delays) {
    Map<String, Integer> merged = new TreeMap<>(metricDelays);
    merged.putAll(delays);
    return new SimulationConfig(bootSeconds, warmupSeconds, drainSeconds, instanceCapacityRps, minInstances,
        maxInstances, highFraction, peakInstances, timeoutSeconds, sloLatencyMs, sloQuantile, demandWindowSeconds,
        shedWasteUtilization, billingMinimumSeconds, merged);
  }

  public int metricDelay(String policy) {
    return metricDelays.getOrDefault(policy, 0);
  }

  /** The wait beyond which a request misses the objective: L minus one service time 1/μ (R ≈ W + 1/μ). */
  public double violatingWaitSeconds() {
    return sloLatencyMs / 1000 - serviceSeconds();
  }

  public double serviceSeconds() {
    return 1 / instanceCapacityRps;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new InvalidInputException(message);
    }
  }
}
