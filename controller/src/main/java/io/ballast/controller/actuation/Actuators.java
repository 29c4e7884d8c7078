package io.ballast.controller.actuation;

/** Builds the adapter for a service's target: the one place that knows every adapter. */
@FunctionalInterface
public interface Actuators {

  Actuator create(String service, ActuationSettings.TargetSettings target);
}
