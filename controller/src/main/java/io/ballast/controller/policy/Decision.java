package io.ballast.controller.policy;

import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.event.Reason;
import io.ballast.persistence.event.ShedReason;
import java.util.List;

/**
 * What a policy decided from one window: the instances the service should have, the mode it decided in,
 * why, and what fraction of each priority class to admit (classes not listed, or an empty list: all).
 */
public record Decision(int desiredInstances, Mode mode, Reason reason, List<Admission> admission, ShedReason shedReason) {

  public Decision {
    admission = List.copyOf(admission);
  }

  /** A decision that sheds nothing, for the reference models. */
  public static Decision scaleOnly(int desiredInstances, Mode mode, Reason reason) {
    return new Decision(desiredInstances, mode, reason, List.of(),
        new ShedReason(ShedReason.Code.NOT_SHEDDING, 0, 0, 0, 0));
  }
}
