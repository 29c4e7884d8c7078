package io.ballast.controller.policy;

import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.policy.AwsTargetTrackingPolicy;
import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.policy.HpaPolicy;
import io.ballast.persistence.policy.KnativePolicy;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.state.ServiceState;

/** Every policy behind one interface: decides with the policy the settings select. */
public final class Policies implements Policy<PolicySettings> {

  private final ScaleAndShed ballast = new ScaleAndShed();
  private final HpaModel hpa = new HpaModel();
  private final KnativeModel knative = new KnativeModel();
  private final AwsTargetTrackingModel aws = new AwsTargetTrackingModel();

  @Override
  public Decision decide(ServiceState state, MetricsObserved window, PolicySettings settings) {
    if (settings instanceof BallastPolicy s) {
      return ballast.decide(state, window, s);
    } else if (settings instanceof HpaPolicy s) {
      return hpa.decide(state, window, s);
    } else if (settings instanceof KnativePolicy s) {
      return knative.decide(state, window, s);
    } else if (settings instanceof AwsTargetTrackingPolicy s) {
      return aws.decide(state, window, s);
    }
    throw new IllegalArgumentException("no policy for " + settings.getClass().getName());
  }
}
