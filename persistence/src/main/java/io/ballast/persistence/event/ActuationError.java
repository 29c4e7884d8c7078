package io.ballast.persistence.event;

/** Why a target refused or failed a write, in the classes every cloud's errors map onto. */
public enum ActuationError {
  /** The target asked us to slow down (AWS Throttling, HTTP 429): retried later, more slowly. */
  THROTTLED,
  /** Someone else changed the target since we read it (HTTP 409, 412): re-read and retried. */
  CONFLICT,
  /** The target refuses this write as it stands (over its maximum, a bad name): not retried. */
  INVALID,
  /** The target did not answer, or failed (5xx, timeouts, connection refused): retried with backoff. */
  UNAVAILABLE,
  /** Our credentials are missing, wrong or lack a permission (HTTP 401, 403): not retried. */
  UNAUTHORIZED
}
