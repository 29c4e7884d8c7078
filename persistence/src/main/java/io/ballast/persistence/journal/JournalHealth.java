package io.ballast.persistence.journal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Whether the journal answers, as last found by a probe that reads from it every few seconds. Ingest refuses
 * at once while the journal is known to be down (rather than letting every client wait for a timeout), and
 * status and history say so. The probe reads, through the same query plugin as history; a journal that
 * answers reads but not writes is found out by the writes themselves, which then fail.
 */
public final class JournalHealth {

  /** What the probe last found: since when the journal is (un)available, and why, in a sentence. */
  public record Status(boolean available, Instant since, String detail) {}

  private static final String PROBE_ID = "Health|probe";

  private final AtomicReference<Status> status;
  private final HistoryReader reader;
  private final ActorSystem<?> system;
  private final Duration timeout;
  private final Clock clock;

  private JournalHealth(ActorSystem<?> system, HistoryReader reader, Duration timeout, Clock clock) {
    this.system = system;
    this.reader = reader;
    this.timeout = timeout;
    this.clock = clock;
    this.status = new AtomicReference<>(new Status(true, clock.instant(), "not checked yet"));
  }

  /**
   * Starts probing every {@code interval}; each probe must answer within {@code timeout}. Probing stops when the
   * node's services stop, before the streams it runs on are shut down.
   */
  public static JournalHealth start(ActorSystem<?> system, HistoryReader reader, Duration interval,
      Duration timeout, Clock clock) {
    JournalHealth health = new JournalHealth(system, reader, timeout, clock);
    Cancellable probing = system.scheduler()
        .scheduleWithFixedDelay(Duration.ZERO, interval, health::probe, system.executionContext());
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "stop-journal-health-probe",
        () -> {
          probing.cancel();
          return CompletableFuture.completedFuture(Done.done());
        });
    return health;
  }

  public Status status() {
    return status.get();
  }

  private void probe() {
    reader.events(PROBE_ID, 1, 1)
        .runWith(Sink.ignore(), system)
        .toCompletableFuture()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((done, error) -> record(error == null, error == null ? "the journal answers"
            : "the journal does not answer: " + cause(error)));
  }

  private void record(boolean available, String detail) {
    status.updateAndGet(previous -> previous.available() == available
        ? new Status(available, previous.since(), detail)
        : new Status(available, clock.instant(), detail));
  }

  private static String cause(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
  }
}
