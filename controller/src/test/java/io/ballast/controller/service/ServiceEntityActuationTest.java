package io.ballast.controller.service;

import static io.ballast.controller.Observations.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.controller.ManualClock;
import io.ballast.controller.TestPolicies;
import io.ballast.controller.actuation.ActuationSettings;
import io.ballast.controller.actuation.Actuator;
import io.ballast.controller.actuation.TargetState;
import io.ballast.controller.policy.Policies;
import io.ballast.persistence.event.CapacityChecked;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.Reason;
import io.ballast.persistence.event.Sample;
import io.ballast.persistence.event.ScaleApplied;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.state.ServiceState;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Decisions travel from the entity to its target, and what happened there comes back as events. */
class ServiceEntityActuationTest {

  private static final ActorTestKit testKit = ActorTestKit.create("ServiceEntityActuationTest",
      ServiceEntityTest.CONFIG);
  private static final PolicySettings POLICY = TestPolicies.tracking(1, 50, 100);

  private final ManualClock clock = new ManualClock(T0.plusSeconds(3));
  private final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
  private final PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** A cloud whose instances the test moves: writes set the count, new instances boot until told otherwise. */
  static final class Cloud implements Actuator {
    volatile int desired;
    volatile InstanceCounts instances;
    final List<Integer> writes = new CopyOnWriteArrayList<>();

    Cloud(int ready) {
      desired = ready;
      instances = new InstanceCounts(ready, 0, 0, 0);
    }

    @Override
    public CompletionStage<TargetState> read() {
      return CompletableFuture.completedFuture(new TargetState(desired, instances));
    }

    @Override
    public CompletionStage<TargetState> write(int count, String idempotencyKey) {
      writes.add(count);
      desired = count;
      instances = new InstanceCounts(instances.ready(), 0, Math.max(0, count - instances.ready()), 0);
      return read();
    }

    @Override
    public String describe() {
      return "test cloud";
    }

    void allReady() {
      instances = new InstanceCounts(desired, 0, 0, 0);
    }
  }

  private static EntitySettings settings() {
    return new EntitySettings(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofHours(1),
        List.of("critical", "sheddable"), 100, POLICY, Map.of(), actuation(false), Map.of("preview", actuation(true)));
  }

  private static ActuationSettings actuation(boolean dryRun) {
    return new ActuationSettings(
        new ActuationSettings.Webhook(URI.create("http://127.0.0.1:1/scale"), "0123456789abcdef", null), dryRun,
        100, 10, Duration.ofMillis(20), Duration.ofMillis(100), 5, Duration.ofSeconds(1), Duration.ofSeconds(30),
        Duration.ofMillis(100), Duration.ofSeconds(5));
  }

  private ActorRef<ServiceEntity.Command> entity(String id, Cloud cloud) {
    return testKit.spawn(ServiceEntity.create(id, settings(), new Policies(), clock, shard.ref(),
        (service, target) -> cloud, null));
  }

  /** Records a window of 1500 requests per second on 10 ready instances, and closes it. */
  private void overloadedWindow(ActorRef<ServiceEntity.Command> entity, int startSecond) {
    TestProbe<StatusReply<ServiceEntity.Recorded>> acks = testKit.createTestProbe();
    List<Sample> samples = new ArrayList<>();
    for (int s = 1; s <= 2; s++) {
      samples.add(ServiceEntityTest.sample(startSecond + s, 1500));
    }
    entity.tell(new ServiceEntity.RecordSamples(samples, acks.ref()));
    assertThat(acks.receiveMessage().isSuccess()).isTrue();
    clock.set(T0.plusSeconds(startSecond + 5 + 3));
    entity.tell(ServiceEntity.Tick.INSTANCE);
  }

  private List<Object> recorded(String id) {
    return journal.persistedInStorage("Service|" + id);
  }

