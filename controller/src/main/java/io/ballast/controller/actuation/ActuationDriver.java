package io.ballast.controller.actuation;

import io.ballast.persistence.event.ActuationError;
import io.ballast.persistence.event.ActuatorCircuitChanged;
import io.ballast.persistence.event.InstancesObserved;
import io.ballast.persistence.event.ScaleApplied;
import io.ballast.persistence.event.ScaleFailed;
import io.ballast.persistence.event.ServiceEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Carries one service's decisions to its target, safely. It lives with the service's entity (one per
 * service, so one writer per target) and reports what happened as events for the entity to persist.
 *
 * <ul>
 *   <li>Only the latest count is written: one write at a time, and a count decided while a write is under way
 *       replaces any count still waiting, so a slow older write can never land after a newer one.
 *   <li>A count the target already has is not written again: the target is read before the first write and
 *       every {@code read-interval} after, and the count it reports is what writes are compared with.
 *   <li>A token bucket spaces writes out; a throttling answer halves its rate and waits as long as the target
 *       asks; successes bring the rate back.
 *   <li>Failures are retried with exponential backoff and jitter (throttled, conflict, unavailable) or not at
 *       all (invalid, unauthorized: until a new count is decided). Consecutive failures open a circuit that
 *       stops writes for a while; a success closes it. Every failure and every change of the circuit is an
 *       event with its reason.
 *   <li>In dry run it reads and reports, and never writes.
 * </ul>
 */
public final class ActuationDriver extends AbstractBehavior<ActuationDriver.Command> {

  public sealed interface Command {}

  /** The count decided at {@code decidedAt}, to be written once it is the latest. */
  public record Desired(int desired, Instant decidedAt) implements Command {}

  /** Stop or resume writing (an operator's pause); reads go on. */
  public record Paused(boolean paused) implements Command {}

  private record Written(Desired desired, TargetState after) implements Command {}

  private record WriteFailed(Desired desired, Throwable error) implements Command {}

  private record Read(TargetState state, int generation) implements Command {}

  private record ReadFailed(Throwable error) implements Command {}

  private enum Retry implements Command { INSTANCE }

  private enum ReadNow implements Command { INSTANCE }

