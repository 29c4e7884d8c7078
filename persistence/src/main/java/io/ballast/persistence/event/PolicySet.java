package io.ballast.persistence.event;

import io.ballast.persistence.policy.PolicySettings;
import java.time.Instant;

/**
 * The service's policy was set. {@code previous} is {@code null} for the first policy; {@code setBy} says
 * where it came from ({@code config} for the node's configuration, otherwise the principal who set it through the
 * admin API), and {@code reason} why ({@code null} from config).
 */
public record PolicySet(Instant at, PolicySettings settings, PolicySettings previous, String setBy, String reason)
    implements ServiceEvent {

  public static final String FROM_CONFIG = "config";

  /** The policy from the node's configuration. */
  public PolicySet(Instant at, PolicySettings settings, PolicySettings previous, String setBy) {
    this(at, settings, previous, setBy, null);
  }
}
