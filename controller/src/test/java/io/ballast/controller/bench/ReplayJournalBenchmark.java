package io.ballast.controller.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ballast.controller.Node;
import io.ballast.controller.policy.Policies;
import io.ballast.controller.service.ServiceEntity;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.journal.HistoryReader;
import io.ballast.persistence.journal.JournalSchema;
import io.ballast.persistence.journal.ServiceTags;
import io.ballast.persistence.policy.BallastPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Replay and what-if with the journal read in, on either journal: a node is started on it, a day of one service's
 * history at 1-second windows (the history of {@link ReplayFoldBenchmark}, ending now) is written to the journal
 * under the service's own persistence id and tags, and then, round by round, timed end to end:
 *
 * <ul>
 *   <li>the journal read alone (every event through the query plugin, as the replay endpoint reads it);
 *   <li>{@code GET /v1/services/{id}/replay} with the last hour's timeline: read, fold, every window decided again and
 *       compared with the record;
 *   <li>{@code POST /v1/services/{id}/what-if}: the whole day re-run under the {@code hpa} reference model through
 *       the simulator's service model, beside the recorded policy re-run the same way.
 * </ul>
 *
 * <p>Run, on the embedded journal or on a running Cassandra ({@code bin/cassandra start}):
 *
 * <pre>mvn -q -B -pl controller test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.ballast.controller.bench.ReplayJournalBenchmark -Dexec.args="embedded 86400 3"</pre>
 */
public final class ReplayJournalBenchmark {

  private static final String SERVICE = "day";
  private static final int EVENTS_PER_WRITE = 100;
  private static final int WRITES_IN_FLIGHT = 8;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public static void main(String[] args) throws Exception {
    String journal = args.length > 0 ? args[0] : "embedded";
    int windows = args.length > 1 ? Integer.parseInt(args[1]) : 86_400;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    if (!Set.of("embedded", "cassandra").contains(journal)) {
      throw new IllegalArgumentException("journal: 'embedded' or 'cassandra', was '" + journal + "'");
    }
    Config config = Node.configuration(ConfigFactory.parseMap(Map.of(
        "ballast.persistence.journal", journal,
        "ballast.persistence.data-dir", Files.createTempDirectory("ballast-replay-bench").toString(),
        "ballast.persistence.cassandra.keyspace", "bench_replay_" + Long.toString(System.currentTimeMillis(), 36),
        "ballast.persistence.cassandra.create-schema", "on",
        "ballast.http.port", 0,
        "pekko.remote.artery.canonical.port", 0,
        "pekko.management.http.port", 0,
        "ballast.auth.enabled", false)));
    Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant start = end.minusSeconds(windows);
    List<ServiceEvent> history = ReplayFoldBenchmark.record(start, windows, new Policies(), BallastPolicy.defaults());

    // Written before the node starts: a running node wakes every service its journal knows, and the woken entity
    // would write its own decisions between the writer's.
    ActorSystem<Void> writing = ActorSystem.create(Behaviors.empty(), "ballast", config);
    try {
      JournalSchema.ensure(writing).toCompletableFuture().get(3, TimeUnit.MINUTES);
      long t0 = System.nanoTime();
      write(writing, history);
      double writeSeconds = seconds(t0);
      System.out.printf(Locale.ROOT, "%s: wrote %d windows, %d events in %.1f s (%.0f events/s)%n", journal,
          windows, history.size(), writeSeconds, history.size() / writeSeconds);
    } finally {
      terminate(writing);
    }

    Node.Running node = Node.start(config);
    try {
      run(node, history.size(), start, end, windows, rounds);
    } finally {
      terminate(node.system());
    }
  }

  private static void terminate(ActorSystem<?> system) throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static void run(Node.Running node, int written, Instant start, Instant end, int windows, int rounds)
      throws Exception {
    ActorSystem<Void> system = node.system();
    String base = "http://127.0.0.1:" + node.binding().localAddress().getPort();
    // The node wakes the service, whose entity recovers the whole day (and then decides the metric outage since
    // the day's end): the rounds start once it answers, so they do not share the cores with the recovery.
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/services/" + SERVICE)).GET().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
      require(System.nanoTime() < deadline, "the service did not answer within 5 minutes");
      Thread.sleep(500);
    }
    Thread.sleep(2000);