  public static Behavior<Command> create(String service, Actuator actuator, ActuationSettings settings,
      ActorRef<ServiceEvent> outcomes, Clock clock, Random jitter) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new ActuationDriver(ctx, timers, service, actuator, settings, outcomes, clock, jitter)));
  }

  private final TimerScheduler<Command> timers;
  private final String service;
  private final Actuator actuator;
  private final ActuationSettings settings;
  private final ActorRef<ServiceEvent> outcomes;
  private final Clock clock;
  private final Random jitter;

  private Desired latest;
  private boolean writing;
  /** The count the target is known to be set to; -1 until first read or written. */
  private int targetDesired = -1;
  /** Writes wait for the first read, so a restarted service does not write what the target already has. */
  private boolean readOnce;
  /** The latest count was refused as invalid or unauthorized: not retried until another count is decided. */
  private boolean refused;
  /** An operator paused writes: decisions are recorded, nothing is written, as in dry run. */
  private boolean paused;
  private int attempts;
  private int consecutiveFailures;
  private Instant circuitOpenUntil;
  private TokenBucket bucket;
  private TargetState lastReported;
  /** Counts the writes started: a read issued before a write that answers after it is stale. */
  private int generation;

  private ActuationDriver(ActorContext<Command> context, TimerScheduler<Command> timers, String service,
      Actuator actuator, ActuationSettings settings, ActorRef<ServiceEvent> outcomes, Clock clock, Random jitter) {
    super(context);
    this.timers = timers;
    this.service = service;
    this.actuator = actuator;
    this.settings = settings;
    this.outcomes = outcomes;
    this.clock = clock;
    this.jitter = jitter;
    this.bucket = TokenBucket.full(settings.burst(), settings.writesPerSecond(), clock.instant());
    timers.startTimerWithFixedDelay(ReadNow.INSTANCE, ReadNow.INSTANCE, settings.readInterval());
    read();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Desired.class, this::onDesired)
        .onMessage(Paused.class, p -> {
          paused = p.paused();
          return tryWrite();
        })
        .onMessage(Written.class, this::onWritten)
        .onMessage(WriteFailed.class, this::onWriteFailed)
        .onMessage(Read.class, this::onRead)
        .onMessage(ReadFailed.class, this::onReadFailed)
        .onMessageEquals(Retry.INSTANCE, this::tryWrite)
        .onMessageEquals(ReadNow.INSTANCE, () -> {
          read();
          return this;
        })
        .onSignal(PostStop.class, signal -> {
          // The service moved or stopped: its client's connections and threads go with it.
          if (actuator instanceof AutoCloseable closeable) {
            try {
              closeable.close();
            } catch (Exception e) {
              getContext().getLog().warn("closing {} failed: {}", actuator.describe(), e.toString());
            }
          }
          return this;
        })
        .build();
  }

  private Behavior<Command> onDesired(Desired desired) {
    if (latest == null || latest.desired() != desired.desired()) {
      latest = desired;
      attempts = 0;
      refused = false;
    }
    return tryWrite();
  }

  private Behavior<Command> tryWrite() {
    if (latest == null || writing || refused || settings.dryRun() || paused || !readOnce
        || latest.desired() == targetDesired) {
      return this;
    }
    Instant now = clock.instant();
    if (circuitOpenUntil != null && now.isBefore(circuitOpenUntil)) {
      retryIn(Duration.between(now, circuitOpenUntil));
      return this;
    }
    if (!bucket.available(now)) {
      retryIn(bucket.wait(now));
      return this;
    }
    bucket = bucket.take(now);
    writing = true;
    generation++;
    attempts++;
    Desired writingNow = latest;
    String key = service + "@" + writingNow.decidedAt().toEpochMilli() + "/" + writingNow.desired();
    getContext().pipeToSelf(bounded(actuator.write(writingNow.desired(), key)), (after, error) ->
        error == null ? new Written(writingNow, after) : new WriteFailed(writingNow, error));
    return this;
  }

  private Behavior<Command> onWritten(Written w) {
    writing = false;
    Instant now = clock.instant();
    targetDesired = w.desired().desired();
    bucket = bucket.speedUp(now);
    if (circuitOpenUntil != null) {
      circuitOpenUntil = null;
      outcomes.tell(new ActuatorCircuitChanged(now, false, null, "a write to " + actuator.describe() + " succeeded"));
    }
    consecutiveFailures = 0;
    if (w.desired() == latest) {
      attempts = 0;
    }
    outcomes.tell(new ScaleApplied(now, w.desired().decidedAt(), w.desired().desired(), w.after().instances(),
        actuator.describe()));
    report(w.after());
    return tryWrite();
  }

  private Behavior<Command> onWriteFailed(WriteFailed f) {
    writing = false;
    Instant now = clock.instant();
    ActuationException failure = classify(f.error());
    ActuationError error = failure.error();
    boolean retryable = error == ActuationError.THROTTLED || error == ActuationError.CONFLICT
        || error == ActuationError.UNAVAILABLE;
    boolean stillLatest = f.desired() == latest;
    if (stillLatest && !retryable) {
      refused = true;
    }
    consecutiveFailures++;
    outcomes.tell(new ScaleFailed(now, f.desired().decidedAt(), f.desired().desired(), error, failure.getMessage(),
        actuator.describe(), attempts, retryable || !stillLatest));

    Duration delay = backoff(attempts);
    if (error == ActuationError.THROTTLED) {
      bucket = bucket.slowDown(now);
      if (failure.retryAfter() != null && failure.retryAfter().compareTo(delay) > 0) {
        delay = failure.retryAfter();
      }
    } else if (error == ActuationError.CONFLICT) {
      // Someone changed the target: learn what it is set to now, and try again soon.
      read();
      delay = settings.backoffMin();
    }
    if (consecutiveFailures >= settings.circuitFailures() && circuitOpenUntil == null) {
      circuitOpenUntil = now.plus(settings.circuitOpenFor());
      outcomes.tell(new ActuatorCircuitChanged(now, true, circuitOpenUntil, consecutiveFailures
          + " writes to " + actuator.describe() + " failed in a row, the last: " + error));
    } else if (circuitOpenUntil != null && !now.isBefore(circuitOpenUntil)) {
      // The trial write after the circuit was open failed too: open it again.
      circuitOpenUntil = now.plus(settings.circuitOpenFor());
      outcomes.tell(new ActuatorCircuitChanged(now, true, circuitOpenUntil, "the trial write to "
          + actuator.describe() + " failed: " + error));
    }
    if (retryable || !stillLatest) {
      retryIn(delay);
    }
    return this;
  }

  private void read() {
    int issuedAt = generation;
    getContext().pipeToSelf(bounded(actuator.read()), (state, error) ->
        error == null ? new Read(state, issuedAt) : new ReadFailed(error));
  }

  private Behavior<Command> onRead(Read r) {
    readOnce = true;
    if (!writing && r.generation() == generation) {
      // Only a read that no write overtook tells what the target is set to now.
      if (r.state().knowsDesired()) {
        targetDesired = r.state().desired();
      }
      report(r.state());
    }
    return tryWrite();
  }

  private Behavior<Command> onReadFailed(ReadFailed f) {
    // Reads are retried by the next tick; writes do not wait for a target that cannot even be read.
    if (!readOnce) {
      readOnce = true;
      tryWrite();
    }
    getContext().getLog().debug("reading {} failed: {}", actuator.describe(), classify(f.error()).getMessage());
    return this;
  }

  private void report(TargetState state) {
    if (state.instances() != null && !state.equals(lastReported)) {
      lastReported = state;
      outcomes.tell(new InstancesObserved(clock.instant(), state.instances(), state.desired(), "actuator"));
    }
  }

  private void retryIn(Duration delay) {
    timers.startSingleTimer(Retry.INSTANCE, Retry.INSTANCE, delay.isNegative() ? Duration.ZERO : delay);
  }

  /** Exponential backoff with equal jitter: half of each step fixed, half random. */
  private Duration backoff(int attempt) {
    double step = settings.backoffMin().toMillis() * Math.pow(2, Math.max(0, attempt - 1));
    double capped = Math.min(settings.backoffMax().toMillis(), step);
    return Duration.ofMillis((long) (capped / 2 + jitter.nextDouble() * capped / 2));
  }

  private <T> CompletionStage<T> bounded(CompletionStage<T> call) {
    return call.toCompletableFuture().orTimeout(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private static ActuationException classify(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof ActuationException a) {
      return a;
    }
    if (cause instanceof TimeoutException) {
      return new ActuationException(ActuationError.UNAVAILABLE, "the call timed out");
    }
    return new ActuationException(ActuationError.UNAVAILABLE, String.valueOf(cause), null, cause);
  }
}
