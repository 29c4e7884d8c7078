package io.ballast.persistence.policy;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.ballast.persistence.CborSerializable;
import java.time.Duration;

/**
 * How one service is scaled and shed: Ballast's own policy, or a faithful model of a peer's for comparison
 * and migration. Every implementation is a validated record whose constructor refuses nonsense with a
 * message naming the setting, so a bad policy never takes effect.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = BallastPolicy.class, name = BallastPolicy.KIND),
    @JsonSubTypes.Type(value = HpaPolicy.class, name = HpaPolicy.KIND),
    @JsonSubTypes.Type(value = KnativePolicy.class, name = KnativePolicy.KIND),
    @JsonSubTypes.Type(value = AwsTargetTrackingPolicy.class, name = AwsTargetTrackingPolicy.KIND)})
public sealed interface PolicySettings extends CborSerializable
    permits BallastPolicy, HpaPolicy, KnativePolicy, AwsTargetTrackingPolicy {

  int minInstances();

  int maxInstances();

  /** The name this policy is selected by in configuration: ballast, hpa, knative or aws-target-tracking. */
  String kind();

  /** How far back the policy looks: the service state keeps this much window and decision history. */
  Duration history();
}
