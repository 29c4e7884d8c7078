package io.ballast.controller.service;

import static io.ballast.controller.Observations.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ballast.controller.ManualClock;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.PolicySet;
import io.ballast.controller.TestPolicies;
import io.ballast.controller.metrics.NodeMetrics;
import io.ballast.controller.policy.Policies;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.event.Sample;
import io.ballast.persistence.event.SamplesRecorded;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.JournalOperation;
import org.apache.pekko.persistence.testkit.ProcessingResult;
import org.apache.pekko.persistence.testkit.ProcessingPolicy;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServiceEntityTest {

  static final Config CONFIG = EventSourcedBehaviorTestKit.config()
      .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
      .withFallback(ConfigFactory.load());
  private static final ActorTestKit testKit = ActorTestKit.create("ServiceEntityTest", CONFIG);

  static final PolicySettings POLICY = TestPolicies.tracking(1, 50, 100);
  static final EntitySettings SETTINGS = new EntitySettings(Duration.ofSeconds(5), Duration.ofSeconds(2),
      Duration.ofHours(1), List.of("critical", "sheddable"), 3, POLICY, Map.of());

  private final ManualClock clock = new ManualClock(T0.plusSeconds(3));
  private final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
  private EventSourcedBehaviorTestKit<ServiceEntity.Command, ServiceEvent, ServiceState> kit;

  @BeforeEach
  void start() {
    kit = kit(SETTINGS);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void samplesAreAcknowledgedOnceTheyAreRecorded() {
    var result = kit.<StatusReply<ServiceEntity.Recorded>>runCommand(
        replyTo -> new ServiceEntity.RecordSamples(List.of(sample(1, 900), sample(2, 1100)), replyTo));

    assertThat(result.reply().getValue()).isEqualTo(new ServiceEntity.Recorded(2, 0, 0));
    assertThat(result.events()).hasSize(2);
    assertThat(result.events().get(0)).isEqualTo(new PolicySet(clock.instant(), POLICY, null, "config"));
    assertThat(result.events().get(1)).isInstanceOfSatisfying(SamplesRecorded.class,
        e -> assertThat(e.samples()).hasSize(2));
    assertThat(result.state().samplesRecorded()).isEqualTo(2);
  }

  @Test
  void aRetriedBatchIsAcknowledgedWithoutBeingRecordedTwice() {
    record(sample(1, 900), sample(2, 1100));

    var retry = kit.<StatusReply<ServiceEntity.Recorded>>runCommand(
        replyTo -> new ServiceEntity.RecordSamples(List.of(sample(1, 900), sample(2, 1100)), replyTo));

    assertThat(retry.reply().getValue()).isEqualTo(new ServiceEntity.Recorded(0, 2, 0));
    assertThat(retry.hasNoEvents()).isTrue();
  }

  @Test
  void aTickClosesDueWindowsAndRecordsTheDecision() {
    record(sample(1, 1500), sample(2, 1500));
    assertThat(kit.runCommand(ServiceEntity.Tick.INSTANCE).hasNoEvents()).isTrue();

    clock.advance(Duration.ofSeconds(4));
    var closed = kit.runCommand(ServiceEntity.Tick.INSTANCE);

    assertThat(closed.events()).hasSize(2);
    assertThat(closed.events().get(0)).isInstanceOf(MetricsObserved.class);
    assertThat(closed.events().get(1)).isInstanceOfSatisfying(ScaleDecided.class, d -> assertThat(d.to()).isEqualTo(15));
    assertThat(closed.state().desiredInstances()).isEqualTo(15);
    assertThat(closed.state().openWindows()).isEmpty();
  }

  @Test
  void samplesForAClosedWindowAreLate() {
    record(sample(1, 100));
    clock.advance(Duration.ofSeconds(4));
    kit.runCommand(ServiceEntity.Tick.INSTANCE);

    var late = kit.<StatusReply<ServiceEntity.Recorded>>runCommand(
        replyTo -> new ServiceEntity.RecordSamples(List.of(sample(3, 100), sample(6, 100)), replyTo));

    assertThat(late.reply().getValue()).isEqualTo(new ServiceEntity.Recorded(1, 0, 1));
  }

  @Test
  void aRestartRebuildsTheSameStateThroughSnapshotsAndEvents() {
    for (int window = 0; window < 4; window++) {
      record(sample(window * 5 + 1, 1000 + window * 700L), sample(window * 5 + 2, 1000 + window * 700L));
      clock.advance(Duration.ofSeconds(5));
      kit.runCommand(ServiceEntity.Tick.INSTANCE);
    }
    record(sample(21, 10));
    ServiceState live = kit.getState();

    var restarted = kit.restart();

    assertThat(restarted.state()).isEqualTo(live);
    assertThat(live.recentDecisions()).isNotEmpty();
    assertThat(live.openWindows()).hasSize(1);
  }

  @Test
  void askingAboutAServiceThatNeverRecordedAnythingPassivatesIt() {
    var result = kit.<ServiceState>runCommand(ServiceEntity.GetState::new);

    assertThat(result.reply().isEmpty()).isTrue();
    assertThat(result.hasNoEvents()).isTrue();
    shard.expectMessageClass(ClusterSharding.Passivate.class);
  }

  @Test
  void aChangedConfiguredPolicyIsRecordedWhenTheServiceRecovers() {
    var changed = TestPolicies.tracking(2, 30, 200);
    var kitWithNewPolicy = kit(new EntitySettings(SETTINGS.window(), SETTINGS.grace(), SETTINGS.tickInterval(),
        SETTINGS.priorityClasses(), SETTINGS.snapshotEvery(), changed, Map.of()));
    kitWithNewPolicy.initialize(new PolicySet(T0, POLICY, null, PolicySet.FROM_CONFIG));

    ServiceState state = kitWithNewPolicy.<ServiceState>runCommand(ServiceEntity.GetState::new).reply();

    assertThat(state.policy()).isEqualTo(changed);
    assertThat(kitWithNewPolicy.persistenceTestKit().persistedInStorage("Service|checkout"))
        .last().isInstanceOfSatisfying(PolicySet.class, p -> assertThat(p.previous()).isEqualTo(POLICY));
  }

  @Test
  void batchesArrivingDuringAWriteAreGroupCommittedInOneEvent() throws Exception {
    var persistence = PersistenceTestKit.create(testKit.system());
    var started = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    persistence.withPolicy(new ProcessingPolicy<>() {
      @Override
      public ProcessingResult tryProcess(String persistenceId, JournalOperation op) {
        if (op instanceof WriteEvents && persistenceId.equals("Service|grouped")) {
          started.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return ProcessingSuccess.getInstance();
      }
    });
    try {
      ActorRef<ServiceEntity.Command> entity = testKit.spawn(
          ServiceEntity.create("grouped", SETTINGS, new Policies(), clock, shard.ref()));
      List<TestProbe<StatusReply<ServiceEntity.Recorded>>> probes =
          List.of(testKit.createTestProbe(), testKit.createTestProbe(), testKit.createTestProbe(), testKit.createTestProbe());

      entity.tell(new ServiceEntity.RecordSamples(List.of(sample(1, 10)), probes.get(0).ref()));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      for (int i = 1; i < probes.size(); i++) {
        entity.tell(new ServiceEntity.RecordSamples(List.of(sample(1 + i, 10)), probes.get(i).ref()));
      }
      probes.get(1).expectNoMessage(Duration.ofMillis(100));
      release.countDown();

      for (var probe : probes) {
        assertThat(probe.receiveMessage().getValue().accepted()).isEqualTo(1);
      }
      List<Object> journal = persistence.persistedInStorage("Service|grouped");
      assertThat(journal).filteredOn(SamplesRecorded.class::isInstance)
          .map(e -> ((SamplesRecorded) e).samples().size())
          .containsExactly(1, 3);
    } finally {
      persistence.resetPolicy();
      release.countDown();
    }
  }

  @Test
  void aFailedWriteAnswersWithAnErrorInsteadOfAnAcknowledgement() {
    var persistence = PersistenceTestKit.create(testKit.system());
    ActorRef<ServiceEntity.Command> entity =
        testKit.spawn(ServiceEntity.create("failing", SETTINGS, new Policies(), clock, shard.ref()));
    TestProbe<StatusReply<ServiceEntity.Recorded>> probe = testKit.createTestProbe();
    persistence.failNextPersisted("Service|failing");

    entity.tell(new ServiceEntity.RecordSamples(List.of(sample(1, 10)), probe.ref()));

    assertThat(probe.receiveMessage().isError()).isTrue();
    probe.expectTerminated(entity);
  }

  @Test
  void aHandedOffServiceWritesWhatItBufferedThenStopsAndWakesAtItsNewHome() throws Exception {
    CountDownLatch woken = new CountDownLatch(1);
    ActorRef<ServiceEntity.Command> entity = testKit.spawn(ServiceEntity.create("handed-off", SETTINGS,
        new Policies(), clock, shard.ref(), (service, target) -> null, null, woken::countDown, NodeMetrics.unscraped()));
    TestProbe<StatusReply<ServiceEntity.Recorded>> acks = testKit.createTestProbe();

    entity.tell(new ServiceEntity.RecordSamples(List.of(sample(1, 700)), acks.ref()));
    entity.tell(ServiceEntity.HandOff.INSTANCE);

    assertThat(acks.receiveMessage().getValue()).isEqualTo(new ServiceEntity.Recorded(1, 0, 0));
    acks.expectTerminated(entity);
    assertThat(woken.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(PersistenceTestKit.create(testKit.system())
        .persistedInStorage(ServiceEntity.persistenceId("handed-off").id()))
        .anySatisfy(e -> assertThat(e).isInstanceOf(SamplesRecorded.class));
  }

  private EventSourcedBehaviorTestKit<ServiceEntity.Command, ServiceEvent, ServiceState> kit(EntitySettings settings) {
    return EventSourcedBehaviorTestKit.create(testKit.system(),
        ServiceEntity.create("checkout", settings, new Policies(), clock, shard.ref()),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  private void record(Sample... samples) {
    var result = kit.<StatusReply<ServiceEntity.Recorded>>runCommand(
        replyTo -> new ServiceEntity.RecordSamples(List.of(samples), replyTo));
    assertThat(result.reply().isSuccess()).isTrue();
  }

  /** A one-second critical sample ending {@code second} seconds after T0, with 10 ready instances. */
  static Sample sample(int second, long requests) {
    return new Sample(T0.plusSeconds(second), 1, "critical", "lb-1", requests, 0, 0, 10.0, 50.0, 5.0, 0.5,
        new InstanceCounts(10, 0, 0, 0));
  }
}
