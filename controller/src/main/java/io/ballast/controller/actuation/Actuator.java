package io.ballast.controller.actuation;

import java.util.concurrent.CompletionStage;

/**
 * The port every target is reached through: read what the target has, set how many instances it should have.
 * One adapter per technology ({@code KubernetesScaleActuator}, {@code AwsAutoScalingActuator}, ...); the
 * entity and the {@link ActuationDriver} know only this. A stage that fails carries an
 * {@link ActuationException} saying which class of error it was.
 */
public interface Actuator {

  /** The target's desired count and its instances by state, as it reports them now. */
  CompletionStage<TargetState> read();

  /**
   * Sets the target's desired count. {@code idempotencyKey} identifies the decision: sending the same key twice
   * must not change the target twice (adapters pass it where the API takes one).
   *
   * @return what the target reports right after the write
   */
  CompletionStage<TargetState> write(int desired, String idempotencyKey);

  /** The target in words, for events and status: {@code kubernetes deployment shop/checkout}. */
  String describe();
}
