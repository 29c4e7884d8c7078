package io.ballast.controller.service;

import static io.ballast.controller.Observations.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.controller.ManualClock;
import io.ballast.controller.policy.Policies;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.Sample;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/**
 * Whatever samples arrive and however time moves, folding the events the entity recorded gives exactly the
 * state the live entity holds, and a restart (through snapshots) gets there too.
 */
class ServiceEntityProperties {

  private static final ActorTestKit testKit = ActorTestKit.create("ServiceEntityProperties", ServiceEntityTest.CONFIG);
  private static final EntitySettings SETTINGS = new EntitySettings(Duration.ofSeconds(5), Duration.ofSeconds(1),
      Duration.ofHours(1), List.of("critical", "sheddable"), 4, ServiceEntityTest.POLICY, Map.of());
  private static final ManualClock clock = new ManualClock(T0);
  private static final EventSourcedBehaviorTestKit<ServiceEntity.Command, ServiceEvent, ServiceState> kit =
      EventSourcedBehaviorTestKit.create(testKit.system(),
          ServiceEntity.create("folded", SETTINGS, new Policies(), clock, testKit.<ClusterSharding.ShardCommand>createTestProbe().ref()),
          EventSourcedBehaviorTestKit.disabledSerializationSettings());

  /** One thing that happens to the service: samples arrive, or time passes and windows close. */
  sealed interface Step {}

  record Arrive(List<Sample> samples) implements Step {}

  record Pass(int seconds) implements Step {}

  @AfterContainer
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Property(tries = 40)
  void foldingTheRecordedEventsReproducesTheLiveState(@ForAll("runs") List<Step> run) {
    clock.set(T0);
    kit.clear();
    for (Step step : run) {
      if (step instanceof Arrive a) {
        List<Sample> stamped = a.samples().stream().map(ServiceEntityProperties::stampedNearNow).toList();
        var reply = kit.<StatusReply<ServiceEntity.Recorded>>runCommand(
            replyTo -> new ServiceEntity.RecordSamples(stamped, replyTo)).reply();
        assertThat(reply.isSuccess()).isTrue();
      } else if (step instanceof Pass p) {
        clock.advance(Duration.ofSeconds(p.seconds()));
        kit.runCommand(ServiceEntity.Tick.INSTANCE);
      }
    }
    ServiceState live = kit.getState();

    ServiceState folded = ServiceState.initial();
    for (Object event : kit.persistenceTestKit().persistedInStorage("Service|folded")) {
      folded = folded.apply((ServiceEvent) event);
    }

    assertThat(folded).isEqualTo(live);
    assertThat(kit.restart().state()).isEqualTo(live);
  }

  /** Samples are generated with offsets in the past; this places them relative to the current time. */
  private static Sample stampedNearNow(Sample s) {
    return new Sample(clock.instant().minusSeconds(s.at().getEpochSecond()), s.periodSeconds(), s.priority(), s.source(),
        s.requests(), s.shed(), s.errors(), s.latencyP50Ms(), s.latencyP99Ms(), s.concurrency(), s.cpu(), s.instances());
  }

  @Provide
  Arbitrary<List<Step>> runs() {
    Arbitrary<Sample> sample = Combinators.combine(
            Arbitraries.integers().between(0, 9),
            Arbitraries.of("critical", "sheddable"),
            Arbitraries.of("lb-1", "lb-2"),
            Arbitraries.longs().between(0, 5000),
            Arbitraries.doubles().between(1, 500).injectNull(0.3),
            Arbitraries.integers().between(0, 40).map(n -> new InstanceCounts(n, n / 4, n / 8, 0)).injectNull(0.5))
        .as((ago, priority, source, requests, latency, instances) -> new Sample(
            java.time.Instant.ofEpochSecond(ago), 1, priority, source, requests, requests / 10, 0,
            latency, latency == null ? null : latency * 3, null, null, instances));
    Arbitrary<Step> arrive = sample.list().ofMinSize(1).ofMaxSize(6).map(Arrive::new);
    Arbitrary<Step> pass = Arbitraries.integers().between(1, 8).map(Pass::new);
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, arrive),
            net.jqwik.api.Tuple.of(2, pass))
        .list().ofMinSize(1).ofMaxSize(25);
  }
}