    HistoryReader reader = new HistoryReader(system);
    String persistenceId = ServiceEntity.persistenceId(SERVICE).id();
    for (int round = 1; round <= rounds; round++) {
      long r0 = System.nanoTime();
      long read = reader.events(persistenceId, 1, Long.MAX_VALUE).runWith(Sink.fold(0L, (n, e) -> n + 1), system)
          .toCompletableFuture().get(10, TimeUnit.MINUTES);
      double readSeconds = seconds(r0);
      require(read >= written, "read " + read + " events of the " + written + " written");

      long r1 = System.nanoTime();
      JsonNode replay = send(HttpRequest.newBuilder(URI.create(base + "/v1/services/" + SERVICE + "/replay?from="
          + end.minusSeconds(3600) + "&to=" + end)).GET());
      double replaySeconds = seconds(r1);
      JsonNode reproduction = replay.get("reproduction");
      require(reproduction.get("exact").asBoolean() && reproduction.get("windows").asInt() >= windows,
          "not reproduced: " + reproduction);

      long r2 = System.nanoTime();
      JsonNode whatIf = send(HttpRequest.newBuilder(URI.create(base + "/v1/services/" + SERVICE + "/what-if"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"" + start + "\",\"to\":\"" + end + "\","
              + "\"policy\":{\"kind\":\"hpa\",\"metric\":\"requests-per-instance\",\"target\":70},\"series\":false}")));
      double whatIfSeconds = seconds(r2);
      whatIf = whatIf.get("whatIf");
      require(whatIf.get("windows").asInt() == windows, "what-if covered " + whatIf.get("windows") + " windows");

      System.out.printf(Locale.ROOT,
          "round %d: read %.2f s (%.0f events/s); replay %.2f s (%.0f events/s, %d windows reproduced); "
              + "what-if under hpa %.2f s (%.0f windows/s, %d differing, instance-hours %s)%n",
          round, readSeconds, read / readSeconds, replaySeconds, read / replaySeconds,
          reproduction.get("identical").asInt(), whatIfSeconds, windows / whatIfSeconds,
          whatIf.get("differing").asInt(), instanceHours(whatIf));
    }
  }

  /** Writes the history under the service's persistence id, a few atomic writes in flight at a time. */
  private static void write(ActorSystem<?> system, List<ServiceEvent> history) throws Exception {
    ActorRef<Write> writer = system.systemActorOf(new HistoryWriter(SERVICE), "history-writer", Props.empty());
    ArrayDeque<CompletionStage<Done>> inFlight = new ArrayDeque<>();
    for (int from = 0; from < history.size(); from += EVENTS_PER_WRITE) {
      List<ServiceEvent> chunk = history.subList(from, Math.min(history.size(), from + EVENTS_PER_WRITE));
      if (inFlight.size() == WRITES_IN_FLIGHT) {
        inFlight.removeFirst().toCompletableFuture().get(2, TimeUnit.MINUTES);
      }
      inFlight.addLast(AskPattern.ask(writer, (ActorRef<Done> replyTo) -> new Write(List.copyOf(chunk), replyTo),
          Duration.ofMinutes(2), system.scheduler()));
    }
    for (CompletionStage<Done> write : inFlight) {
      write.toCompletableFuture().get(2, TimeUnit.MINUTES);
    }
  }

  private static String instanceHours(JsonNode whatIf) {
    StringBuilder out = new StringBuilder();
    for (JsonNode side : whatIf.get("summary")) {
      out.append(out.length() == 0 ? "" : ", ").append(side.get("side").asText()).append(' ')
          .append(String.format(Locale.ROOT, "%.1f", side.get("instanceHours").asDouble()));
    }
    return out.toString();
  }

  private static JsonNode send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofMinutes(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    require(response.statusCode() == 200, response.statusCode() + " " + response.body());
    return JSON.readTree(response.body());
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static void require(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalStateException(problem);
    }
  }

  record Write(List<ServiceEvent> events, ActorRef<Done> replyTo) {}

  /** Persists what it is given, as the service's entity would have: same persistence id, same tags. */
  private static final class HistoryWriter extends EventSourcedBehavior<Write, ServiceEvent, Long> {

    private final String serviceId;

    HistoryWriter(String serviceId) {
      super(ServiceEntity.persistenceId(serviceId));
      this.serviceId = serviceId;
    }

    @Override
    public Long emptyState() {
      return 0L;
    }

    @Override
    public CommandHandler<Write, ServiceEvent, Long> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Write.class, (written, w) -> Effect().persist(w.events())
              .thenRun(after -> w.replyTo().tell(Done.getInstance())))
          .build();
    }

    @Override
    public EventHandler<Long, ServiceEvent> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((written, e) -> written + 1);
    }

    @Override
    public Set<String> tagsFor(ServiceEvent event) {
      return ServiceTags.forService(serviceId);
    }
  }
}
