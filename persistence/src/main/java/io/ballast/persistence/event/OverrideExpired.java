package io.ballast.persistence.event;

import java.time.Instant;

/**
 * An override reached its expiry. Recorded by the service itself, whether anyone looks or not, so that replay
 * and a restarted node agree on when it stopped.
 */
public record OverrideExpired(Instant at, String id) implements ServiceEvent {}
