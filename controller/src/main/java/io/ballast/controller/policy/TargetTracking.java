package io.ballast.controller.policy;

import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.PolicySettings;
import io.ballast.persistence.event.Reason;
import io.ballast.persistence.event.Reason.Code;
import io.ballast.persistence.event.Reason.Signal;
import io.ballast.persistence.state.ServiceState;

/**
 * Target tracking on requests per instance: desired = ceil(offered / target), or the instances there are
 * while the load per instance is within the tolerance of the target, kept within [min, max]. Offered load includes
 * shed requests, so shedding never hides demand from scaling. Booting and warming instances count as
 * capacity, which keeps one surge from being answered twice.
 */
public final class TargetTracking implements Policy {

  /** Keeps float noise (10.000000001 requests per target) from asking for one more instance. */
  private static final double EPSILON = 1e-9;

  @Override
  public Decision decide(ServiceState state, MetricsObserved window, PolicySettings settings) {
    InstanceCounts reported = window.instances() != null ? window.instances() : state.instances();
    int current = reported.provisioned() > 0 ? reported.provisioned() : state.desiredInstances();
    double offered = window.offeredRps();
    double target = settings.targetRequestsPerInstance();
    int recommended = (int) Math.min(Integer.MAX_VALUE, Math.ceil(offered / target - EPSILON));

    if (current > 0) {
      double perInstance = offered / current;
      if (Math.abs(perInstance / target - 1.0) <= settings.tolerance()) {
        // The instances the load was measured on fit it: keep exactly those. Holding any other count
        // (say, an older decision) would let more load end in fewer instances.
        return bounded(current, Code.WITHIN_TOLERANCE, perInstance, target, recommended, settings);
      }
      return bounded(recommended, Code.TRACKING_TARGET, perInstance, target, recommended, settings);
    }
    return bounded(recommended, Code.TRACKING_TARGET, offered, target, recommended, settings);
  }

  private static Decision bounded(
      int desired, Code code, double observed, double target, int recommended, PolicySettings settings) {
    if (desired > settings.maxInstances()) {
      return new Decision(settings.maxInstances(), reason(Code.LIMITED_BY_MAX, observed, target, recommended));
    }
    if (desired < settings.minInstances()) {
      return new Decision(settings.minInstances(), reason(Code.LIMITED_BY_MIN, observed, target, recommended));
    }
    return new Decision(desired, reason(code, observed, target, recommended));
  }

  private static Reason reason(Code code, double observed, double target, int recommended) {
    return new Reason(code, Signal.REQUESTS_PER_INSTANCE, observed, target, recommended);
  }
}
