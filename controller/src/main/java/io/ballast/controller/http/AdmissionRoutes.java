package io.ballast.controller.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ballast.controller.Settings;
import io.ballast.controller.service.ServiceEntity;
import io.ballast.controller.shedding.AdmissionSnapshot;
import io.ballast.controller.shedding.AdmissionView;
import io.ballast.controller.shedding.SheddingSettings;
import io.ballast.persistence.event.ShedLevelsChanged;
import io.ballast.persistence.journal.HistoryReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * What enforcement points read: a service's admission now ({@code GET /v1/services/{id}/admission}), and its
 * changes as Server-Sent Events, for one service ({@code GET /v1/services/{id}/admission/stream}) or all
 * ({@code GET /v1/admission/stream}).
 *
 * <p>A stream sends the current admission on connect, then every change, and re-sends an unchanged admission
 * every {@code refresh} so that its {@code validUntil} keeps moving; a comment line every {@code heartbeat} keeps
 * quiet connections open. Event ids are the service's journal sequence numbers: a consumer of one service's
 * stream that reconnects with {@code Last-Event-ID} first gets every change it missed, from the journal. The
 * stream of all services re-sends every service's current admission on each connect, which supersedes anything
 * missed. A consumer too slow to keep up is disconnected, and resumes the same way.
 */
public final class AdmissionRoutes extends AllDirectives {

  private static final int LIVE_BUFFER = 4096;

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final HistoryReader history;
  private final ActorRef<Topic.Command<AdmissionSnapshot>> topic;
  private final List<String> priorityClasses;
  private final SheddingSettings settings;
  private final Duration timeout;
  private final Duration retryAfter;
  private final Clock clock;
  private final Guard guard;

  public AdmissionRoutes(ActorSystem<?> system, HistoryReader history, ActorRef<Topic.Command<AdmissionSnapshot>> topic,
      List<String> priorityClasses, SheddingSettings settings, Duration timeout, Duration retryAfter, Clock clock,
      Guard guard) {
    this.guard = guard;
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.history = history;
    this.topic = topic;
    this.priorityClasses = List.copyOf(priorityClasses);
    this.settings = settings;
    this.timeout = timeout;
    this.retryAfter = retryAfter;
    this.clock = clock;
  }

  public Route route() {
    // Paths first, then the method: a GET that passes would cancel other routes' method rejections (a GET of
    // /v1/metrics must stay a 405).
    return concat(
        pathPrefix(segment("v1").slash("services").slash(segment()).slash("admission"), id -> concat(
            pathEndOrSingleSlash(() -> get(() -> guard.allow(Endpoint.ADMISSION, p ->
                completeWithFuture(current(id))))),
            path("stream", () -> get(() -> guard.allow(Endpoint.ADMISSION_STREAM, p ->
                lastEventId(last -> stream(id, last))))))),
        path(segment("v1").slash("admission").slash("stream"), () -> get(() ->
            guard.allow(Endpoint.ALL_ADMISSION_STREAM, p -> streamAll()))));
  }

  private Route lastEventId(java.util.function.Function<Optional<Long>, Route> inner) {
    return optionalHeaderValueByName("Last-Event-ID", header -> parameterOptional("lastEventId", param -> {
      Optional<String> given = header.isPresent() ? header : param;
      if (given.isEmpty() || given.get().isBlank()) {
        return inner.apply(Optional.empty());
      }
      try {
        long seq = Long.parseLong(given.get().strip());
        if (seq < 0) {
          throw new NumberFormatException();
        }
        return inner.apply(Optional.of(seq));
      } catch (NumberFormatException e) {
        return complete(Json.error(StatusCodes.BAD_REQUEST, new ApiError("invalid_parameter", "Last-Event-ID",
            "must be an event id this stream sent (a sequence number), was '" + given.get() + "'")));
      }
    }));
  }

  private CompletionStage<HttpResponse> current(String id) {
    if (!Settings.SERVICE_ID.matcher(id).matches()) {
      return CompletableFuture.completedFuture(notFound(id));
    }
    return snapshot(id)
        .thenApply(s -> s.decidedAt() == null ? notFound(id)
            : Json.ok(view(s)).addHeader(CacheControl.create(CacheDirectives.NO_STORE)))
        .exceptionally(e -> Json.unavailable("the service's admission could not be read in time ("
            + e.getMessage() + ")", retryAfter));
  }

