package io.ballast.persistence.policy;

/** Which rate policy wins when several apply, as in Kubernetes' {@code selectPolicy}. */
public enum Select {
  /** The policy that allows the largest change. */
  MAX,
  /** The policy that allows the smallest change. */
  MIN,
  /** No change in this direction at all. */
  DISABLED
}
