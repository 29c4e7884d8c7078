package io.ballast.persistence.event;

import java.time.Instant;

/**
 * The target reported its instances by state, and the count it is set to ({@code targetDesired}), when they
 * changed. {@code source} says who read them ({@code actuator}).
 */
public record InstancesObserved(Instant at, InstanceCounts instances, int targetDesired, String source)
    implements ServiceEvent {}