  private Route stream(String id, Optional<Long> lastEventId) {
    if (!Settings.SERVICE_ID.matcher(id).matches()) {
      return complete(notFound(id));
    }
    Pair<ActorRef<AdmissionSnapshot>, Source<AdmissionSnapshot, NotUsed>> live = subscribe();
    Source<ServerSentEvent, NotUsed> events = Source.completionStage(snapshot(id))
        .flatMapConcat(now -> {
          long from = lastEventId.orElse(now.seqNr());
          Source<ServerSentEvent, NotUsed> missed = lastEventId.isPresent() && from < now.seqNr()
              ? missedChanges(id, from + 1, now.seqNr()) : Source.empty();
          Source<ServerSentEvent, NotUsed> first = now.decidedAt() == null || (lastEventId.isPresent()
              && from >= now.seqNr()) ? Source.empty() : Source.single(event(now, false));
          return missed.concat(first).concat(changes(live.second().filter(s -> s.service().equals(id)),
              now.decidedAt() == null ? null : now, false));
        });
    return sse(events);
  }

  private Route streamAll() {
    Pair<ActorRef<AdmissionSnapshot>, Source<AdmissionSnapshot, NotUsed>> live = subscribe();
    Source<ServerSentEvent, NotUsed> events = Source.completionStage(history.entityIds(ServiceEntity.ENTITY_KEY.name()))
        .flatMapConcat(ids -> Source.from(ids)
            .mapAsyncUnordered(8, this::snapshot)
            .filter(s -> s.decidedAt() != null)
            .map(s -> event(s, true))
            .concat(changes(live.second(), null, true)));
    return sse(events);
  }

  private Route sse(Source<ServerSentEvent, NotUsed> events) {
    return respondWithHeader(CacheControl.create(CacheDirectives.NO_CACHE), () -> completeOK(
        events.keepAlive(settings.heartbeat(), ServerSentEvent::heartbeat),
        EventStreamMarshalling.toEventStream()));
  }

  /** A live feed of every admission published from now on; the subscription ends with the stream. */
  private Pair<ActorRef<AdmissionSnapshot>, Source<AdmissionSnapshot, NotUsed>> subscribe() {
    Pair<ActorRef<AdmissionSnapshot>, Source<AdmissionSnapshot, NotUsed>> live =
        ActorSource.<AdmissionSnapshot>actorRef(m -> false, m -> Optional.empty(), LIVE_BUFFER,
            OverflowStrategy.fail()).preMaterialize(system);
    topic.tell(Topic.subscribe(live.first()));
    return live;
  }

  /**
   * The live snapshots that say something new: a changed admission, or an unchanged one last sent more than
   * {@code refresh} ago. Snapshots no newer than what was sent are dropped.
   */
  private Source<ServerSentEvent, NotUsed> changes(Source<AdmissionSnapshot, NotUsed> live, AdmissionSnapshot sent,
      boolean withService) {
    return live.statefulMapConcat(() -> {
      Map<String, AdmissionSnapshot> last = new HashMap<>();
      if (sent != null) {
        last.put(sent.service(), sent);
      }
      return s -> {
        AdmissionSnapshot before = last.get(s.service());
        if (before != null && s.seqNr() <= before.seqNr()) {
          return List.of();
        }
        boolean changed = before == null || !before.admission().equals(s.admission())
            || !java.util.Objects.equals(before.reason() == null ? null : before.reason().code(),
                s.reason() == null ? null : s.reason().code());
        boolean stale = before == null || before.decidedAt() == null || s.decidedAt() == null
            || !s.decidedAt().isBefore(before.decidedAt().plus(settings.refresh()));
        if (!changed && !stale) {
          return List.of();
        }
        last.put(s.service(), s);
        return List.of(event(s, withService));
      };
    });
  }

  /** The changes of shed levels recorded with sequence numbers in [from, to], as the events a stream sends. */
  private Source<ServerSentEvent, NotUsed> missedChanges(String id, long from, long to) {
    return history.events(ServiceEntity.persistenceId(id).id(), from, to)
        .filter(r -> r.event() instanceof ShedLevelsChanged)
        .map(r -> {
          ShedLevelsChanged c = (ShedLevelsChanged) r.event();
          return event(new AdmissionSnapshot(id, r.sequenceNr(), c.admission(), c.reason(), c.at(), c.at(), null),
              false);
        });
  }

  private ServerSentEvent event(AdmissionSnapshot s, boolean withService) {
    try {
      String id = withService ? s.service() + ":" + s.seqNr() : Long.toString(s.seqNr());
      return ServerSentEvent.create(Json.MAPPER.writeValueAsString(view(s)), "admission", id);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an admission view did not serialize", e);
    }
  }

  private AdmissionView view(AdmissionSnapshot s) {
    Instant now = clock.instant();
    return AdmissionView.of(s, priorityClasses, settings, now);
  }

  private CompletionStage<AdmissionSnapshot> snapshot(String id) {
    return sharding.entityRefFor(ServiceEntity.ENTITY_KEY, id).ask(ServiceEntity.GetAdmission::new, timeout);
  }

  private static HttpResponse notFound(String id) {
    return Json.error(StatusCodes.NOT_FOUND,
        new ApiError("not_found", "id", "no service '" + id + "' has decided anything yet"));
  }
}
