package io.ballast.controller.service;

import io.ballast.controller.actuation.ActuationDriver;
import io.ballast.controller.actuation.ActuationSettings;
import io.ballast.controller.actuation.Actuators;
import io.ballast.controller.policy.Policy;
import io.ballast.controller.shedding.AdmissionSnapshot;
import io.ballast.controller.shedding.SheddingSettings;
import io.ballast.controller.shedding.ShedEnforcementDriver;
import io.ballast.controller.metrics.NodeMetrics;
import io.ballast.controller.policy.Overrides;
import io.ballast.persistence.event.CapacityChecked;
import io.ballast.persistence.event.OverrideCancelled;
import io.ballast.persistence.event.OverrideExpired;
import io.ballast.persistence.event.OverrideSet;
import io.ballast.persistence.event.ServiceOverride;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.CborSerializable;
import io.ballast.persistence.event.PolicySet;
import io.ballast.persistence.policy.PolicySettings;
import io.ballast.persistence.event.Sample;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.journal.ServiceTags;
import io.ballast.persistence.state.ServiceState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One service's scaling state, event sourced and sharded by service id.
 *
 * <p>Ingest is group-committed: samples that arrive while a write is in flight are buffered and written
 * together as soon as it completes, so under load one journal round trip acknowledges many batches. A
 * batch is acknowledged only after its samples are persisted. A timer closes observation windows; each
 * closed window is decided by the {@link Policy} and the decision is persisted with its reason before
 * anything else happens.
 *
 * <p>Actuation. A service with a target has an {@link ActuationDriver} child that carries each persisted
 * decision's count to the target. What happened (written, failed, the circuit opened, the instances the target
 * reports) comes back here as events and is persisted like everything else; so is the check that a written
 * count became ready capacity within its deadline.
 */
