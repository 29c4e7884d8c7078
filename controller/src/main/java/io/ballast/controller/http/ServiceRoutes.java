package io.ballast.controller.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.ballast.controller.Settings;
import io.ballast.controller.http.QueryParameters.Invalid;
import io.ballast.controller.actuation.ActuationSettings;
import io.ballast.controller.service.ServiceEntity;
import io.ballast.persistence.journal.HistoryReader;
import io.ballast.persistence.journal.JournalHealth;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side: {@code GET /v1/services}, {@code GET /v1/services/{id}} and
 * {@code GET /v1/services/{id}/events}. State comes from the service's entity, history from the journal.
 */
public final class ServiceRoutes extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(ServiceRoutes.class);
  private static final int PARALLEL_ASKS = 16;

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final HistoryReader history;
  private final JournalHealth health;
  private final Duration timeout;
  private final Duration retryAfter;
  private final Function<String, ActuationSettings> actuation;
  private final Guard guard;

  public ServiceRoutes(ActorSystem<?> system, HistoryReader history, JournalHealth health, Duration timeout,
      Duration retryAfter, Function<String, ActuationSettings> actuation, Guard guard) {
    this.actuation = actuation;
    this.guard = guard;
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.history = history;
    this.health = health;
    this.timeout = timeout;
    this.retryAfter = retryAfter;
  }

  public Route route() {
    return pathPrefix(segment("v1").slash("services"), () -> concat(
        pathEndOrSingleSlash(() -> get(() -> guard.allow(Endpoint.SERVICES, p -> completeWithFuture(list())))),
        pathPrefix(segment(), id -> concat(
            pathEndOrSingleSlash(() -> get(() -> guard.allow(Endpoint.SERVICE, p ->
                completeWithFuture(detail(id))))),
            path("events", () -> get(() -> guard.allow(Endpoint.EVENTS, p ->
                parameterOptional("from", from -> parameterOptional("to", to -> parameterOptional("limit", limit ->
                    completeWithFuture(events(id, from, to, limit))))))))))));
  }

  private CompletionStage<HttpResponse> list() {
    if (!health.status().available()) {
      return CompletableFuture.completedFuture(Json.journalUnavailable(health.status(), retryAfter));
    }
    return history.entityIds(ServiceEntity.ENTITY_KEY.name())
        .thenCompose(ids -> Source.from(ids)
            .mapAsyncUnordered(PARALLEL_ASKS, id -> hosted(id).thenApply(h -> ServiceViews.Summary.of(id, h)))
            .runWith(Sink.seq(), system))
        .thenApply(summaries -> {
          List<ServiceViews.Summary> sorted =
              summaries.stream().sorted(Comparator.comparing(ServiceViews.Summary::id)).toList();
          return Json.ok(new ServiceViews.Services(sorted, health.status()));
        })
        .exceptionally(this::unavailable);
  }

  private CompletionStage<HttpResponse> detail(String id) {
    if (!Settings.SERVICE_ID.matcher(id).matches()) {
      return CompletableFuture.completedFuture(Json.serviceNotFound(id));
    }
    return hosted(id)
        .thenApply(h -> h.state().isEmpty() ? Json.serviceNotFound(id)
            : Json.ok(ServiceViews.Detail.of(id, h, actuation.apply(id), health.status())))
        .exceptionally(this::unavailable);
  }

  private CompletionStage<HttpResponse> events(
      String id, Optional<String> fromParam, Optional<String> toParam, Optional<String> limitParam) {
    Bound from, to;
    int limit;
    try {
      from = Bound.parse("from", fromParam);
      to = Bound.parse("to", toParam);
      limit = QueryParameters.limit(limitParam.orElse(null));
    } catch (Invalid e) {
      return CompletableFuture.completedFuture(e.response());
    }
    if (!Settings.SERVICE_ID.matcher(id).matches()) {
      return CompletableFuture.completedFuture(Json.serviceNotFound(id));
    }
    if (!health.status().available()) {
      return CompletableFuture.completedFuture(Json.journalUnavailable(health.status(), retryAfter));
    }
    return state(id).thenCompose(s -> {
      if (s.isEmpty()) {
        return CompletableFuture.completedFuture(Json.serviceNotFound(id));
      }
      long fromSeq = from.sequenceNr() != null ? Math.max(1, from.sequenceNr()) : 1;
      long toSeq = to.sequenceNr() != null ? to.sequenceNr() : Long.MAX_VALUE;
      // Within one service, events are written in order, so their write times only grow.
      return history.events(ServiceEntity.persistenceId(id).id(), fromSeq, toSeq)
          .dropWhile(r -> from.time() != null && r.timestampMillis() < from.time().toEpochMilli())
          .takeWhile(r -> to.time() == null || r.timestampMillis() <= to.time().toEpochMilli())
          .take(limit + 1L)
          .runWith(Sink.seq(), system)
          .thenApply(page -> {
            List<ServiceViews.Event> events = page.stream().limit(limit).map(ServiceViews.Event::of).toList();
            ServiceViews.Page next = page.size() > limit ? new ServiceViews.Page(page.get(limit).sequenceNr()) : null;
            return Json.ok(new ServiceViews.Events(id, events, next));
          });
    }).exceptionally(this::unavailable);
  }

  private CompletionStage<ServiceState> state(String id) {
    return sharding.entityRefFor(ServiceEntity.ENTITY_KEY, id).ask(ServiceEntity.GetState::new, timeout);
  }

  private CompletionStage<ServiceEntity.Hosted> hosted(String id) {
    return sharding.entityRefFor(ServiceEntity.ENTITY_KEY, id).ask(ServiceEntity.GetHosted::new, timeout);
  }

  private HttpResponse unavailable(Throwable error) {
    log.warn("read failed: {}", error.toString());
    if (!health.status().available()) {
      return Json.journalUnavailable(health.status(), retryAfter);
    }
    return Json.unavailable("the service's state or history could not be read in time (" + error.getMessage() + ")",
        retryAfter);
  }

  /** A history bound: a sequence number, or an instant compared with when events were recorded. */
  private record Bound(Long sequenceNr, Instant time) {
    static Bound parse(String name, Optional<String> param) throws Invalid {
      if (param.isEmpty()) {
        return new Bound(null, null);
      }
      String text = param.get();
      if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
        try {
          return new Bound(Long.parseLong(text), null);
        } catch (NumberFormatException e) {
          throw new Invalid(name, "sequence number '" + text + "' is too large");
        }
      }
      try {
        return new Bound(null, Instant.parse(text));
      } catch (DateTimeParseException e) {
        throw new Invalid(name, "must be a sequence number (such as 120) or an ISO-8601 timestamp "
            + "(such as 2026-11-25T10:00:00Z), was '" + text + "'");
      }
    }
  }
}
