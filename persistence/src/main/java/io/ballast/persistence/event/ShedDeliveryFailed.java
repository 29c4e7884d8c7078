package io.ballast.persistence.event;

import java.time.Instant;

/**
 * Shed levels could not be written to an enforcement point; it keeps what it had (and falls back to admitting
 * everything once their time to live ends). Recorded when delivery starts failing and when the reason changes,
 * not on every retry; the next {@link ShedDelivered} ends it.
 */
public record ShedDeliveryFailed(Instant at, String target, String detail) implements ServiceEvent {}
