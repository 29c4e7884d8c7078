package io.ballast.controller.shedding;

import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.event.ShedDelivered;
import io.ballast.persistence.event.ShedDeliveryFailed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Keeps one service's shed levels in an HAProxy map: {@code <prefix>/<priority>} holds the percentage to shed,
 * {@code <prefix>/retry-after} the hint for rejected clients, {@code <prefix>/valid-until} the epoch second after
 * which HAProxy stops shedding on its own (the admission's time to live, so that a controller that is gone
 * cannot leave traffic shed).
 *
 * <ul>
 *   <li>Latest wins: one write at a time; what is decided meanwhile is written next, superseding the rest.
 *   <li>Idempotent: entries HAProxy already holds are not written again.
 *   <li>The map is read back every {@code verify-every}; entries that differ (HAProxy restarted and lost its
 *       runtime changes, someone edited them) are rewritten.
 *   <li>A failure is an event when delivery starts failing or its reason changes, then retried with backoff;
 *       the admission API keeps serving the decision meanwhile. The next delivery is an event too.
 * </ul>
 */
public final class ShedEnforcementDriver extends AbstractBehavior<ShedEnforcementDriver.Command> {

  public sealed interface Command {}

  /** The service's admission as just decided. */
  public record Apply(AdmissionSnapshot snapshot) implements Command {}

  private record Written(Map<String, String> entries, AdmissionSnapshot snapshot) implements Command {}

  private record WriteFailed(Throwable error) implements Command {}

  private record Verified(Map<String, String> held) implements Command {}

  private record VerifyFailed(Throwable error) implements Command {}

  private enum Retry implements Command { INSTANCE }

  private enum Verify implements Command { INSTANCE }

  private static final Duration BACKOFF_MIN = Duration.ofMillis(500);
  private static final Duration BACKOFF_MAX = Duration.ofSeconds(30);

  public static Behavior<Command> create(SheddingSettings.HaproxyTarget target, List<String> priorityClasses,
      SheddingSettings settings, ActorRef<ServiceEvent> outcomes, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ShedEnforcementDriver(ctx, timers, target,
        new HaproxyRuntime(target.address(), target.timeout()), priorityClasses, settings, outcomes, clock)));
  }

  private final TimerScheduler<Command> timers;
  private final SheddingSettings.HaproxyTarget target;
  private final HaproxyRuntime runtime;
  private final List<String> priorityClasses;
  private final SheddingSettings settings;
  private final ActorRef<ServiceEvent> outcomes;
  private final Clock clock;

  private AdmissionSnapshot latest;
  private Map<String, String> wanted;
  /** What HAProxy is known to hold; {@code null} when unknown (never written, or a write failed). */
  private Map<String, String> held;
  private boolean writing;
  /** The percentages recorded as delivered last: a new {@link ShedDelivered} only when they change. */
  private Map<String, Integer> delivered;
  private String failing;
  private int failures;

  private ShedEnforcementDriver(ActorContext<Command> context, TimerScheduler<Command> timers,
      SheddingSettings.HaproxyTarget target, HaproxyRuntime runtime, List<String> priorityClasses,
      SheddingSettings settings, ActorRef<ServiceEvent> outcomes, Clock clock) {
    super(context);
    this.timers = timers;
    this.target = target;
    this.runtime = runtime;
    this.priorityClasses = List.copyOf(priorityClasses);
    this.settings = settings;
    this.outcomes = outcomes;
    this.clock = clock;
    timers.startTimerWithFixedDelay(Verify.INSTANCE, Verify.INSTANCE, target.verifyEvery());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Apply.class, this::onApply)
        .onMessage(Written.class, this::onWritten)
        .onMessage(WriteFailed.class, f -> onFailure(f.error()))
        .onMessage(Verified.class, this::onVerified)
        .onMessage(VerifyFailed.class, f -> onFailure(f.error()))
        .onMessageEquals(Retry.INSTANCE, this::write)
        .onMessageEquals(Verify.INSTANCE, this::verify)
        .onSignal(PostStop.class, s -> {
          runtime.close();
          return this;
        })
        .build();
  }

  /** The map entries that enforce {@code snapshot}. */
  static Map<String, String> entries(AdmissionSnapshot snapshot, List<String> priorityClasses, String prefix,
      SheddingSettings settings, Instant now) {
    Map<String, String> entries = new LinkedHashMap<>();
    for (String priority : priorityClasses) {
      entries.put(prefix + "/" + priority,
          Integer.toString(AdmissionView.shedPercent(snapshot.admitFraction(priority))));
    }
    entries.put(prefix + "/retry-after",
        Long.toString(AdmissionView.retryAfter(snapshot, settings, now).toSeconds()));
    Instant decided = snapshot.decidedAt() != null ? snapshot.decidedAt() : now;
    entries.put(prefix + "/valid-until", Long.toString(decided.plus(settings.ttl()).getEpochSecond()));
    return entries;
  }

  private Behavior<Command> onApply(Apply apply) {
    latest = apply.snapshot();
    wanted = entries(latest, priorityClasses, target.keyPrefix(), settings, clock.instant());
    return write();
  }

  private Behavior<Command> write() {
    if (writing || wanted == null || wanted.equals(held)) {
      return this;
    }
    writing = true;
    Map<String, String> entries = wanted;
    AdmissionSnapshot snapshot = latest;
    getContext().pipeToSelf(runtime.setMapEntries(target.map(), entries), (ok, error) ->
        error == null ? new Written(entries, snapshot) : new WriteFailed(error));
    return this;
  }

  private Behavior<Command> onWritten(Written w) {
    writing = false;
    held = w.entries();
    failures = 0;
    Map<String, Integer> levels = levels(w.snapshot());
    if (failing != null || !levels.equals(delivered)) {
      failing = null;
      delivered = levels;
      outcomes.tell(new ShedDelivered(clock.instant(), w.snapshot().decidedAt(), target.describe(), levels));
    }
    return write();
  }

  private Behavior<Command> verify() {
    if (writing || held == null) {
      return this;
    }
    getContext().pipeToSelf(runtime.showMap(target.map()), (map, error) ->
        error == null ? new Verified(map) : new VerifyFailed(error));
    return this;
  }

  private Behavior<Command> onVerified(Verified v) {
    if (held == null || writing) {
      return this;
    }
    for (Map.Entry<String, String> e : held.entrySet()) {
      if (!e.getValue().equals(v.held().get(e.getKey()))) {
        getContext().getLog().info("{} lost or changed {} (holds {}): rewriting the shed levels",
            target.describe(), e.getKey(), v.held().get(e.getKey()));
        held = null;
        return write();
      }
    }
    return this;
  }

  private Behavior<Command> onFailure(Throwable error) {
    writing = false;
    held = null;
    failures++;
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String detail = String.valueOf(cause.getMessage());
    if (!detail.equals(failing)) {
      failing = detail;
      outcomes.tell(new ShedDeliveryFailed(clock.instant(), target.describe(), detail));
    }
    long step = BACKOFF_MIN.toMillis() << Math.min(10, failures - 1);
    timers.startSingleTimer(Retry.INSTANCE, Retry.INSTANCE, Duration.ofMillis(Math.min(BACKOFF_MAX.toMillis(), step)));
    return this;
  }

  private Map<String, Integer> levels(AdmissionSnapshot snapshot) {
    Map<String, Integer> levels = new LinkedHashMap<>();
    for (String priority : priorityClasses) {
      levels.put(priority, AdmissionView.shedPercent(snapshot.admitFraction(priority)));
    }
    return levels;
  }
}
