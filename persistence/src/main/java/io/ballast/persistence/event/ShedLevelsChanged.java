package io.ballast.persistence.event;

import java.time.Instant;
import java.util.List;

/**
 * The controller changed what fraction of each priority class to admit. Classes not listed are admitted in
 * full; an empty list admits everything.
 */
public record ShedLevelsChanged(Instant at, List<Admission> admission, ShedReason reason) implements ServiceEvent {

  public ShedLevelsChanged {
    admission = List.copyOf(admission);
  }
}
