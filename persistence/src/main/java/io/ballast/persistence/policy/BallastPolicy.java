package io.ballast.persistence.policy;

import io.ballast.persistence.CborSerializable;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Ballast's own policy: scaling and shedding decided together.
 *
 * @param targets what one instance should carry; the count follows the signal that needs the most
 * @param toleranceUp how far above its target a signal may drift before the count goes up, as a fraction
 * @param toleranceDown how far below its target a signal may drift before the count goes down
 * @param stableWindow signals are averaged over this trailing window, so one noisy window does not move the count
 * @param scaleUp stabilization and rate limits for scaling up
 * @param scaleDown stabilization and rate limits for scaling down
 * @param panic how a sudden surge is answered
 * @param warmUp how much of an instance's capacity counts while it is warming up
 * @param cooldown quiet times after a change
 * @param metricOutage what happens when metrics stop arriving
 * @param shedding how the deficit is shed while capacity arrives
 */
public record BallastPolicy(
    int minInstances,
    int maxInstances,
    Targets targets,
    double toleranceUp,
    double toleranceDown,
    Duration stableWindow,
    ScalingRules scaleUp,
    ScalingRules scaleDown,
    Panic panic,
    WarmUp warmUp,
    Cooldown cooldown,
    MetricOutage metricOutage,
    Shedding shedding)
    implements PolicySettings {

  public static final String KIND = "ballast";

  public BallastPolicy {
    Checks.bounds(minInstances, maxInstances);
    Checks.required("targets", targets);
    Checks.require(toleranceUp >= 0 && toleranceUp < 1, "tolerance-up must be within [0, 1), was " + toleranceUp);
    Checks.require(toleranceDown >= 0 && toleranceDown < 1,
        "tolerance-down must be within [0, 1), was " + toleranceDown);
    Checks.positive("stable-window", stableWindow);
    Checks.required("scale-up", scaleUp);
    Checks.required("scale-down", scaleDown);
    Checks.required("panic", panic);
    Checks.required("warm-up", warmUp);
    Checks.required("cooldown", cooldown);
    Checks.required("metric-outage", metricOutage);
    Checks.required("shedding", shedding);
    if (metricOutage.floor() != null) {
      Checks.require(metricOutage.floor() >= minInstances && metricOutage.floor() <= maxInstances,
          "metric-outage.floor (" + metricOutage.floor() + ") must be within [min-instances, max-instances]");
    }
  }

  /**
   * The defaults: 100 requests per second per instance, 10 % tolerance each way, signals averaged over 60 s;
   * scale up by up to 4 instances or 100 % per 15 s, scale down by up to 100 % per 15 s after a 300 s
   * stabilization window; panic at twice the instances there are; warming instances count half; hold for
   * 2 minutes when metrics stop; shed the deficit above 90 % of 125 requests per second per instance, sized for
   * bursts two standard deviations above the mean of the last 5 minutes.
   */
  public static BallastPolicy defaults() {
    return new BallastPolicy(1, 100, new Targets(100.0, null, null, null), 0.1, 0.1, Duration.ofSeconds(60),
        new ScalingRules(Duration.ZERO,
            List.of(RatePolicy.pods(4, Duration.ofSeconds(15)), RatePolicy.percent(100, Duration.ofSeconds(15))),
            Select.MAX),
        new ScalingRules(Duration.ofSeconds(300), List.of(RatePolicy.percent(100, Duration.ofSeconds(15))),
            Select.MAX),
        new Panic(true, Duration.ofSeconds(6), 2.0, Duration.ofSeconds(60)),
        new WarmUp(0.5),
        new Cooldown(Duration.ZERO, Duration.ZERO),
        new MetricOutage(Duration.ofMinutes(2), null),
        new Shedding(true, null, 0.9, 0.05, 2.0, Duration.ofMinutes(5)));
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Duration history() {
    return Stream.of(stableWindow, scaleUp.stabilizationWindow(), scaleDown.stabilizationWindow(),
            scaleUp.longestPeriod(), scaleDown.longestPeriod(), panic.window(), panic.exitAfter(),
            cooldown.afterScaleUp(), cooldown.afterScaleDown(), shedding.burstWindow())
        .max(Duration::compareTo).orElseThrow();
  }

  /**
   * Targets per instance; at least one must be set, and each that is set must be positive.
   *
   * @param requestsPerInstance requests per second one instance should serve
   * @param concurrencyPerInstance requests in flight one instance should hold
   * @param cpuUtilization busy fraction an instance should run at, in (0, 1]
   * @param latencyP99Ms the p99 latency objective; above it the count goes up (it never pushes it down)
   */
  public record Targets(
      Double requestsPerInstance, Double concurrencyPerInstance, Double cpuUtilization, Double latencyP99Ms)
      implements CborSerializable {

    public Targets {
      Checks.require(requestsPerInstance != null || concurrencyPerInstance != null || cpuUtilization != null
          || latencyP99Ms != null, "targets must set at least one of requests-per-instance, "
          + "concurrency-per-instance, cpu-utilization, latency-p99-ms");
      if (requestsPerInstance != null) {
        Checks.positive("targets.requests-per-instance", requestsPerInstance);
      }
      if (concurrencyPerInstance != null) {
        Checks.positive("targets.concurrency-per-instance", concurrencyPerInstance);
      }
      if (cpuUtilization != null) {
        Checks.require(cpuUtilization > 0 && cpuUtilization <= 1,
            "targets.cpu-utilization must be within (0, 1], was " + cpuUtilization);
      }
      if (latencyP99Ms != null) {
        Checks.positive("targets.latency-p99-ms", latencyP99Ms);
      }
    }
  }

  /**
   * A sudden surge: when the instances the short {@code window} asks for reach {@code threshold} times the
   * instances there are, the policy panics: it scales straight to what the surge needs, past the scale-up
   * rate limits, and never scales down. It calms down after {@code exitAfter} without such a surge, and
   * keeps what it added (scale-down stabilization takes over from there).
   */
  public record Panic(boolean enabled, Duration window, double threshold, Duration exitAfter)
      implements CborSerializable {

    public Panic {
      Checks.positive("panic.window", window);
      Checks.require(threshold > 1 && Double.isFinite(threshold), "panic.threshold must be > 1, was " + threshold);
      Checks.positive("panic.exit-after", exitAfter);
    }
  }

  /**
   * @param warmingCapacity the fraction of an instance's capacity a warming instance is counted as, in [0, 1];
   *     booting instances serve nothing yet but are counted as coming, so a surge is not answered twice
   */
  public record WarmUp(double warmingCapacity) implements CborSerializable {

    public WarmUp {
      Checks.fraction("warm-up.warming-capacity", warmingCapacity);
    }
  }

  /**
   * @param afterScaleUp no further scale-up this soon after the last one
   * @param afterScaleDown no scale-down this soon after the last change in either direction
   */
  public record Cooldown(Duration afterScaleUp, Duration afterScaleDown) implements CborSerializable {

    public Cooldown {
      Checks.nonNegative("cooldown.after-scale-up", afterScaleUp);
      Checks.nonNegative("cooldown.after-scale-down", afterScaleDown);
    }
  }

  /**
   * When no samples arrive: hold the count for {@code holdFor}, then go to {@code floor} ({@code null}: keep
   * holding). Shedding is lifted as soon as metrics stop: Ballast does not shed blind.
   */
  public record MetricOutage(Duration holdFor, Integer floor) implements CborSerializable {

    public MetricOutage {
      Checks.nonNegative("metric-outage.hold-for", holdFor);
      Checks.require(floor == null || floor >= 0, "metric-outage.floor must be >= 0, was " + floor);
    }
  }

  /**
   * @param enabled whether the policy sheds at all
   * @param instanceCapacityRps requests per second one ready instance can serve; {@code null} means 1.25 times
   *     {@code targets.requests-per-instance} (shedding is off when neither is set)
   * @param maxUtilization the share of that capacity admitted before shedding starts, in (0, 1]
   * @param hysteresis shedding changes only when it is off the deficit by more than this fraction of demand
   * @param burstAllowance shedding is sized for the demand of the latest window, or for the mean over the burst
   *     window plus this many standard deviations when that is more: the levels apply to windows not seen yet,
   *     and bursts shorter than the reaction time can only be absorbed by what is already shed
   * @param burstWindow how far back the mean and the deviation of demand are taken
   */
  public record Shedding(boolean enabled, Double instanceCapacityRps, double maxUtilization, double hysteresis,
      double burstAllowance, Duration burstWindow) implements CborSerializable {

    public Shedding {
      if (instanceCapacityRps != null) {
        Checks.positive("shedding.instance-capacity-rps", instanceCapacityRps);
      }
      Checks.require(maxUtilization > 0 && maxUtilization <= 1,
          "shedding.max-utilization must be within (0, 1], was " + maxUtilization);
      Checks.require(hysteresis >= 0 && hysteresis < 1, "shedding.hysteresis must be within [0, 1), was " + hysteresis);
      Checks.require(burstAllowance >= 0 && burstAllowance <= 10,
          "shedding.burst-allowance must be within [0, 10], was " + burstAllowance);
      Checks.positive("shedding.burst-window", burstWindow);
    }
  }
}
