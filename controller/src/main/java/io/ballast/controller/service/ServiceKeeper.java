package io.ballast.controller.service;

import io.ballast.persistence.journal.HistoryReader;
import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Keeps every recorded service running, so that its timer keeps deciding even when no metrics arrive for it:
 * after a restart, or once its shard moved to another node, an override still expires on time and a metric outage
 * is still decided. At start and then every {@code interval}, it wakes each service the journal knows. One runs
 * per cluster.
 */
public final class ServiceKeeper {

  private ServiceKeeper() {}

  private enum Round { INSTANCE }

  public static Behavior<Object> create(HistoryReader history, Duration interval) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
      timers.startTimerWithFixedDelay(Round.INSTANCE, Round.INSTANCE, Duration.ZERO, interval);
      return Behaviors.receiveMessage(message -> {
        history.entityIds(ServiceEntity.ENTITY_KEY.name()).whenComplete((ids, error) -> {
          if (error != null) {
            ctx.getSystem().log().warn("cannot list the services to keep them running: {}", error.toString());
            return;
          }
          for (String id : ids) {
            sharding.entityRefFor(ServiceEntity.ENTITY_KEY, id).tell(ServiceEntity.Wake.INSTANCE);
          }
        });
        return Behaviors.same();
      });
    }));
  }
}
