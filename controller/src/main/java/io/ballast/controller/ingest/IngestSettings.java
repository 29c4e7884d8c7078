package io.ballast.controller.ingest;

import java.time.Duration;
import java.util.List;

/**
 * Limits and timeouts of {@code POST /v1/metrics}.
 *
 * @param maxBatchBytes request bodies above this are refused with 413
 * @param maxBatchSamples batches with more samples are refused with 413
 * @param maxSampleAge samples older than this are refused
 * @param maxClockSkew samples further in the future than this are refused
 * @param writeTimeout how long to wait for the journal before answering 503
 * @param retryAfter the Retry-After a 503 suggests
 * @param priorityClasses the classes a sample may name
 */
public record IngestSettings(
    int maxBatchBytes,
    int maxBatchSamples,
    Duration maxSampleAge,
    Duration maxClockSkew,
    Duration writeTimeout,
    Duration retryAfter,
    List<String> priorityClasses) {

  public IngestSettings {
    priorityClasses = List.copyOf(priorityClasses);
    if (maxBatchSamples < 1) {
      throw new IllegalArgumentException("ballast.ingest.max-batch-samples must be >= 1, was " + maxBatchSamples);
    }
    if (maxSampleAge.isNegative() || maxSampleAge.isZero()) {
      throw new IllegalArgumentException("ballast.ingest.max-sample-age must be > 0, was " + maxSampleAge);
    }
    if (maxClockSkew.isNegative()) {
      throw new IllegalArgumentException("ballast.ingest.max-clock-skew must be >= 0, was " + maxClockSkew);
    }
    if (writeTimeout.isNegative() || writeTimeout.isZero()) {
      throw new IllegalArgumentException("ballast.ingest.write-timeout must be > 0, was " + writeTimeout);
    }
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("ballast.ingest.retry-after must be >= 0, was " + retryAfter);
    }
  }
}
