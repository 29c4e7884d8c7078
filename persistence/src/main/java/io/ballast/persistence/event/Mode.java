package io.ballast.persistence.event;

/** The state a policy decided in. */
public enum Mode {
  NORMAL,
  /** Answering a sudden surge: no scale-down until it has calmed down. */
  PANIC,
  /** No metrics arrive: the policy holds, then goes to its outage floor. */
  METRIC_OUTAGE
}
