package io.ballast.controller.policy;

import io.ballast.persistence.event.Reason;

/** What a policy decided for one window: the instances the service should have, and why. */
public record Decision(int desiredInstances, Reason reason) {}
