package io.ballast.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The compose stack of {@code docker/} as a user runs it: {@code docker/stack up} (a private Docker engine, images
 * built on a debootstrapped Debian, Cassandra, three controllers, Prometheus), metrics sent through one node,
 * one controller container stopped, and {@code docker/stack down}. Shows that the stopped node's services decide
 * again on the others, that no acknowledged sample is lost, that Prometheus scrapes all three nodes, and that
 * the machine is left as it was: no engine of ours, no containers, networks, bridges or mounts.
 *
 * <p>Its own state directory, project name and ports, so that a stack a developer runs is not touched.
 */
class DockerStackIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SERVICES = 12;
  private static final String PROJECT = "ballast-it";
  private static final int HTTP_PORT = 28081;
  private static final int PROMETHEUS_PORT = 29090;
  private static final Duration DECIDE_AGAIN_WITHIN = Duration.ofSeconds(90);

  private final Path root = Path.of(System.getProperty("ballast.root", "..")).toAbsolutePath().normalize();
  private final Path state = root.resolve("target/docker-it");
  private final Path logs = Path.of("target", "it-logs").toAbsolutePath();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private volatile boolean feeding;
  private Thread feeder;
  private String admin;
  private String ingest;

  @AfterEach
  void takeItDown() throws Exception {
    feeding = false;
    if (feeder != null) {
      feeder.join(5_000);
    }
    // Always, even after a failure: the machine must not keep an engine or containers of ours.
    stack("down", "down");
  }

  @Test
  void theComposeStackCarriesOnWhenAControllerStopsAndLeavesNothingBehind() throws Exception {
    Set<String> linksBefore = links();
    String forwardingBefore = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip();

    long t0 = System.nanoTime();
    stack("up", "up");
    System.out.printf("docker/stack up: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    admin = Files.readString(state.resolve("secrets/admin.token")).strip();
    ingest = Files.readString(state.resolve("secrets/ingest.token")).strip();

    // Metrics for every service, all through controller-1.
    for (int i = 0; i < SERVICES; i++) {
      acknowledged.put(service(i), ConcurrentHashMap.newKeySet());
    }
    feeding = true;
    feeder = new Thread(this::feed, "feeder");
    feeder.start();

    Map<String, String> hosts = awaitAllDecided(Duration.ofSeconds(90));
    assertThat(new HashSet<>(hosts.values())).as("services spread over the three nodes: %s", hosts).hasSize(3);
    prometheusScrapesTheThreeControllers();

    // Stop a controller other than the one the metrics go through, as an operator would: docker stop.
    String stopped = hosts.values().stream().filter(h -> !h.startsWith("controller-1:")).findFirst().orElseThrow();
    String container = stopped.substring(0, stopped.indexOf(':'));
    List<String> moved = hosts.entrySet().stream().filter(e -> e.getValue().equals(stopped)).map(Map.Entry::getKey)
        .toList();
    Instant stoppedAt = Instant.now();
    stack("stop-" + container, "compose", "stop", container);
    System.out.printf("%s stopped after %d ms; its services: %s%n", container,
        Duration.between(stoppedAt, Instant.now()).toMillis(), moved);

    Map<String, Long> resumed = awaitDecidedAgain(moved, stoppedAt);
    System.out.println("decided again on the others, ms after the stop began: " + resumed);
    Map<String, String> after = hosts();
    for (String service : moved) {
      assertThat(after.get(service)).as("%s runs on a node still up", service).isNotEqualTo(stopped);
    }

    Thread.sleep(2_000);
    feeding = false;
    feeder.join(10_000);
    everyAcknowledgedSampleIsInTheJournal();

    long down0 = System.nanoTime();
    stack("down", "down");
    System.out.printf("docker/stack down: %.1f s%n", (System.nanoTime() - down0) / 1e9);
    theMachineIsAsItWas(linksBefore, forwardingBefore);
  }

  // ----------------------------------------------------------------------------------------------- the stack

  private void stack(String log, String... args) throws IOException, InterruptedException {
    Files.createDirectories(logs);
    List<String> command = new ArrayList<>();
    command.add(root.resolve("docker/stack").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
        .redirectOutput(logs.resolve("docker-stack-" + log + ".log").toFile());
    Map<String, String> env = builder.environment();
    env.remove("DOCKER_HOST");
    env.put("BALLAST_DOCKER_STATE", state.toString());
    env.put("BALLAST_STACK_PROJECT", PROJECT);
    env.put("BALLAST_STACK_HTTP_PORT", Integer.toString(HTTP_PORT));
    env.put("BALLAST_STACK_PROMETHEUS_PORT", Integer.toString(PROMETHEUS_PORT));
    Process process = builder.start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("docker/stack " + String.join(" ", args) + " did not finish in 10 minutes");
    }
    assertThat(process.exitValue()).as("docker/stack %s; its output: %s", String.join(" ", args),
        tail(logs.resolve("docker-stack-" + log + ".log"))).isZero();
  }

  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  // ----------------------------------------------------------------------------------------------- traffic

  private static String service(int i) {
    return String.format("docker-svc-%02d", i);
  }

  private void feed() {
    long n = 0;
    while (feeding) {
      Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      StringBuilder body = new StringBuilder("{\"samples\":[");
      for (int i = 0; i < SERVICES; i++) {
        body.append(i == 0 ? "" : ",").append(sample(service(i), at, 200 + 20 * i));
      }
      body.append("]}");
      try {
        HttpResponse<String> answer = send("POST", HTTP_PORT, "/v1/metrics", ingest, body.toString());
        if (answer.statusCode() == 200 && JSON.readTree(answer.body()).get("late").asInt() == 0) {
          for (int i = 0; i < SERVICES; i++) {
            acknowledged.get(service(i)).add(Long.toString(at.toEpochMilli()));
          }
        } else {
          refused.incrementAndGet();
        }
      } catch (IOException | RuntimeException e) {
        refused.incrementAndGet();
      }
      n++;
      sleep(500);
    }
    System.out.println("batches sent: " + n + ", refused or failed: " + refused.get());
  }

  private static String sample(String service, Instant at, int requests) {
    return "{\"service\":\"" + service + "\",\"at\":\"" + at + "\",\"periodSeconds\":1,\"priority\":\"critical\","
        + "\"requests\":" + requests + ",\"latencyP50Ms\":10,\"latencyP99Ms\":60,\"source\":\"docker-it\","
        + "\"instances\":{\"ready\":3}}";
  }

  // ----------------------------------------------------------------------------------------------- checks

  private Map<String, String> hosts() throws IOException {
    JsonNode services = get(HTTP_PORT, "/v1/services").get("services");
    Map<String, String> hosts = new TreeMap<>();
    for (JsonNode s : services) {
      hosts.put(s.get("id").asText(), s.get("node").asText());
    }
    return hosts;
  }

  private Map<String, String> awaitAllDecided(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode services = null;
    while (System.nanoTime() < deadline) {
      services = get(HTTP_PORT, "/v1/services").get("services");
      boolean all = services.size() == SERVICES;
      for (JsonNode s : services) {
        all &= !s.get("lastDecision").isNull();
      }
      if (all) {
        return hosts();
      }
      sleep(1000);
    }
    throw new AssertionError("not every service decided within " + timeout + ": " + services);
  }

  /** For each service, the milliseconds from {@code since} to its first decision recorded after it. */
  private Map<String, Long> awaitDecidedAgain(List<String> services, Instant since) throws IOException {
    Map<String, Long> resumed = new TreeMap<>();
    long deadline = System.nanoTime() + DECIDE_AGAIN_WITHIN.toNanos();
    while (System.nanoTime() < deadline && resumed.size() < services.size()) {
      for (String service : services) {
        if (!resumed.containsKey(service)) {
          JsonNode events = get(HTTP_PORT, "/v1/services/" + service + "/events?limit=1000&from=" + since).get("events");
          for (JsonNode e : events) {
            if (e.get("type").asText().equals("ScaleDecided")) {
              resumed.put(service, Duration.between(since, Instant.parse(e.get("recordedAt").asText())).toMillis());
              break;
            }
          }
        }
      }
      sleep(1000);
    }
    assertThat(resumed.keySet()).as("services of the stopped node deciding again within %s", DECIDE_AGAIN_WITHIN)
        .containsExactlyInAnyOrderElementsOf(services);
    return resumed;
  }

  private void everyAcknowledgedSampleIsInTheJournal() throws IOException {
    long total = 0;
    for (int i = 0; i < SERVICES; i++) {
      String service = service(i);
      Set<String> recorded = new HashSet<>();
      long from = 1;
      while (true) {
        JsonNode page = get(HTTP_PORT, "/v1/services/" + service + "/events?limit=1000&from=" + from);
        for (JsonNode event : page.get("events")) {
          if (event.get("type").asText().equals("SamplesRecorded")) {
            for (JsonNode s : event.get("event").get("samples")) {
              recorded.add(Long.toString(Instant.parse(s.get("at").asText()).toEpochMilli()));
            }
          }
        }
        if (page.get("next") == null || page.get("next").isNull()) {
          break;
        }
        from = page.get("next").get("from").asLong();
      }
      Set<String> missing = new HashSet<>(acknowledged.get(service));
      missing.removeAll(recorded);
      assertThat(acknowledged.get(service)).as("samples acknowledged for %s", service).isNotEmpty();
      assertThat(missing).as("acknowledged samples of %s missing from the journal", service).isEmpty();
      total += acknowledged.get(service).size();
    }
    System.out.println("acknowledged samples, all in the journal: " + total);
  }

  private void prometheusScrapesTheThreeControllers() throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Map<String, String> health = new TreeMap<>();
    while (System.nanoTime() < deadline) {
      health.clear();
      HttpResponse<String> answer = send("GET", PROMETHEUS_PORT, "/api/v1/targets", null, null);
      for (JsonNode t : JSON.readTree(answer.body()).get("data").get("activeTargets")) {
        health.put(t.get("labels").get("instance").asText(), t.get("health").asText());
      }
      if (health.size() == 3 && health.values().stream().allMatch("up"::equals)) {
        break;
      }
      sleep(1000);
    }
    assertThat(health).as("Prometheus's targets").isEqualTo(Map.of(
        "controller-1:8080", "up", "controller-2:8080", "up", "controller-3:8080", "up"));
    JsonNode result = JSON.readTree(send("GET", PROMETHEUS_PORT,
        "/api/v1/query?query=count(jvm_memory_used_bytes%7Barea%3D%22heap%22%7D)", null, null).body());
    assertThat(result.at("/data/result/0/value/1").asText()).as("nodes whose heap Prometheus has").isEqualTo("3");
  }

  private void theMachineIsAsItWas(Set<String> linksBefore, String forwardingBefore) throws IOException {
    String sock = state.resolve("engine/docker.sock").toString();
    List<String> engines = new ArrayList<>();
    try (var processes = Files.list(Path.of("/proc"))) {
      processes.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
        try {
          String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
          if (cmd.contains(sock) || cmd.contains(state.resolve("engine/exec").toString())) {
            engines.add(p.getFileName() + ": " + cmd);
          }
        } catch (IOException gone) {
          // the process ended while we looked
        }
      });
    }
    assertThat(engines).as("processes of the engine docker/stack started").isEmpty();
    Set<String> added = new HashSet<>(links());
    added.removeAll(linksBefore);
    assertThat(added).as("network interfaces left behind").isEmpty();
    assertThat(Files.readAllLines(Path.of("/proc/self/mounts")).stream().filter(m -> m.contains(state.toString())))
        .as("mounts left behind").isEmpty();
    assertThat(Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip()).isEqualTo(forwardingBefore);
    assertThat(Files.exists(Path.of("/run/docker"))).as("/run/docker").isFalse();
  }

  private static Set<String> links() throws IOException {
    try (var names = Files.list(Path.of("/sys/class/net"))) {
      return new HashSet<>(names.map(p -> p.getFileName().toString()).toList());
    }
  }

  // ----------------------------------------------------------------------------------------------- HTTP

  private JsonNode get(int port, String path) throws IOException {
    HttpResponse<String> answer = send("GET", port, path, admin, null);
    assertThat(answer.statusCode()).as("GET %s: %s", path, answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  private HttpResponse<String> send(String method, int port, String path, String token, String body)
      throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException(e));
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
