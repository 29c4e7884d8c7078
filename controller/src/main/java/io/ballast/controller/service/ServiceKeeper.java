package io.ballast.controller.service;

import io.ballast.persistence.journal.HistoryReader;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Keeps every recorded service running, so that its timer keeps deciding even when no metrics arrive for it:
 * after a restart, or once its shard moved to another node, an override still expires on time and a metric outage
 * is still decided. One runs per cluster (a cluster singleton).
 *
 * <p>A round wakes each service the journal knows; sharding starts the ones not running, wherever their shard
 * lives now. Rounds run every {@code interval}, and in a burst (every {@code burstEvery}, {@code burstRounds}
 * times) when the keeper starts and whenever a member joins, leaves or is removed: that is when shards move, and
 * a moved service should not wait a whole interval to decide again. Waking a running service costs one message.
 *
 * <p>Once this node is shutting down, the keeper wakes nothing: its shards are being handed off, a wake would only
 * wait in the region's buffer and hold up its graceful shutdown, and the keeper's next home wakes them all anyway
 * when it sees this node leave.
 */
public final class ServiceKeeper {

  private ServiceKeeper() {}

  private enum Round { INSTANCE }

  private enum Burst { INSTANCE }

  /** Burst rounds still to run, and whether a round is still listing the services (then the next is skipped). */
  private static final class State {
    int burstLeft;
    final AtomicBoolean listing = new AtomicBoolean();
  }

  public static Behavior<Object> create(HistoryReader history, Duration interval) {
    return create(history, interval, Duration.ofSeconds(1), 20);
  }

  public static Behavior<Object> create(HistoryReader history, Duration interval, Duration burstEvery,
      int burstRounds) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
      Cluster.get(ctx.getSystem()).subscriptions().tell(
          new Subscribe<>(ctx.getSelf().narrow(), ClusterEvent.MemberEvent.class));
      timers.startTimerWithFixedDelay(Round.INSTANCE, Round.INSTANCE, interval, interval);
      State state = new State();
      startBurst(state, timers, burstEvery, burstRounds);
      return Behaviors.receiveMessage(message -> {
        if (message instanceof ClusterEvent.MemberUp || message instanceof ClusterEvent.MemberLeft
            || message instanceof ClusterEvent.MemberExited || message instanceof ClusterEvent.MemberRemoved) {
          ctx.getLog().info("membership changed ({}): waking every service for the next {} s",
              message.getClass().getSimpleName(), burstEvery.multipliedBy(burstRounds).toSeconds());
          startBurst(state, timers, burstEvery, burstRounds);
        } else if (message == Burst.INSTANCE) {
          wakeAll(ctx, state, history, sharding);
          if (--state.burstLeft <= 0) {
            timers.cancel(Burst.INSTANCE);
          }
        } else if (message == Round.INSTANCE) {
          wakeAll(ctx, state, history, sharding);
        }
        return Behaviors.same();
      });
    }));
  }

  private static void startBurst(State state, TimerScheduler<Object> timers, Duration every, int rounds) {
    state.burstLeft = rounds;
    timers.startTimerWithFixedDelay(Burst.INSTANCE, Burst.INSTANCE, Duration.ZERO, every);
  }

  private static void wakeAll(ActorContext<Object> ctx, State state, HistoryReader history,
      ClusterSharding sharding) {
    if (CoordinatedShutdown.get(ctx.getSystem()).getShutdownReason().isPresent()) {
      return;
    }
    if (!state.listing.compareAndSet(false, true)) {
      return;
    }
    history.entityIds(ServiceEntity.ENTITY_KEY.name()).whenComplete((ids, error) -> {
      state.listing.set(false);
      if (error != null) {
        ctx.getSystem().log().warn("cannot list the services to keep them running: {}", error.toString());
        return;
      }
      for (String id : ids) {
        sharding.entityRefFor(ServiceEntity.ENTITY_KEY, id).tell(ServiceEntity.Wake.INSTANCE);
      }
    });
  }
}
