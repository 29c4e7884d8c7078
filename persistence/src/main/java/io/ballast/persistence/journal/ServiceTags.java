package io.ballast.persistence.journal;

import java.util.Set;

/**
 * Tags for querying events across services. Every event of a service carries the tag of its slice, so a
 * cross-service reader runs {@value #SLICES} tag queries in parallel rather than one hot tag. The slice
 * of a service never changes: it is part of the journal's data.
 */
public final class ServiceTags {

  public static final int SLICES = 8;
  private static final String PREFIX = "service-slice-";

  private ServiceTags() {}

  public static Set<String> forService(String serviceId) {
    return Set.of(PREFIX + Math.floorMod(serviceId.hashCode(), SLICES));
  }
}
