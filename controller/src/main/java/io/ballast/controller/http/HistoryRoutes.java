package io.ballast.controller.http;

import static io.ballast.controller.http.QueryParameters.instant;
import static io.ballast.controller.http.QueryParameters.known;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.ballast.controller.Settings;
import io.ballast.controller.http.QueryParameters.Invalid;
import io.ballast.controller.policy.Policies;
import io.ballast.controller.replay.Replay;
import io.ballast.controller.service.ServiceEntity;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.journal.HistoryReader;
import io.ballast.persistence.journal.JournalHealth;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * History from the journal, across services, and replay of one service:
 * <ul>
 *   <li>{@code GET /v1/history}: the events of every service (or of {@code services}) recorded within
 *       [{@code from}, {@code to}], optionally of some {@code types} only; paged as JSON ({@code limit}, and the
 *       {@code after} cursor of the previous page), or the whole range streamed as {@code format=ndjson} or
 *       {@code format=csv}. Ordered by service id, then sequence number.</li>
 *   <li>{@code GET /v1/services/{id}/replay}: the service's history folded again ({@link Replay}): the state at
 *       {@code at}, the timeline of the windows that ended within [{@code from}, {@code to}], and whether deciding
 *       every recorded window again reproduces the recorded decisions.</li>
 * </ul>
 */
public final class HistoryRoutes extends AllDirectives {

  private static final ContentType NDJSON = ContentTypes.parse("application/x-ndjson");
  private static final ContentType CSV = ContentTypes.parse("text/csv; charset=UTF-8");
  private static final Set<String> TYPES = Arrays.stream(ServiceEvent.class.getPermittedSubclasses())
      .map(Class::getSimpleName).collect(Collectors.toCollection(TreeSet::new));
  private static final CsvMapper CSV_MAPPER = new CsvMapper();
  private static final CsvSchema CSV_SCHEMA = CsvSchema.builder()
      .addColumn("service").addColumn("seq").addColumn("recordedAt").addColumn("type").addColumn("at")
      .addColumn("event").build();
  private static final String CSV_HEADER = String.join(",", "service", "seq", "recordedAt", "type", "at", "event") + "\n";

  private final ActorSystem<?> system;
  private final HistoryReader history;
  private final JournalHealth health;
  private final Duration retryAfter;
  private final Guard guard;
  private final Policies policies = new Policies();

  public HistoryRoutes(ActorSystem<?> system, HistoryReader history, JournalHealth health, Duration retryAfter,
      Guard guard) {
    this.system = system;
    this.history = history;
    this.health = health;
    this.retryAfter = retryAfter;
    this.guard = guard;
  }

  public Route route() {
    return concat(
        path(segment("v1").slash("history"), () -> get(() -> guard.allow(Endpoint.HISTORY, p ->
            parameterMap(params -> completeWithFuture(history(params)))))),
        path(segment("v1").slash("services").slash(segment()).slash("replay"), id -> get(() ->
            guard.allow(Endpoint.REPLAY, p -> parameterMap(params -> completeWithFuture(replay(id, params)))))));
  }

  // ----------------------------------------------------------------------------------------------- history

  /** One event of one service, as the history lists it. */
  record Entry(String service, long seq, Instant recordedAt, String type, ServiceEvent event) {
    static Entry of(String service, HistoryReader.Recorded r) {
      return new Entry(service, r.sequenceNr(), Instant.ofEpochMilli(r.timestampMillis()),
          r.event().getClass().getSimpleName(), r.event());
    }
  }

  record Cursor(String after) {}

  record HistoryPage(Instant from, Instant to, List<Entry> events, Cursor next) {}

