package io.ballast.controller.actuation;

import java.time.Duration;
import java.time.Instant;

/**
 * At most {@code burst} writes at once, refilled at {@code perSecond}: a burst of decisions cannot trip a cloud
 * API's rate limit. Throttling answers slow it down ({@link #slowDown}); successes speed it back up. A value:
 * every operation returns the next bucket, and time is passed in.
 */
public record TokenBucket(double burst, double perSecond, double factor, double tokens, Instant at) {

  /** How far throttling may slow the bucket down: to an eighth of its rate. */
  static final double MIN_FACTOR = 0.125;

  public static TokenBucket full(double burst, double perSecond, Instant now) {
    return new TokenBucket(burst, perSecond, 1.0, burst, now);
  }

  private TokenBucket refilled(Instant now) {
    if (!now.isAfter(at)) {
      return this;
    }
    double seconds = Duration.between(at, now).toNanos() / 1e9;
    return new TokenBucket(burst, perSecond, factor, Math.min(burst, tokens + seconds * perSecond * factor), now);
  }

  /** Whether a write may go now. */
  public boolean available(Instant now) {
    return refilled(now).tokens >= 1;
  }

  /** The bucket after one write now; call only when {@link #available}. */
  public TokenBucket take(Instant now) {
    TokenBucket b = refilled(now);
    return new TokenBucket(burst, perSecond, factor, b.tokens - 1, now);
  }

  /** How long until a write may go. */
  public Duration wait(Instant now) {
    TokenBucket b = refilled(now);
    if (b.tokens >= 1) {
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil((1 - b.tokens) / (perSecond * factor) * 1e9));
  }

  /** Halves the rate, down to {@link #MIN_FACTOR}: the target said it is being called too often. */
  public TokenBucket slowDown(Instant now) {
    TokenBucket b = refilled(now);
    return new TokenBucket(burst, perSecond, Math.max(MIN_FACTOR, factor / 2), Math.min(b.tokens, 0), now);
  }

  /** Recovers a quarter of the way back to the full rate after a success. */
  public TokenBucket speedUp(Instant now) {
    TokenBucket b = refilled(now);
    return new TokenBucket(burst, perSecond, Math.min(1.0, factor + (1.0 - factor) / 4 + 0.01), b.tokens, now);
  }
}
