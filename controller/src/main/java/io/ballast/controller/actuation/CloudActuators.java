package io.ballast.controller.actuation;

/** The adapters of every target this build knows, by the target's settings. */
public final class CloudActuators implements Actuators {

  @Override
  public Actuator create(String service, ActuationSettings.TargetSettings target) {
    if (target instanceof ActuationSettings.Webhook w) {
      return WebhookActuator.create(service, w);
    } else if (target instanceof ActuationSettings.Kubernetes k) {
      return KubernetesScaleActuator.create(k);
    } else if (target instanceof ActuationSettings.AwsAutoScaling a) {
      return AwsAutoScalingActuator.create(a);
    } else if (target instanceof ActuationSettings.GcpInstanceGroup g) {
      return GcpInstanceGroupActuator.create(g);
    } else if (target instanceof ActuationSettings.AzureScaleSet a) {
      return AzureScaleSetActuator.create(a);
    }
    throw new IllegalArgumentException("no adapter for " + target);
  }
}
