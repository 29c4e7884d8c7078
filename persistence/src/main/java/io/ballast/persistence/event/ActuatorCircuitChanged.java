package io.ballast.persistence.event;

import java.time.Instant;

/**
 * The circuit breaker of the service's target opened (after consecutive failures: writes stop until
 * {@code until}) or closed again (a write succeeded).
 */
public record ActuatorCircuitChanged(Instant at, boolean open, Instant until, String reason) implements ServiceEvent {}
