package io.ballast.persistence.event;

import java.time.Instant;
import java.util.Map;

/**
 * An enforcement point now holds the shed levels decided at {@code decidedAt}: {@code shedPercent} per priority
 * class, as written there. Recorded when what the enforcement point holds changed, including a rewrite after it
 * lost them (a restarted HAProxy).
 */
public record ShedDelivered(Instant at, Instant decidedAt, String target, Map<String, Integer> shedPercent)
    implements ServiceEvent {

  public ShedDelivered {
    shedPercent = Map.copyOf(shedPercent);
  }
}
