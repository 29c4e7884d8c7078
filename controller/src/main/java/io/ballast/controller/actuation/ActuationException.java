package io.ballast.controller.actuation;

import io.ballast.persistence.event.ActuationError;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * A target refused or failed a call, classified. {@code retryAfter} is the target's own hint (HTTP Retry-After),
 * or {@code null}.
 */
public final class ActuationException extends RuntimeException {

  private final ActuationError error;
  private final transient Duration retryAfter;

  public ActuationException(ActuationError error, String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.error = error;
    this.retryAfter = retryAfter;
  }

  public ActuationException(ActuationError error, String message) {
    this(error, message, null, null);
  }

  public ActuationError error() {
    return error;
  }

  public Duration retryAfter() {
    return retryAfter;
  }

  /** The classification of an HTTP status most cloud APIs share. */
  public static ActuationError ofHttpStatus(int status) {
    if (status == 429) {
      return ActuationError.THROTTLED;
    } else if (status == 409 || status == 412) {
      return ActuationError.CONFLICT;
    } else if (status == 401 || status == 403) {
      return ActuationError.UNAUTHORIZED;
    } else if (status >= 400 && status < 500 && status != 408) {
      return ActuationError.INVALID;
    }
    return ActuationError.UNAVAILABLE;
  }

  /** An HTTP Retry-After value, in seconds or as an HTTP date, as a wait from {@code now}; {@code null} if unreadable. */
  public static Duration retryAfter(String value, Instant now) {
    String v = value.strip();
    try {
      long seconds = Long.parseLong(v);
      return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
    } catch (NumberFormatException notSeconds) {
      try {
        Duration d = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }
}
