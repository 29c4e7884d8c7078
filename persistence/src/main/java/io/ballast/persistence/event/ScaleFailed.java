package io.ballast.persistence.event;

import java.time.Instant;

/**
 * Writing the count decided at {@code decidedAt} failed. {@code attempt} counts the tries for this count;
 * {@code willRetry} says whether the actuator tries again by itself (it does for throttling, conflicts and an
 * unavailable target, not for a refused or unauthorized write).
 */
public record ScaleFailed(Instant at, Instant decidedAt, int desired, ActuationError error, String detail,
    String target, int attempt, boolean willRetry) implements ServiceEvent {}