  private <T> T awaitRecorded(String id, Class<T> type, java.util.function.Predicate<T> matching) {
    TestProbe<Object> waiter = testKit.createTestProbe();
    return waiter.awaitAssert(Duration.ofSeconds(5), () -> {
      T found = recorded(id).stream().filter(type::isInstance).map(type::cast).filter(matching)
          .reduce((a, b) -> b).orElse(null);
      assertThat(found).as("a recorded %s", type.getSimpleName()).isNotNull();
      return found;
    });
  }

  @Test
  void a_persisted_decision_is_written_to_the_target_and_the_write_is_recorded_after_it() {
    Cloud cloud = new Cloud(10);
    var entity = entity("checkout", cloud);

    overloadedWindow(entity, 0);

    ScaleApplied applied = awaitRecorded("checkout", ScaleApplied.class, a -> true);
    assertThat(applied.desired()).isEqualTo(15);
    assertThat(applied.target()).isEqualTo("test cloud");
    assertThat(cloud.writes).containsExactly(15);
    List<Object> events = recorded("checkout");
    int decided = indexOf(events, ScaleDecided.class);
    assertThat(decided).isLessThan(events.indexOf(applied));
    assertThat(((ScaleDecided) events.get(decided)).at()).isEqualTo(applied.decidedAt());
  }

  @Test
  void capacity_that_is_ready_in_time_is_confirmed() {
    Cloud cloud = new Cloud(10);
    var entity = entity("ready-in-time", cloud);
    overloadedWindow(entity, 0);
    awaitRecorded("ready-in-time", ScaleApplied.class, a -> true);

    cloud.allReady();
    TestProbe<Object> waiter = testKit.createTestProbe();
    waiter.awaitAssert(Duration.ofSeconds(5), () -> {
      entity.tell(ServiceEntity.Tick.INSTANCE);
      assertThat(recorded("ready-in-time")).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(
          CapacityChecked.class, c -> assertThat(c.confirmed()).isTrue()));
      return null;
    });
  }

  @Test
  void capacity_missing_at_the_deadline_is_recorded_short_and_the_next_decision_counts_from_what_is_ready() {
    Cloud cloud = new Cloud(10);
    var entity = entity("stuck", cloud);
    overloadedWindow(entity, 0);
    awaitRecorded("stuck", ScaleApplied.class, a -> true);

    clock.advance(Duration.ofSeconds(31));
    entity.tell(ServiceEntity.Tick.INSTANCE);
    CapacityChecked check = awaitRecorded("stuck", CapacityChecked.class, c -> true);
    assertThat(check.confirmed()).isFalse();
    assertThat(check.desired()).isEqualTo(15);

    TestProbe<ServiceState> state = testKit.createTestProbe();
    entity.tell(new ServiceEntity.GetState(state.ref()));
    ServiceState s = state.receiveMessage();
    assertThat(s.actuation().shortfall()).as("%s", s.actuation()).isEqualTo(5);

    overloadedWindow(entity, 40);
    ScaleDecided next = awaitRecorded("stuck", ScaleDecided.class, d -> d.at().equals(T0.plusSeconds(45)));
    assertThat(next.reason().limits()).contains(new Reason.Limit(Reason.Code.TARGET_SHORT, 10));
  }

  @Test
  void a_dry_run_records_decisions_and_writes_nothing() {
    Cloud cloud = new Cloud(10);
    var entity = entity("preview", cloud);

    overloadedWindow(entity, 0);
    awaitRecorded("preview", ScaleDecided.class, d -> d.to() == 15);

    TestProbe<Object> waiter = testKit.createTestProbe();
    waiter.expectNoMessage(Duration.ofMillis(300));
    assertThat(cloud.writes).isEmpty();
    assertThat(recorded("preview")).noneMatch(ScaleApplied.class::isInstance);
  }

  private static int indexOf(List<Object> events, Class<?> type) {
    for (int i = 0; i < events.size(); i++) {
      if (type.isInstance(events.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