  private CompletionStage<HttpResponse> history(java.util.Map<String, String> params) {
    Query q;
    try {
      q = Query.parse(params);
    } catch (Invalid e) {
      return CompletableFuture.completedFuture(e.response());
    }
    if (!health.status().available()) {
      return CompletableFuture.completedFuture(Json.journalUnavailable(health.status(), retryAfter));
    }
    CompletionStage<List<String>> ids = q.services != null ? CompletableFuture.completedFuture(q.services)
        : history.entityIds(ServiceEntity.ENTITY_KEY.name());
    return ids.thenCompose(all -> {
      List<String> services = all.stream().sorted()
          .filter(s -> q.afterService == null || s.compareTo(q.afterService) >= 0).toList();
      Source<Entry, NotUsed> entries = Source.from(services).flatMapConcat(service -> events(service, q));
      switch (q.format) {
        case "ndjson":
          return CompletableFuture.completedFuture(stream(NDJSON, entries.map(e -> ndjsonLine(e))));
        case "csv":
          return CompletableFuture.completedFuture(stream(CSV,
              Source.single(ByteString.fromString(CSV_HEADER)).concat(entries.map(HistoryRoutes::csvLine))));
        default:
          return entries.take(q.limit + 1L).runWith(Sink.seq(), system).thenApply(page -> {
            List<Entry> shown = page.stream().limit(q.limit).toList();
            // The cursor is the last event shown: the next page starts right after it.
            Entry last = shown.isEmpty() ? null : shown.get(shown.size() - 1);
            Cursor next = page.size() > q.limit ? new Cursor(last.service() + ":" + last.seq()) : null;
            return Json.ok(new HistoryPage(q.from, q.to, shown, next));
          });
      }
    }).exceptionally(this::unavailable);
  }

  /** One service's events within the query: by sequence number from the cursor, by write time within the range. */
  private Source<Entry, NotUsed> events(String service, Query q) {
    long fromSeq = service.equals(q.afterService) ? q.afterSeq + 1 : 1;
    return history.events(ServiceEntity.persistenceId(service).id(), fromSeq, Long.MAX_VALUE)
        // Within one service, events are written in order, so their write times only grow.
        .dropWhile(r -> r.timestampMillis() < q.from.toEpochMilli())
        .takeWhile(r -> q.to == null || r.timestampMillis() <= q.to.toEpochMilli())
        .filter(r -> q.types == null || q.types.contains(r.event().getClass().getSimpleName()))
        .map(r -> Entry.of(service, r));
  }

  private static HttpResponse stream(ContentType type, Source<ByteString, NotUsed> body) {
    return HttpResponse.create().withEntity(HttpEntities.create(type, body));
  }

  private static ByteString ndjsonLine(Entry e) throws JsonProcessingException {
    return ByteString.fromArray(Json.MAPPER.writeValueAsBytes(e)).concat(ByteString.fromString("\n"));
  }

  private static ByteString csvLine(Entry e) throws JsonProcessingException {
    List<Object> row = List.of(e.service(), e.seq(), e.recordedAt().toString(), e.type(), e.event().at().toString(),
        Json.MAPPER.writeValueAsString(e.event()));
    return ByteString.fromString(CSV_MAPPER.writer(CSV_SCHEMA).writeValueAsString(row));
  }

  // ----------------------------------------------------------------------------------------------- replay

  record Timeline(List<Replay.Point> windows, List<Replay.Actuation> actuations) {}

  record Reproduction(int windows, int identical, boolean exact, List<Replay.Mismatch> differing) {}

  record StateAt(Instant at, long seq, ServiceState state) {}

  record ReplayAnswer(String service, long events, long lastSeq, StateAt stateAt, Timeline timeline,
      Reproduction reproduction) {}

