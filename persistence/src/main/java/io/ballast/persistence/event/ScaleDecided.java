package io.ballast.persistence.event;

import java.time.Instant;

/**
 * The controller decided how many instances the service should have. It is persisted, with its reason,
 * before anything acts on it. {@code from} is the previous desired count (0 before the first decision).
 */
public record ScaleDecided(Instant at, int from, int to, Reason reason) implements ServiceEvent {}
