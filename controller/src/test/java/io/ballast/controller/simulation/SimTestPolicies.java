package io.ballast.controller.simulation;

import io.ballast.controller.policy.Decision;
import io.ballast.controller.policy.Policy;
import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.ClassLoad;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.event.Reason;
import io.ballast.persistence.event.ShedReason;
import io.ballast.persistence.policy.HpaPolicy;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.state.ServiceState;
import java.util.ArrayList;
import java.util.List;

/**
 * Small policies with outcomes one can reason about, standing in for the real ones behind the same
 * {@link Policy} seam: they decide from the window alone.
 */
final class SimTestPolicies {

  /** Settings for the service state; the test policies ignore them. */
  static final PolicySettings SETTINGS = HpaPolicy.defaults(HpaPolicy.Metric.REQUESTS_PER_INSTANCE, 70);

  private SimTestPolicies() {}

  /** ceil(offered / perInstance) instances; never sheds. */
  static Policy<PolicySettings> proportional(double perInstance) {
    return (state, window, settings) -> Decision.scaleOnly(count(window, perInstance), Mode.NORMAL, reason(window));
  }

  /**
   * ceil(offered / perInstance) instances, and admits of LOW only what the instances that serve now can carry
   * beside HIGH: (ready + warming/2)·μ·0.9 − HIGH offered.
   */
  static Policy<PolicySettings> shedding(double perInstance, double mu) {
    return (state, window, settings) -> {
      InstanceCounts n = window.instances();
      double capacity = (n.ready() + 0.5 * n.warming()) * mu * 0.9;
      ClassLoad high = window.classes().get(0);
      ClassLoad low = window.classes().get(1);
      double admit = low.offeredRps() <= 0 ? 1 : clamp((capacity - high.offeredRps()) / low.offeredRps());
      return new Decision(count(window, perInstance), Mode.NORMAL, reason(window),
          List.of(new Admission(low.priority(), admit)),
          new ShedReason(ShedReason.Code.DEFICIT, window.offeredRps(), capacity, 0, (1 - admit) * low.offeredRps()));
    };
  }

  /** Always {@code instances}, admitting {@code lowAdmit} of LOW. */
  static Policy<PolicySettings> fixed(int instances, double lowAdmit) {
    return (state, window, settings) -> new Decision(instances, Mode.NORMAL, reason(window),
        List.of(new Admission(Telemetry.LOW_CLASS, lowAdmit)),
        new ShedReason(ShedReason.Code.DEFICIT, 0, 0, 0, 0));
  }

  /** A policy that keeps every window it is given, and the state it was given it with. */
  static final class Recording implements Policy<PolicySettings> {
    final List<MetricsObserved> windows = new ArrayList<>();
    final List<ServiceState> states = new ArrayList<>();
    private final int instances;

    Recording(int instances) {
      this.instances = instances;
    }

    @Override
    public Decision decide(ServiceState state, MetricsObserved window, PolicySettings settings) {
      windows.add(window);
      states.add(state);
      return Decision.scaleOnly(instances, Mode.NORMAL, reason(window));
    }
  }

  private static int count(MetricsObserved window, double perInstance) {
    return Math.max(1, (int) Math.ceil(window.offeredRps() / perInstance));
  }

  private static Reason reason(MetricsObserved window) {
    return new Reason(Reason.Code.TRACKING_TARGET, Reason.Signal.REQUESTS_PER_INSTANCE, window.offeredRps(), 0, -1);
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
