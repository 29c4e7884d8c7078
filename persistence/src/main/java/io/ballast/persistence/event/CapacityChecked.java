package io.ballast.persistence.event;

import java.time.Instant;

/**
 * Whether the count written last became ready capacity in time. {@code confirmed}: ready reached
 * {@code desired}. Otherwise the deadline passed with {@code instances} short of it: the policy stops counting
 * the missing instances as arriving until the target reports them.
 */
public record CapacityChecked(Instant at, int desired, boolean confirmed, InstanceCounts instances)
    implements ServiceEvent {}