public final class ServiceEntity
    extends EventSourcedBehaviorWithEnforcedReplies<ServiceEntity.Command, ServiceEvent, ServiceState> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Service");

  public sealed interface Command extends CborSerializable {}

  /** Record these samples, all of this service; the reply comes once they are durable. */
  public record RecordSamples(List<Sample> samples, ActorRef<StatusReply<Recorded>> replyTo) implements Command {}

  /** Reply with the current state; a service that never recorded anything replies an empty state. */
  public record GetState(ActorRef<ServiceState> replyTo) implements Command {}

  /** Writes the buffered samples: sent to itself when the first sample of a group arrives. */
  enum Flush implements Command { INSTANCE }

  /** Closes due windows: sent by the entity's timer. */
  enum Tick implements Command { INSTANCE }

  /** Records the configured policy when it differs from the one in force. */
  enum ApplyConfiguredPolicy implements Command { INSTANCE }

  /** Reply with the admission in force, and the sequence number it was decided at. */
  public record GetAdmission(ActorRef<AdmissionSnapshot> replyTo) implements Command {}

  /** Set an operator's override; the reply is the override as recorded, or an error for a service unknown. */
  public record SetOverride(ServiceOverride override, ActorRef<StatusReply<ServiceOverride>> replyTo)
      implements Command {}

  /** End an override before its expiry; the reply is the override cancelled, or an error if none is in force. */
  public record CancelOverride(String id, String cancelledBy, String reason,
      ActorRef<StatusReply<ServiceOverride>> replyTo) implements Command {}

  /** Replace the policy at run time; the reply is the change as recorded. */
  public record SetPolicy(PolicySettings settings, String setBy, String reason,
      ActorRef<StatusReply<PolicySet>> replyTo) implements Command {}

  /** Reply with the current state and the node the service runs on. */
  public record GetHosted(ActorRef<Hosted> replyTo) implements Command {}

  /** A service's state as its entity holds it, and where it runs ({@code host:port} of the node's remoting). */
  public record Hosted(ServiceState state, String node) implements CborSerializable {}

  /** Start if not running, so that its timer runs (overrides expire, metric outages are decided). */
  public enum Wake implements Command { INSTANCE }

  /**
   * The shard moves to another node (a rebalance, or this node leaving): write what is buffered, acknowledge it,
   * stop, and wake the service at its new home. Sharding sends this instead of stopping the entity outright.
   */
  public enum HandOff implements Command { INSTANCE }

  /** Persist what the actuation driver reports. */
  record RecordActuation(ServiceEvent event) implements Command {}

  /** What happened to one batch: how many samples were recorded, already recorded, or too late. */
  public record Recorded(int accepted, int duplicates, int late) implements CborSerializable {}

  public static void init(ActorSystem<?> system, EntitySettings settings, Policy<PolicySettings> policy, Clock clock,
      Actuators actuators, ActorRef<Topic.Command<AdmissionSnapshot>> admissions, NodeMetrics metrics) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(Entity.of(ENTITY_KEY, ctx ->
            create(ctx.getEntityId(), settings, policy, clock, ctx.getShard(), actuators, admissions,
                () -> wakeAtNewHome(system, sharding, ctx.getEntityId()), metrics))
        .withStopMessage(HandOff.INSTANCE));
  }

  /**
   * Wakes a handed-off service so that it starts at once at its new home. Not when this node is shutting down and
   * is the cluster's only member: there is no new home, and the wake would wait in the region's buffer until its
   * graceful shutdown gave up.
   */
  private static void wakeAtNewHome(ActorSystem<?> system, ClusterSharding sharding, String serviceId) {
    Cluster cluster = Cluster.get(system);
    boolean others = StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
        .anyMatch(m -> !m.equals(cluster.selfMember()) && m.status().equals(MemberStatus.up()));
    if (others || CoordinatedShutdown.get(system).getShutdownReason().isEmpty()) {
      sharding.entityRefFor(ENTITY_KEY, serviceId).tell(Wake.INSTANCE);
    }
  }

  /** An entity whose settings have no actuation target. */
  public static Behavior<Command> create(
      String serviceId, EntitySettings settings, Policy<PolicySettings> policy, Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return create(serviceId, settings, policy, clock, shard, (service, target) -> {
      throw new IllegalStateException("no actuators here: " + target);
    }, null);
  }

  /**
   * @param admissions where the admission is published after every decision; {@code null}: nowhere
   */
  public static Behavior<Command> create(
      String serviceId, EntitySettings settings, Policy<PolicySettings> policy, Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard, Actuators actuators,
      ActorRef<Topic.Command<AdmissionSnapshot>> admissions) {
    return create(serviceId, settings, policy, clock, shard, actuators, admissions, () -> {},
        NodeMetrics.unscraped());
  }

  /**
   * @param wakeAtNewHome run once a handed-off entity has stopped: starts the service wherever its shard went
   * @param metrics where what the entity records is counted, for the node's {@code /metrics}
   */
  static Behavior<Command> create(
      String serviceId, EntitySettings settings, Policy<PolicySettings> policy, Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard, Actuators actuators,
      ActorRef<Topic.Command<AdmissionSnapshot>> admissions, Runnable wakeAtNewHome, NodeMetrics metrics) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tickInterval());
      return new ServiceEntity(serviceId, settings, policy, clock, shard, actuators, admissions, wakeAtNewHome,
          metrics, ctx);
    }));
  }

  public static PersistenceId persistenceId(String serviceId) {
    return PersistenceId.of(ENTITY_KEY.name(), serviceId);
  }

  private final String serviceId;
  private final EntitySettings settings;
  private final PolicySettings configuredPolicy;
  private final Policy<PolicySettings> policy;
  private final Clock clock;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final ActorContext<Command> context;
  private final Runnable wakeAtNewHome;
  private final NodeMetrics metrics;
  /** This node's remoting address as host:port, for {@link Hosted}. */
  private final String node;
  private final ActuationSettings actuation;
  private final Actuators actuators;
  /** Spawned with the first count to carry, so a service that only answers a query never calls its target. */
  private ActorRef<ActuationDriver.Command> driver;
  private final ActorRef<Topic.Command<AdmissionSnapshot>> admissions;
  private final SheddingSettings.HaproxyTarget haproxy;
  /** Spawned with the first admission to deliver. */
  private ActorRef<ShedEnforcementDriver.Command> enforcement;

  // Group commit: batches waiting for the next write, and those whose write is under way. Neither is
  // acknowledged yet; if the entity stops, both are answered with an error.
  private final List<RecordSamples> buffered = new ArrayList<>();
  private List<RecordSamples> writing = List.of();

  private ServiceEntity(
      String serviceId, EntitySettings settings, Policy<PolicySettings> policy, Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard, Actuators actuators,
      ActorRef<Topic.Command<AdmissionSnapshot>> admissions, Runnable wakeAtNewHome, NodeMetrics metrics,
      ActorContext<Command> context) {
    super(persistenceId(serviceId));
    this.metrics = metrics;
    this.wakeAtNewHome = wakeAtNewHome;
    this.admissions = admissions;
    this.haproxy = settings.shedding().haproxy().get(serviceId);
    this.actuation = settings.actuationFor(serviceId);
    this.actuators = actuators;
    this.serviceId = serviceId;
    this.settings = settings;
    this.configuredPolicy = settings.policyFor(serviceId);
    this.policy = policy;
    this.clock = clock;
    this.shard = shard;
    this.context = context;
    var address = context.getSystem().address();
    this.node = address.getHost().orElse("local") + address.getPort().map(port -> ":" + port).orElse("");
  }

  @Override
  public ServiceState emptyState() {
    return ServiceState.initial();
  }

  @Override
  public CommandHandlerWithReply<Command, ServiceEvent, ServiceState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(RecordSamples.class, this::onRecordSamples)
        .onCommand(Flush.class, (state, cmd) -> onFlush(state))
        .onCommand(Tick.class, (state, cmd) -> onTick(state))
        .onCommand(GetState.class, this::onGetState)
        .onCommand(GetHosted.class, this::onGetHosted)
        .onCommand(HandOff.class, (state, cmd) -> onHandOff(state))
        .onCommand(GetAdmission.class, this::onGetAdmission)
        .onCommand(ApplyConfiguredPolicy.class, (state, cmd) -> onApplyConfiguredPolicy(state))
        .onCommand(RecordActuation.class, (state, cmd) -> Effect().persist(cmd.event())
            .thenRun(after -> metrics.recorded(serviceId, List.of(cmd.event()), after, clock.instant()))
            .thenNoReply())
        .onCommand(Wake.class, (state, cmd) -> Effect().noReply())
        .onCommand(SetOverride.class, this::onSetOverride)
        .onCommand(CancelOverride.class, this::onCancelOverride)
        .onCommand(SetPolicy.class, this::onSetPolicy)
        .build();
  }

  @Override
  public EventHandler<ServiceState, ServiceEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(ServiceState::apply);
  }

  @Override
  public SignalHandler<ServiceState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          if (!state.isEmpty() && PolicySet.FROM_CONFIG.equals(state.policySetBy())
              && !configuredPolicy.equals(state.policy())) {
            context.getSelf().tell(ApplyConfiguredPolicy.INSTANCE);
          }
          // After a restart or a move to another node the target gets the count in force (if it lacks it), and
          // the enforcement point the admission in force.
          carry(state);
          admit(state);
          metrics.hosting(serviceId, state);
        })
        .onSignal(PostStop.instance(), state -> {
          failPending();
          metrics.stoppedHosting(serviceId);
        })
        .build();
  }

  @Override
  public Set<String> tagsFor(ServiceEvent event) {
    return ServiceTags.forService(serviceId);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  private ReplyEffect<ServiceEvent, ServiceState> onRecordSamples(ServiceState state, RecordSamples cmd) {
    if (buffered.isEmpty()) {
      context.getSelf().tell(Flush.INSTANCE);
    }
    buffered.add(cmd);
    return Effect().noReply();
  }

  private ReplyEffect<ServiceEvent, ServiceState> onFlush(ServiceState state) {
    return flush(state).thenNoReply();
  }

  /**
   * Writes what is buffered, acknowledges it, then stops. Once the hand-off has begun the shard region holds new
   * messages for the shard and delivers them at its new home; a batch that still reached this entity after the
   * hand-off began is never acknowledged here (its ask fails), so the client retries it. The wake goes the same way
   * as those messages, so the service starts at its new home and keeps deciding without waiting for metrics or
   * the {@link ServiceKeeper}.
   */
  private ReplyEffect<ServiceEvent, ServiceState> onHandOff(ServiceState state) {
    return flush(state)
        .thenRun(after -> wakeAtNewHome.run())
        .thenStop()
        .thenNoReply();
  }

  /** Persists the buffered batches as one write; each is acknowledged once it is durable. */
  private EffectBuilder<ServiceEvent, ServiceState> flush(ServiceState state) {
    List<RecordSamples> group = List.copyOf(buffered);
    buffered.clear();
    if (group.isEmpty()) {
      return Effect().none();
    }
    var now = clock.instant();
    var plan = SampleIntake.plan(
        state, group.stream().map(RecordSamples::samples).toList(), settings.window(), now);
    List<ServiceEvent> events = new ArrayList<>(plan.events());
    if (events.isEmpty()) {
      acknowledge(group, plan.outcomes());
      return Effect().none();
    }
    if (state.policy() == null) {
      events.add(0, new PolicySet(now, configuredPolicy, null, PolicySet.FROM_CONFIG));
    }
    writing = group;
    long started = System.nanoTime();
    return Effect().persist(events)
        .thenRun(after -> {
          writing = List.of();
          acknowledge(group, plan.outcomes());
          metrics.journalWrite(java.time.Duration.ofNanos(System.nanoTime() - started));
          metrics.recorded(serviceId, events, after, clock.instant());
        });
  }

  private ReplyEffect<ServiceEvent, ServiceState> onTick(ServiceState state) {
    var now = clock.instant();
    List<ServiceEvent> events = new ArrayList<>();
    ServiceState checked = state;
    // Expiries first: they are recorded whether anyone looks or not, and a window decided in this tick no longer
    // sees them.
    for (ServiceOverride o : state.overrides()) {
      if (!now.isBefore(o.expiresAt())) {
        OverrideExpired expired = new OverrideExpired(now, o.id());
        events.add(expired);
        checked = checked.apply(expired);
      }
    }
    CapacityChecked check = Confirmation.check(checked, now, actuation.confirmWithin());
    if (check != null) {
      // First, so that a window decided in this tick already knows what the target could not provide.
      events.add(check);
      checked = checked.apply(check);
    }
    events.addAll(WindowClosing.close(
        checked, now, settings.window(), settings.grace(), settings.priorityClasses(), policy));
    if (events.isEmpty()) {
      return Effect().noReply();
    }
    boolean decided = events.stream().anyMatch(e -> e instanceof ScaleDecided);
    boolean expired = events.stream().anyMatch(e -> e instanceof OverrideExpired);
    return Effect().persist(events)
        .thenRun(after -> {
          metrics.recorded(serviceId, events, after, clock.instant());
          if (decided || expired) {
            carry(after);
          }
          if (decided) {
            admit(after);
          }
        })
        .thenNoReply();
  }

  /** Hands the count in force to the actuation driver: it writes it unless the target has it already. */
  private void carry(ServiceState state) {
    if (actuation.target() == null || state.lastDecision().isEmpty()) {
      return;
    }
    if (driver == null) {
      ActorRef<ServiceEvent> outcomes = context.messageAdapter(ServiceEvent.class, RecordActuation::new);
      driver = context.spawn(ActuationDriver.create(serviceId, actuators.create(serviceId, actuation.target()), actuation,
          outcomes, clock, new Random()), "actuator");
    }
    driver.tell(new ActuationDriver.Paused(Overrides.paused(state, clock.instant())));
    driver.tell(new ActuationDriver.Desired(state.desiredInstances(), state.lastDecision().get().at()));
  }

  private ReplyEffect<ServiceEvent, ServiceState> onGetState(ServiceState state, GetState cmd) {
    passivateIfUnknown(state);
    return Effect().reply(cmd.replyTo(), state);
  }

  private ReplyEffect<ServiceEvent, ServiceState> onGetHosted(ServiceState state, GetHosted cmd) {
    passivateIfUnknown(state);
    return Effect().reply(cmd.replyTo(), new Hosted(state, node));
  }

  /** Someone asked about a service that does not exist: answer, and do not linger. */
  private void passivateIfUnknown(ServiceState state) {
    if (state.isEmpty() && buffered.isEmpty() && writing.isEmpty()) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
  }

  private ReplyEffect<ServiceEvent, ServiceState> onSetOverride(ServiceState state, SetOverride cmd) {
    if (state.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(unknown()));
    }
    return Effect().persist(new OverrideSet(clock.instant(), cmd.override()))
        .thenRun(this::carry)
        .thenRun(after -> metrics.hosting(serviceId, after))
        .thenReply(cmd.replyTo(), after -> StatusReply.success(cmd.override()));
  }

  private ReplyEffect<ServiceEvent, ServiceState> onCancelOverride(ServiceState state, CancelOverride cmd) {
    var override = state.override(cmd.id());
    if (override.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(state.isEmpty() ? unknown()
          : "no override '" + cmd.id() + "' is in force on " + serviceId));
    }
    return Effect().persist(new OverrideCancelled(clock.instant(), cmd.id(), cmd.cancelledBy(), cmd.reason()))
        .thenRun(this::carry)
        .thenRun(after -> metrics.hosting(serviceId, after))
        .thenReply(cmd.replyTo(), after -> StatusReply.success(override.get()));
  }

  private ReplyEffect<ServiceEvent, ServiceState> onSetPolicy(ServiceState state, SetPolicy cmd) {
    if (state.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(unknown()));
    }
    PolicySet set = new PolicySet(clock.instant(), cmd.settings(), state.policy(), cmd.setBy(), cmd.reason());
    return Effect().persist(set).thenReply(cmd.replyTo(), after -> StatusReply.success(set));
  }

  private String unknown() {
    return "no service '" + serviceId + "' has recorded anything";
  }

  private ReplyEffect<ServiceEvent, ServiceState> onGetAdmission(ServiceState state, GetAdmission cmd) {
    passivateIfUnknown(state);
    return Effect().reply(cmd.replyTo(), AdmissionSnapshot.of(serviceId, lastSequenceNumber(context), state));
  }

  /** Publishes the admission in force and hands it to the enforcement point, if the service has one. */
  private void admit(ServiceState state) {
    if (state.lastDecision().isEmpty()) {
      return;
    }
    AdmissionSnapshot snapshot = AdmissionSnapshot.of(serviceId, lastSequenceNumber(context), state);
    if (admissions != null) {
      admissions.tell(Topic.publish(snapshot));
    }
    if (haproxy != null) {
      if (enforcement == null) {
        ActorRef<ServiceEvent> outcomes = context.messageAdapter(ServiceEvent.class, RecordActuation::new);
        enforcement = context.spawn(ShedEnforcementDriver.create(haproxy, settings.priorityClasses(),
            settings.shedding(), outcomes, clock), "enforcement");
      }
      enforcement.tell(new ShedEnforcementDriver.Apply(snapshot));
    }
  }

  private ReplyEffect<ServiceEvent, ServiceState> onApplyConfiguredPolicy(ServiceState state) {
    if (configuredPolicy.equals(state.policy())) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new PolicySet(clock.instant(), configuredPolicy, state.policy(), PolicySet.FROM_CONFIG))
        .thenNoReply();
  }

  private static void acknowledge(List<RecordSamples> group, List<SampleIntake.Outcome> outcomes) {
    for (int i = 0; i < group.size(); i++) {
      var o = outcomes.get(i);
      group.get(i).replyTo().tell(StatusReply.success(new Recorded(o.accepted(), o.duplicates(), o.late())));
    }
  }

  private void failPending() {
    for (RecordSamples cmd : writing) {
      cmd.replyTo().tell(StatusReply.error("the journal write did not complete; the samples were not acknowledged"));
    }
    for (RecordSamples cmd : buffered) {
      cmd.replyTo().tell(StatusReply.error("the service entity stopped before the samples were written"));
    }
    writing = List.of();
    buffered.clear();
  }
}
