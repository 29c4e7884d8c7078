package io.ballast.controller.simulation;

import io.ballast.persistence.event.InstanceCounts;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulated instances (evaluation.md §5.2). A new instance is BOOTING for B s (billed, no capacity), then
 * WARMING for W s with capacity ramping linearly from 0.3 μ to μ, then READY. A scaled-in instance is DRAINING:
 * it takes no new work, is billed, and is removed after D s. Instances are kept in launch order, which is also
 * id order, so "youngest first, ties by id" is simply "from the end".
 *
 * <p>A count decided at the end of second t takes effect at once: new instances boot from t + 1, and surplus
 * ones are taken away youngest first, booting ones (which serve nothing yet) cancelled outright before any
 * other is drained.
 */
public final class InstancePool {

  /** A warming instance starts at this fraction of μ. */
  static final double WARMING_START = 0.3;

  enum State { BOOTING, WARMING, READY, DRAINING }

  /** One instance as tests and the time series see it. */
  record Instance(int id, State state, double capacityFraction) {}

  private static final class Member {
    final int id;
    final int launchedAt;
    int drainingFrom = -1;

    Member(int id, int launchedAt) {
      this.id = id;
      this.launchedAt = launchedAt;
    }
  }

  private final int boot;
  private final int warmup;
  private final int drain;
  private final int billingMinimum;
  private final List<Member> members = new ArrayList<>();
  private int nextId;
  private int step;
  private int ready;
  private int warming;
  private int booting;
  private int draining;
  private double supply;
  private long billingTopUpSeconds;

  /** {@code initial} instances, ready at second 0. */
  public InstancePool(SimulationConfig config, int initial) {
    this.boot = config.bootSeconds();
    this.warmup = config.warmupSeconds();
    this.drain = config.drainSeconds();
    this.billingMinimum = config.billingMinimumSeconds();
    for (int i = 0; i < initial; i++) {
      members.add(new Member(nextId++, -(boot + warmup)));
    }
    advance(0);
  }

  /** Moves to second {@code t}: removes instances whose draining is over and counts the rest by state. */
  public void advance(int t) {
    step = t;
    ready = warming = booting = draining = 0;
    supply = 0;
    int kept = 0;
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      if (m.drainingFrom >= 0 && t >= m.drainingFrom + drain) {
        bill(m, t);
        continue;
      }
      members.set(kept++, m);
      switch (state(m, t)) {
        case BOOTING -> booting++;
        case WARMING -> {
          warming++;
          supply += fraction(m, t);
        }
        case READY -> {
          ready++;
          supply += 1;
        }
        case DRAINING -> draining++;
      }
    }
    members.subList(kept, members.size()).clear();
  }

  /**
   * Sets the provisioned count (booting, warming and ready) to {@code desired}, decided at the end of the
   * current second: new instances boot from the next one, surplus ones are cancelled (booting) or drained.
   */
  public void resize(int desired) {
    int next = step + 1;
    int surplus = provisioned() - desired;
    for (int i = 0; i < -surplus; i++) {
      members.add(new Member(nextId++, next));
    }
    for (int i = members.size() - 1; i >= 0 && surplus > 0; i--) {
      Member m = members.get(i);
      if (m.drainingFrom < 0 && state(m, step) == State.BOOTING) {
        bill(m, next);
        members.remove(i);
        surplus--;
      }
    }
    for (int i = members.size() - 1; i >= 0 && surplus > 0; i--) {
      Member m = members.get(i);
      if (m.drainingFrom < 0) {
        m.drainingFrom = next;
        surplus--;
      }
    }
  }

  private State state(Member m, int t) {
    if (m.drainingFrom >= 0 && t >= m.drainingFrom) {
      return State.DRAINING;
    }
    int age = t - m.launchedAt;
    if (age < boot) {
      return State.BOOTING;
    }
    return age < boot + warmup ? State.WARMING : State.READY;
  }

  private double fraction(Member m, int t) {
    return switch (state(m, t)) {
      case BOOTING, DRAINING -> 0;
      case WARMING -> WARMING_START + (1 - WARMING_START) * (t - m.launchedAt - boot) / warmup;
      case READY -> 1;
    };
  }

  /** An instance leaves at {@code t}: it was billed every second so far; top it up to the billing minimum. */
  private void bill(Member m, int t) {
    billingTopUpSeconds += Math.max(0, billingMinimum - (t - Math.max(m.launchedAt, 0)));
  }

  /** s_t: ready instances plus warming ones weighted by their capacity fraction. */
  public double supply() {
    return supply;
  }

  int ready() {
    return ready;
  }

  int warming() {
    return warming;
  }

  int booting() {
    return booting;
  }

  int draining() {
    return draining;
  }

  /** Instances that serve now or will without a new decision: booting, warming and ready. */
  public int provisioned() {
    return ready + warming + booting;
  }

  /** Instances billed this second: all of them, draining ones included. */
  public int billed() {
    return members.size();
  }

  /** Seconds billed on top of usage because instances left before the billing minimum. */
  long billingTopUpSeconds() {
    return billingTopUpSeconds;
  }

  public InstanceCounts counts() {
    return new InstanceCounts(ready, warming, booting, draining);
  }

  /** Every instance at the current second, in id order. */
  List<Instance> instances() {
    return members.stream().map(m -> new Instance(m.id, state(m, step), fraction(m, step))).toList();
  }
}
