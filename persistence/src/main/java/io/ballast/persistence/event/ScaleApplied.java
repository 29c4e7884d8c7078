package io.ballast.persistence.event;

import java.time.Instant;

/**
 * The target accepted the count decided at {@code decidedAt}. {@code instances} is what it reported right after
 * the write (ready may still be low: instances take time to boot), or {@code null} when the target cannot tell.
 * {@code target} describes it in words.
 */
public record ScaleApplied(Instant at, Instant decidedAt, int desired, InstanceCounts instances, String target)
    implements ServiceEvent {}
