package io.ballast.controller.bench;

import io.ballast.controller.policy.Evaluation;
import io.ballast.controller.policy.Policies;
import io.ballast.controller.replay.Replay;
import io.ballast.persistence.event.ClassLoad;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.PolicySet;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.policy.HpaPolicy;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How fast the replay fold runs on a day of history at 1-second windows, in memory (the journal read is not in
 * it): the history is recorded through {@link Evaluation} as the entity records it, with a daily load curve and
 * a surge, then folded and verified by {@link Replay}, and its windows decided again under another policy (the
 * decision part of a what-if). Run:
 *
 * <pre>mvn -q -B -pl controller test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.ballast.controller.bench.ReplayFoldBenchmark -Dexec.args="86400 5"</pre>
 */
public final class ReplayFoldBenchmark {

  private static final Instant T0 = Instant.parse("2026-11-27T00:00:00Z");

  public static void main(String[] args) {
    int windows = args.length > 0 ? Integer.parseInt(args[0]) : 86_400;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Policies policies = new Policies();
    List<ServiceEvent> history = record(T0, windows, policies, BallastPolicy.defaults());
    System.out.printf(Locale.ROOT, "history: %d windows, %d events%n", windows, history.size());
    for (int round = 1; round <= rounds; round++) {
      long t0 = System.nanoTime();
      Replay replay = new Replay(policies, null, T0.plusSeconds(windows - 3600L), null);
      for (int i = 0; i < history.size(); i++) {
        replay.add(i + 1, history.get(i).at().toEpochMilli(), history.get(i));
      }
      Replay.Result result = replay.result();
      double replaySeconds = (System.nanoTime() - t0) / 1e9;
      if (!result.reproduction().exact()) {
        throw new AssertionError("not reproduced: " + result.reproduction().differing().get(0));
      }
      long t1 = System.nanoTime();
      List<MetricsObserved> inputs = history.stream().filter(MetricsObserved.class::isInstance)
          .map(MetricsObserved.class::cast).toList();
      int changed = whatIf(inputs, policies, HpaPolicy.defaults(HpaPolicy.Metric.REQUESTS_PER_INSTANCE, 70));
      double whatIfSeconds = (System.nanoTime() - t1) / 1e9;
      System.out.printf(Locale.ROOT,
          "round %d: replay and verify %.2f s (%.0f events/s, %.0f windows/s); under hpa %.2f s (%.0f windows/s), "
              + "%d windows with another count%n",
          round, replaySeconds, history.size() / replaySeconds, windows / replaySeconds, whatIfSeconds,
          windows / whatIfSeconds, changed);
    }
  }

  /**
   * A day from {@code start} at 1-second windows, as the entity records it: a smooth daily curve between 300 and
   * 3,000 requests per second, and a fourfold surge for an hour.
   */
  static List<ServiceEvent> record(Instant start, int windows, Policies policies, PolicySettings policy) {
    List<ServiceEvent> events = new ArrayList<>(windows * 3);
    PolicySet set = new PolicySet(start, policy, null, PolicySet.FROM_CONFIG, null);
    events.add(set);
    ServiceState state = ServiceState.initial().apply(set);
    for (int i = 0; i < windows; i++) {
      MetricsObserved window = window(start, i, load(i), state.desiredInstances());
      for (ServiceEvent e : Evaluation.of(state, window, policies)) {
        events.add(e);
        state = state.apply(e);
      }
    }
    return events;
  }

  private static int whatIf(List<MetricsObserved> inputs, Policies policies, PolicySettings other) {
    ServiceState state = ServiceState.initial().apply(new PolicySet(T0, other, null, "what-if", null));
    int changed = 0;
    for (MetricsObserved recorded : inputs) {
      int before = state.desiredInstances();
      for (ServiceEvent e : Evaluation.of(state, recorded, policies)) {
        state = state.apply(e);
      }
      changed += state.desiredInstances() != before ? 1 : 0;
    }
    return changed;
  }

  private static double load(int second) {
    double day = 1650 - 1350 * Math.cos(2 * Math.PI * second / 86_400.0);
    return second >= 50_400 && second < 54_000 ? day * 4 : day;
  }

  private static MetricsObserved window(Instant day, int i, double rps, int instances) {
    Instant start = day.plus(Duration.ofSeconds(i));
    return new MetricsObserved(start, start.plusSeconds(1),
        List.of(new ClassLoad("critical", rps * 0.6, 0, 0, 20.0, 90.0),
            new ClassLoad("sheddable", rps * 0.4, 0, 0, 25.0, 120.0)),
        null, null, new InstanceCounts(Math.max(1, instances), 0, 0, 0), 20, 2);
  }
}
