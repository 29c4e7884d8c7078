package io.ballast.persistence.event;

import java.time.Instant;

/** An operator ended an override before its expiry. */
public record OverrideCancelled(Instant at, String id, String cancelledBy, String reason) implements ServiceEvent {}
