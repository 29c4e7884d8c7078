package io.ballast.controller.shedding;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How shed decisions are served and delivered.
 *
 * @param ttl how long an admission holds after its decision: an enforcement point that hears nothing newer for
 *     this long admits everything again
 * @param retryAfter the Retry-After hint while shedding when no capacity is known to be on its way
 * @param maxRetryAfter the longest Retry-After hint given
 * @param heartbeat how often a quiet admission stream sends a heartbeat
 * @param refresh how often a stream re-sends an unchanged admission, so its time to live keeps moving
 * @param haproxy the HAProxy enforcement targets, by service id
 * @param haproxyMetrics the HAProxy metrics sources
 */
public record SheddingSettings(
    Duration ttl,
    Duration retryAfter,
    Duration maxRetryAfter,
    Duration heartbeat,
    Duration refresh,
    Map<String, HaproxyTarget> haproxy,
    List<HaproxyMetrics> haproxyMetrics) {

  public SheddingSettings {
    positive("ttl", ttl);
    positive("retry-after", retryAfter);
    positive("max-retry-after", maxRetryAfter);
    positive("heartbeat", heartbeat);
    positive("refresh", refresh);
    require(refresh.compareTo(ttl) < 0, "ballast.shedding.refresh (" + refresh + ") must be shorter than ttl ("
        + ttl + "), or streamed admissions would expire between refreshes");
    require(maxRetryAfter.compareTo(retryAfter) >= 0, "ballast.shedding.max-retry-after must be >= retry-after");
    haproxy = Map.copyOf(haproxy);
    haproxyMetrics = List.copyOf(haproxyMetrics);
  }

  public static SheddingSettings defaults() {
    return new SheddingSettings(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(120),
        Duration.ofSeconds(15), Duration.ofSeconds(10), Map.of(), List.of());
  }

  /**
   * Where a service's shed levels are written: entries {@code <keyPrefix>/<priority>} (percent shed, 0-100) and
   * {@code <keyPrefix>/retry-after} (seconds) of {@code map}, through the runtime API at {@code address}.
   *
   * @param verifyEvery how often the map is read back, so that a restarted HAProxy gets the levels again
   */
  public record HaproxyTarget(String address, String map, String keyPrefix, Duration timeout, Duration verifyEvery) {
    public HaproxyTarget {
      require(address != null && !address.isBlank(), "haproxy.address is required");
      require(map != null && !map.isBlank(), "haproxy.map is required");
      require(keyPrefix != null && keyPrefix.matches("[A-Za-z0-9._/-]{1,100}"),
          "haproxy.key-prefix must be 1 to 100 letters, digits, '.', '_', '/' or '-', was '" + keyPrefix + "'");
      positive("haproxy.timeout", timeout);
      positive("haproxy.verify-every", verifyEvery);
    }

    public String describe() {
      return "haproxy " + address + " map " + map;
    }
  }

  /**
   * A service whose load HAProxy measures: per-class counts from a stick table keyed by priority class
   * ({@code http_req_cnt} offered, {@code gpc0} shed), instances from the servers of {@code backend}.
   */
  public record HaproxyMetrics(String service, String address, String table, String backend, Duration interval,
      Duration timeout) {
    public HaproxyMetrics {
      require(address != null && !address.isBlank(), "haproxy-metrics.address is required");
      require(table != null && !table.isBlank(), "haproxy-metrics.table is required");
      require(backend != null && !backend.isBlank(), "haproxy-metrics.backend is required");
      require(interval != null && interval.toMillis() >= 1000 && interval.toMillis() % 1000 == 0,
          "haproxy-metrics.interval must be a whole number of seconds >= 1s, was " + interval);
      positive("haproxy-metrics.timeout", timeout);
    }
  }

  private static void positive(String name, Duration d) {
    require(d != null && !d.isNegative() && !d.isZero(), name + " must be > 0, was " + d);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
