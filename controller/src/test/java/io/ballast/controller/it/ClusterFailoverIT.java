package io.ballast.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three controller JVMs, started with {@code bin/ballast run} as an operator starts them, on loopback ports and
 * one real Cassandra; a webhook receiver stands where the cloud would be. Metrics for many services flow through
 * all three nodes. One node is killed with SIGKILL; its services must resume on the survivors (those still fed
 * and those no longer fed alike), nothing acknowledged may be lost, no service may have two writers, and no
 * decision may be written to the receiver twice. Then the node comes back and gets shards again, and another
 * leaves gracefully.
 *
 * <p>{@code -Dballast.failover.runs=N} repeats the kill and rejoin N times, rotating the node killed, and reports
 * the failover times (kill to first decision persisted, per moved service) for {@code BENCHMARKS.md};
 * {@code -Dballast.failover.stable-after=3s} runs the nodes with another split-brain stable-after.
 */
class ClusterFailoverIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SERVICES = 24;
  /** Services below this index keep getting metrics after the kill; the others get none from then on. */
  private static final int FED = SERVICES / 2;
  private static final String SECRET = "failover-test-webhook-secret";
  private static final Duration RESUME_WITHIN = Duration.ofSeconds(60);

  private final Path logs = Path.of("target", "it-logs");
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<Map<String, String>> envs = new ArrayList<>();
  private final List<Path> dataDirs = new ArrayList<>();
  private final List<String> addresses = new ArrayList<>();
  private final Receiver receiver = new Receiver();
  private final List<Feeder> feeders = new ArrayList<>();
  /** Nodes the load balancer no longer sends to (killed, or leaving). */
  private final Set<Integer> skipped = ConcurrentHashMap.newKeySet();
  private final AtomicLong failures = new AtomicLong();
  private CqlSession cassandra;
  private ExecutorService pool;

  @AfterEach
  void stopEverything() throws Exception {
    feeders.forEach(Feeder::stop);
    if (pool != null) {
      pool.shutdownNow();
    }
    for (NodeProcess node : nodes) {
      if (node != null) {
        node.close();
      }
    }
    if (cassandra != null) {
      cassandra.close();
    }
    receiver.close();
  }

  @Test
  void servicesOfAKilledNodeResumeOnTheSurvivorsWithNothingLostOrWrittenTwice() throws Exception {
    int runs = Integer.getInteger("ballast.failover.runs", 1);
    Files.createDirectories(logs);
    Map<String, String> journal = Journals.environment("cassandra", "failover");
    startCluster(journal);
    cassandra = CqlSession.builder()
        .addContactPoint(new InetSocketAddress("127.0.0.1", 9042))
        .withLocalDatacenter("datacenter1")
        .withKeyspace(journal.get("BALLAST_CASSANDRA_KEYSPACE"))
        .build();

    pool = Executors.newFixedThreadPool(SERVICES);
    for (int i = 0; i < SERVICES; i++) {
      Feeder feeder = new Feeder(service(i));
      feeders.add(feeder);
      pool.submit(feeder);
    }
    awaitAllDecided(Duration.ofSeconds(60));
    readsAgreeOnEveryNode();

    List<Long> allTimes = new ArrayList<>();
    List<String> perRun = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      int victim = run % 3;
      Map<String, String> hosts = hosts();
      List<String> moved = hosts.entrySet().stream()
          .filter(e -> e.getValue().equals(addresses.get(victim))).map(Map.Entry::getKey).sorted().toList();
      assertThat(moved).as("services hosted on node %d before the kill", victim + 1).isNotEmpty();
      if (run == 0) {
        // From now on the upper half gets no metrics: only the cluster can keep those deciding.
        feeders.subList(FED, SERVICES).forEach(Feeder::stop);
      }
      skipped.add(victim);
      long killedAt = System.currentTimeMillis();
      nodes.get(victim).kill();

      Map<String, Long> resumed = awaitResumed(moved, killedAt, RESUME_WITHIN);
      List<Long> times = new ArrayList<>(resumed.values());
      Collections.sort(times);
      allTimes.addAll(times);
      perRun.add(String.format("run %d: node %d killed, %d services moved, resumed after median %d ms, max %d ms",
          run + 1, victim + 1, moved.size(), median(times), times.get(times.size() - 1)));
      System.out.println("failover " + perRun.get(perRun.size() - 1));

      restart(victim);
      skipped.remove(victim);
      awaitMembersUp(3, Duration.ofSeconds(90));
      awaitHostsSomething(victim, Duration.ofSeconds(120));
    }

    // A graceful leave: SIGTERM hands the node's shards over while metrics keep coming.
    int leaving = (runs) % 3;
    skipped.add(leaving);
    List<String> handedOver = hosts().entrySet().stream()
        .filter(e -> e.getValue().equals(addresses.get(leaving))).map(Map.Entry::getKey).toList();
    long leftAt = System.currentTimeMillis();
    nodes.get(leaving).stop();
    assertThat(nodes.get(leaving).logText()).contains("Exiting completed");
    Map<String, Long> afterLeave = awaitResumed(handedOver, leftAt, RESUME_WITHIN);
    System.out.println("graceful leave of node " + (leaving + 1) + ": " + handedOver.size()
        + " services handed over, deciding again after max "
        + afterLeave.values().stream().mapToLong(Long::longValue).max().orElse(0) + " ms");

    feeders.forEach(Feeder::stop);
    pool.shutdown();
    assertThat(pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    everyAcknowledgedSampleIsInTheJournal();
    noDecisionWasWrittenTwice();
    noServiceHadTwoWritersAtOnce();

    Collections.sort(allTimes);
    String summary = String.format("failover over %d run(s), %d moved services: median %d ms, max %d ms", runs,
        allTimes.size(), median(allTimes), allTimes.get(allTimes.size() - 1));
    System.out.println(summary);
    Files.writeString(Path.of("target", "failover-benchmark.txt"),
        String.join("\n", perRun) + "\n" + summary + "\n");
    assertThat(allTimes.get(allTimes.size() - 1)).isLessThan(RESUME_WITHIN.toMillis());
  }

  // ----------------------------------------------------------------------------------------------- the cluster

  private void startCluster(Map<String, String> journal) throws Exception {
    Path config = Files.createTempDirectory("ballast-failover").resolve("failover.conf");
    Files.writeString(config, actuationConfig());
    List<Integer> remotePorts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      remotePorts.add(NodeProcess.freePort());
    }
    String seeds = String.join(",", remotePorts.stream().map(p -> "127.0.0.1:" + p).toList());
    for (int i = 0; i < 3; i++) {
      Map<String, String> env = new HashMap<>(journal);
      env.put("BALLAST_WINDOW", "1s");
      env.put("BALLAST_WINDOW_GRACE", "1s");
      env.put("BALLAST_SEED_NODES", seeds);
      env.put("BALLAST_REMOTE_PORT", Integer.toString(remotePorts.get(i)));
      env.put("BALLAST_HTTP_PORT", Integer.toString(NodeProcess.freePort()));
      env.put("BALLAST_MANAGEMENT_PORT", Integer.toString(NodeProcess.freePort()));
      env.put("BALLAST_CONFIG", config.toString());
      env.put("BALLAST_JAVA_OPTS", "-Xmx384m");
      String stableAfter = System.getProperty("ballast.failover.stable-after");
      if (stableAfter != null) {
        env.put("BALLAST_SPLIT_BRAIN_STABLE_AFTER", stableAfter);
      }
      envs.add(env);
      dataDirs.add(Files.createTempDirectory("ballast-failover-" + (i + 1)));
      addresses.add("127.0.0.1:" + remotePorts.get(i));
      nodes.add(null);
    }
    // The first creates the keyspace; the other two then start together and join it.
    restart(0);
    ExecutorService starting = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> started = List.of(starting.submit(() -> restart(1)), starting.submit(() -> restart(2)));
      for (Future<?> f : started) {
        f.get();
      }
    } finally {
      starting.shutdown();
    }
    awaitMembersUp(3, Duration.ofSeconds(60));
    for (NodeProcess node : nodes) {
      assertThat(node.management("/ready").status()).isEqualTo(200);
      assertThat(node.management("/alive").status()).isEqualTo(200);
    }
  }

  private final AtomicInteger starts = new AtomicInteger();
  /** Names this run's node logs apart from earlier runs'. */
  private static final String RUN = Long.toString(System.currentTimeMillis() / 1000, 36);

  private Void restart(int i) throws Exception {
    NodeProcess node = NodeProcess.start(dataDirs.get(i),
        logs.resolve("failover-" + RUN + "-node" + (i + 1) + "-" + starts.incrementAndGet() + ".log"), envs.get(i));
    synchronized (nodes) {
      nodes.set(i, node);
    }
    return null;
  }

  private String actuationConfig() {
    StringBuilder conf = new StringBuilder("ballast.actuation.services {\n");
    for (int i = 0; i < SERVICES; i++) {
      conf.append("  ").append(service(i)).append(" { target = webhook, webhook { url = \"")
          .append(receiver.uri("/scale")).append("\", read-url = \"").append(receiver.uri("/state/" + service(i)))
          .append("\", secret = \"").append(SECRET).append("\" } }\n");
    }
    return conf.append("}\n").toString();
  }

  private static String service(int i) {
    return String.format("svc-%02d", i);
  }

  private List<NodeProcess> live() {
    synchronized (nodes) {
      return nodes.stream().filter(n -> n != null && n.alive()).toList();
    }
  }

  private void awaitMembersUp(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (NodeProcess node : live()) {
        try {
          JsonNode members = node.management("/cluster/members").body();
          last = String.valueOf(members);
          long up = 0;
          for (JsonNode m : members.get("members")) {
            if (m.get("status").asText().equals("Up")) {
              up++;
            }
          }
          all &= up == count && members.get("unreachable").isEmpty();
        } catch (RuntimeException notYet) {
          all = false;
        }
      }
      if (all && live().size() == count) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the cluster did not have " + count + " members up within " + timeout + "; last: "
        + last);
  }

  /**
   * The services as a live node lists them. While services move, one may not answer in time and the list is a
   * 503; a client retries, and so does this.
   */
  private JsonNode services() throws InterruptedException {
    NodeProcess.Answer answer = null;
    for (int attempt = 0; attempt < 30; attempt++) {
      List<NodeProcess> live = live();
      try {
        answer = live.get(attempt % live.size()).get("/v1/services");
        if (answer.status() == 200) {
          return answer.body().get("services");
        }
      } catch (UncheckedIOException stopping) {
        // the node is going away: ask another
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("no node listed the services within 30 s; last answer: "
        + (answer == null ? null : answer.status() + " " + answer.body()));
  }

  /** Where each service runs, as the cluster reports it. */
  private Map<String, String> hosts() throws InterruptedException {
    JsonNode services = services();
    Map<String, String> hosts = new TreeMap<>();
    for (JsonNode s : services) {
      hosts.put(s.get("id").asText(), s.get("node").asText());
    }
    return hosts;
  }

  private void awaitHostsSomething(int i, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (hosts().containsValue(addresses.get(i))) {
        return;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("node " + (i + 1) + " was given no shard within " + timeout + " of rejoining: "
        + hosts());
  }

  private void awaitAllDecided(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode services = null;
    while (System.nanoTime() < deadline) {
      services = services();
      boolean all = services.size() == SERVICES;
      for (JsonNode s : services) {
        all &= !s.get("lastDecision").isNull();
      }
      if (all && receiver.desired.size() == SERVICES) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("not every service was decided and carried to the receiver within " + timeout
        + ": " + services + "; receiver has " + receiver.desired.keySet());
  }

  /** Every node answers for every service, wherever it runs, with the same host. */
  private void readsAgreeOnEveryNode() throws InterruptedException {
    Map<String, String> hosts = hosts();
    assertThat(new HashSet<>(hosts.values())).as("services are spread over the three nodes").hasSize(3);
    for (NodeProcess node : live()) {
      for (int i = 0; i < SERVICES; i += 5) {
        JsonNode detail = node.get("/v1/services/" + service(i)).body();
        assertThat(detail.get("node").asText()).isEqualTo(hosts.get(service(i)));
      }
    }
  }

  // ----------------------------------------------------------------------------------------------- measuring

  /**
   * For each service, the milliseconds from {@code since} to its first decision persisted after it, read from the
   * journal itself (so that asking does not start the service).
   */
  private Map<String, Long> awaitResumed(List<String> services, long since, Duration timeout)
      throws InterruptedException {
    PreparedStatement query = cassandra.prepare(
        "SELECT timestamp, ser_manifest FROM messages WHERE persistence_id = ? AND partition_nr = 0");
    Map<String, Long> resumed = new LinkedHashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && resumed.size() < services.size()) {
      for (String service : services) {
        if (resumed.containsKey(service)) {
          continue;
        }
        long first = Long.MAX_VALUE;
        for (Row row : cassandra.execute(query.bind("Service|" + service))) {
          long written = Uuids.unixTimestamp(row.getUuid("timestamp"));
          if (written > since && row.getString("ser_manifest").endsWith("ScaleDecided")) {
            first = Math.min(first, written);
          }
        }
        if (first != Long.MAX_VALUE) {
          resumed.put(service, first - since);
        }
      }
      Thread.sleep(250);
    }
    assertThat(resumed.keySet()).as("services deciding again within %s", timeout)
        .containsExactlyInAnyOrderElementsOf(services);
    return resumed;
  }

  private static long median(List<Long> sorted) {
    return sorted.get(sorted.size() / 2);
  }

  // ----------------------------------------------------------------------------------------------- the checks

  private void everyAcknowledgedSampleIsInTheJournal() {
    NodeProcess reader = live().get(0);
    long total = 0;
    for (Feeder feeder : feeders) {
      Set<String> recorded = new HashSet<>();
      long from = 1;
      while (true) {
        JsonNode page = reader.get("/v1/services/" + feeder.service + "/events?limit=1000&from=" + from).body();
        for (JsonNode event : page.get("events")) {
          if (event.get("type").asText().equals("SamplesRecorded")) {
            for (JsonNode s : event.get("event").get("samples")) {
              recorded.add(key(s.get("at").asText(), s.get("priority").asText(), s.get("source").asText()));
            }
          }
        }
        if (page.get("next") == null || page.get("next").isNull()) {
          break;
        }
        from = page.get("next").get("from").asLong();
      }
      Set<String> missing = new HashSet<>(feeder.acknowledged);
      missing.removeAll(recorded);
      assertThat(missing).as("acknowledged samples of %s missing from the journal", feeder.service).isEmpty();
      assertThat(feeder.acknowledged).as("samples acknowledged for %s", feeder.service).isNotEmpty();
      total += feeder.acknowledged.size();
    }
    System.out.println("acknowledged samples, all in the journal: " + total + "; batches refused or failed: "
        + failures.get());
  }

  private void noDecisionWasWrittenTwice() {
    assertThat(receiver.writes).isNotEmpty();
    Map<String, Integer> twice = new TreeMap<>();
    receiver.writes.forEach((key, count) -> {
      if (count.get() > 1) {
        twice.put(key, count.get());
      }
    });
    assertThat(twice).as("idempotency keys the receiver got more than once").isEmpty();
    assertThat(receiver.badSignatures.get()).isZero();
  }

  /**
   * A second live entity of a service would write with its own writer id between the first one's writes: the
   * writers of a service's events, in sequence order, must never return to one that already gave way.
   */
  private void noServiceHadTwoWritersAtOnce() {
    PreparedStatement query = cassandra.prepare("SELECT sequence_nr, writer_uuid, timestamp FROM messages "
        + "WHERE persistence_id = ? AND partition_nr = 0");
    for (int i = 0; i < SERVICES; i++) {
      List<String> writers = new ArrayList<>();
      long lastSeq = 0;
      long lastWritten = 0;
      for (Row row : cassandra.execute(query.bind("Service|" + service(i)))) {
        long seq = row.getLong("sequence_nr");
        assertThat(seq).as("%s: sequence numbers without gaps", service(i)).isEqualTo(lastSeq + 1);
        lastSeq = seq;
        long written = Uuids.unixTimestamp(row.getUuid("timestamp"));
        assertThat(written).as("%s: event %d written after the one before", service(i), seq)
            .isGreaterThanOrEqualTo(lastWritten);
        lastWritten = written;
        String writer = row.getString("writer_uuid");
        if (writers.isEmpty() || !writers.get(writers.size() - 1).equals(writer)) {
          assertThat(writers).as("%s: writer %s came back after giving way", service(i), writer)
              .doesNotContain(writer);
          writers.add(writer);
        }
      }
      assertThat(lastSeq).isPositive();
    }
  }

  private static String key(String at, String priority, String source) {
    return Instant.parse(at).toEpochMilli() + "/" + priority + "/" + source;
  }

  // ----------------------------------------------------------------------------------------------- the load

  /** Feeds one service through the live nodes in turn, remembering every sample a 2xx acknowledged. */
  private final class Feeder implements Runnable {
    final String service;
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    Feeder(String service) {
      this.service = service;
    }

    void stop() {
      running = false;
    }

    @Override
    public void run() {
      long n = 0;
      while (running) {
        n++;
        List<NodeProcess> targets = new ArrayList<>();
        synchronized (nodes) {
          for (int i = 0; i < nodes.size(); i++) {
            if (!skipped.contains(i) && nodes.get(i) != null && nodes.get(i).alive()) {
              targets.add(nodes.get(i));
            }
          }
        }
        if (!targets.isEmpty()) {
          NodeProcess node = targets.get((int) (n % targets.size()));
          Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
          String source = "lb-" + node.httpPort();
          String body = "{\"samples\":[" + sample(at, "critical", 400, source) + ","
              + sample(at, "sheddable", 100, source) + "]}";
          try {
            var answer = node.post("/v1/metrics", body);
            if (answer.status() / 100 == 2 && answer.body().get("late").asInt() == 0) {
              acknowledged.add(key(at.toString(), "critical", source));
              acknowledged.add(key(at.toString(), "sheddable", source));
            } else if (answer.status() / 100 != 2) {
              failures.incrementAndGet();
            }
          } catch (RuntimeException refused) {
            failures.incrementAndGet();
          }
        }
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private String sample(Instant at, String priority, long requests, String source) {
      return "{\"service\":\"" + service + "\",\"at\":\"" + at + "\",\"periodSeconds\":1,\"priority\":\""
          + priority + "\",\"requests\":" + requests + ",\"latencyP50Ms\":12.5,\"latencyP99Ms\":80,\"source\":\""
          + source + "\",\"instances\":{\"ready\":4}}";
    }
  }

  // ----------------------------------------------------------------------------------------------- the target

  /** The webhook receiver: takes counts, reports the count each service has, and counts every key it got. */
  private static final class Receiver implements AutoCloseable {
    final Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();
    final Map<String, Integer> desired = new ConcurrentHashMap<>();
    final AtomicInteger badSignatures = new AtomicInteger();
    private final HttpServer server;

    Receiver() {
      try {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      server.setExecutor(Executors.newFixedThreadPool(4));
      server.createContext("/scale", this::scale);
      server.createContext("/state/", this::state);
      server.start();
    }

    String uri(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void scale(HttpExchange exchange) throws IOException {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      if (exchange.getRequestHeaders().getFirst("X-Ballast-Signature") == null) {
        badSignatures.incrementAndGet();
      }
      JsonNode request = JSON.readTree(body);
      String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
      writes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      int count = request.get("desired").asInt();
      desired.put(request.get("service").asText(), count);
      reply(exchange, "{\"desired\":" + count + "}");
    }

    private void state(HttpExchange exchange) throws IOException {
      String service = exchange.getRequestURI().getPath().substring("/state/".length());
      Integer count = desired.get(service);
      reply(exchange, count == null ? "{}" : "{\"desired\":" + count + "}");
    }

    private static void reply(HttpExchange exchange, String json) throws IOException {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    }

    @Override
    public void close() {
      server.stop(0);
      ((ExecutorService) server.getExecutor()).shutdownNow();
    }
  }
}