  private CompletionStage<HttpResponse> replay(String id, java.util.Map<String, String> params) {
    Instant at, from, to;
    try {
      known(params, Set.of("at", "from", "to"));
      at = instant(params, "at");
      from = instant(params, "from");
      to = instant(params, "to");
      if (from != null && to != null && to.isBefore(from)) {
        throw new Invalid("to", "must not be before from (" + from + "), was '" + to + "'");
      }
    } catch (Invalid e) {
      return CompletableFuture.completedFuture(e.response());
    }
    if (!Settings.SERVICE_ID.matcher(id).matches()) {
      return CompletableFuture.completedFuture(Json.serviceNotFound(id));
    }
    if (!health.status().available()) {
      return CompletableFuture.completedFuture(Json.journalUnavailable(health.status(), retryAfter));
    }
    Replay replay = new Replay(policies, at, from, to);
    return history.events(ServiceEntity.persistenceId(id).id(), 1, Long.MAX_VALUE)
        .runForeach(r -> replay.add(r.sequenceNr(), r.timestampMillis(), r.event()), system)
        .thenApply(done -> {
          Replay.Result r = replay.result();
          if (r.events() == 0) {
            return Json.serviceNotFound(id);
          }
          return Json.ok(new ReplayAnswer(id, r.events(), r.lastSequenceNr(),
              new StateAt(at, r.stateAtSequenceNr(), r.stateAt()), new Timeline(r.timeline(), r.actuations()),
              new Reproduction(r.reproduction().windows(), r.reproduction().identical(), r.reproduction().exact(),
                  r.reproduction().differing())));
        })
        .exceptionally(this::unavailable);
  }

  private HttpResponse unavailable(Throwable error) {
    if (!health.status().available()) {
      return Json.journalUnavailable(health.status(), retryAfter);
    }
    return Json.unavailable("the history could not be read (" + error.getMessage() + ")", retryAfter);
  }

  // ----------------------------------------------------------------------------------------------- parameters

  /** The parameters of {@code GET /v1/history}, checked. */
  private record Query(Instant from, Instant to, List<String> services, Set<String> types, int limit,
      String afterService, long afterSeq, String format) {

    static Query parse(java.util.Map<String, String> params) throws Invalid {
      known(params, Set.of("from", "to", "services", "types", "limit", "after", "format"));
      Instant from = instant(params, "from");
      if (from == null) {
        throw new Invalid("from", "is required: an ISO-8601 timestamp such as 2026-11-25T10:00:00Z");
      }
      Instant to = instant(params, "to");
      if (to != null && to.isBefore(from)) {
        throw new Invalid("to", "must not be before from (" + from + "), was '" + to + "'");
      }
      List<String> services = null;
      if (params.containsKey("services")) {
        services = new ArrayList<>();
        for (String s : params.get("services").split(",", -1)) {
          if (!Settings.SERVICE_ID.matcher(s).matches()) {
            throw new Invalid("services", "'" + s + "' is not a service id (" + Settings.SERVICE_ID.pattern() + ")");
          }
          services.add(s);
        }
      }
      Set<String> types = null;
      if (params.containsKey("types")) {
        types = new TreeSet<>();
        for (String t : params.get("types").split(",", -1)) {
          if (!TYPES.contains(t)) {
            throw new Invalid("types", "'" + t + "' is not an event type; one of " + TYPES);
          }
          types.add(t);
        }
      }
      int limit = QueryParameters.limit(params.get("limit"));
      String afterService = null;
      long afterSeq = 0;
      if (params.containsKey("after")) {
        String text = params.get("after");
        int colon = text.lastIndexOf(':');
        try {
          afterService = text.substring(0, colon);
          afterSeq = Long.parseLong(text.substring(colon + 1));
        } catch (RuntimeException e) {
          afterService = null;
        }
        if (afterService == null || !Settings.SERVICE_ID.matcher(afterService).matches() || afterSeq < 1) {
          throw new Invalid("after", "must be the cursor of the previous page, <service>:<seq>, was '" + text + "'");
        }
      }
      String format = params.getOrDefault("format", "json");
      if (!Set.of("json", "ndjson", "csv").contains(format)) {
        throw new Invalid("format", "must be json, ndjson or csv, was '" + format + "'");
      }
      if (!format.equals("json") && (params.containsKey("limit") || params.containsKey("after"))) {
        throw new Invalid(params.containsKey("limit") ? "limit" : "after",
            "pages are for format=json; ndjson and csv stream the whole range");
      }
      return new Query(from, to, services, types, limit, afterService, afterSeq, format);
    }
  }
}
