package io.ballast.persistence.event;

import io.ballast.persistence.policy.PolicySettings;
import java.time.Instant;

/**
 * The service's policy was set. {@code previous} is {@code null} for the first policy; {@code setBy} says
 * where it came from ({@code config} for the node's configuration).
 */
public record PolicySet(Instant at, PolicySettings settings, PolicySettings previous, String setBy)
    implements ServiceEvent {

  public static final String FROM_CONFIG = "config";
}
