package io.ballast.persistence.event;

import java.time.Instant;

/** An operator set an override (who, why and until when are in it). */
public record OverrideSet(Instant at, ServiceOverride override) implements ServiceEvent {}
