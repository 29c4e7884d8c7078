package io.ballast.controller.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.controller.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admission API and its streams against a real node. */
class AdmissionApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestNode node;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    node = new TestNode(Files.createTempDirectory("admission-api"),
        "ballast.observation { window = 1s, grace = 0s, tick-interval = 100ms }\n"
            + "ballast.shedding { ttl = 20s, refresh = 5s, heartbeat = 1s }\n"
            + "ballast.policy.defaults { min-instances = 2, max-instances = 2, targets.requests-per-instance = 100,"
            + " stable-window = 1s, panic.enabled = off,"
            + " shedding { enabled = on, instance-capacity-rps = 100, burst-allowance = 0 } }");
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  /** One second of load: {@code critical} and {@code sheddable} requests on 2 ready instances. */
  private static void second(String service, Instant at, long critical, long sheddable) {
    String body = "{\"samples\":["
        + sample(service, at, "critical", critical) + "," + sample(service, at, "sheddable", sheddable) + "]}";
    assertThat(node.post("/v1/metrics", body).status()).isEqualTo(200);
  }

  private static String sample(String service, Instant at, String priority, long requests) {
    return "{\"service\":\"" + service + "\",\"at\":\"" + at + "\",\"periodSeconds\":1,\"priority\":\"" + priority
        + "\",\"requests\":" + requests + ",\"instances\":{\"ready\":2}}";
  }

  /** Feeds {@code service} one second of load every second, as a metrics shipper would, until closed. */
  static final class Load implements AutoCloseable {
    private final java.util.concurrent.ScheduledExecutorService timer =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    volatile long critical;
    volatile long sheddable;

    Load(String service, long critical, long sheddable) {
      this.critical = critical;
      this.sheddable = sheddable;
      timer.scheduleAtFixedRate(() -> {
        try {
          // The second under way: its window is still open when the samples arrive (the grace here is 0).
          second(service, Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1), this.critical,
              this.sheddable);
        } catch (Throwable e) {
          // A failed post shows in the assertions that follow.
        }
      }, 0, 1, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  /** Overloads {@code service}: 100 critical and 300 sheddable requests a second for two instances of 100. */
  private static Load overload(String service) {
    return new Load(service, 100, 300);
  }

  private static JsonNode await(String path, Predicate<JsonNode> ready) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    TestNode.Answer last = null;
    while (System.nanoTime() < deadline) {
      last = node.get(path);
      if (last.status() == 200 && ready.test(last.body())) {
        return last.body();
      }
      sleep(100);
    }
    throw new AssertionError("no answer of " + path + " matched in time; the last: " + last);
  }

  private static JsonNode shedding(String service) {
    return await("/v1/services/" + service + "/admission", a -> a.get("shedding").asBoolean());
  }

  @Test
  void the_admission_of_an_overloaded_service_sheds_the_lowest_class_and_says_until_when_it_holds() {
    JsonNode admission;
    try (Load load = overload("overloaded")) {
      admission = shedding("overloaded");
    }

    assertThat(admission.get("service").asText()).isEqualTo("overloaded");
    JsonNode classes = admission.get("classes");
    assertThat(classes).hasSize(4);
    assertThat(classes.get(0).get("priority").asText()).isEqualTo("critical_plus");
    assertThat(classes.get(1).get("admitFraction").asDouble()).isEqualTo(1.0);
    JsonNode sheddable = classes.get(3);
    assertThat(sheddable.get("priority").asText()).isEqualTo("sheddable");
    assertThat(sheddable.get("admitFraction").asDouble()).isBetween(0.0, 0.5);
    assertThat(sheddable.get("shedPercent").asInt())
        .isEqualTo((int) Math.round(100 * (1 - sheddable.get("admitFraction").asDouble())));
    assertThat(admission.get("reason").get("code").asText()).isEqualTo("DEFICIT");
    assertThat(admission.get("reason").get("capacityRps").asDouble()).isPositive();
    Instant decided = Instant.parse(admission.get("decidedAt").asText());
    assertThat(Instant.parse(admission.get("validUntil").asText())).isEqualTo(decided.plusSeconds(20));
    assertThat(admission.get("retryAfterSeconds").asLong()).isEqualTo(5);
  }

  @Test
  void a_service_that_decided_nothing_has_no_admission() {
    TestNode.Answer answer = node.get("/v1/services/nobody/admission");

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.body().get("error").asText()).isEqualTo("not_found");
  }

  @Test
  void a_stream_sends_the_current_admission_then_its_changes_and_a_reconnect_gets_what_it_missed() throws Exception {
    try (Load load = overload("streamed")) {
      JsonNode shedding = shedding("streamed");

      Events first = Events.open("/v1/services/streamed/admission/stream", null);
      Event current = first.next(e -> true);
      assertThat(current.type).isEqualTo("admission");
      assertThat(current.data.get("shedding").asBoolean()).isTrue();
      assertThat(Long.parseLong(current.id)).isGreaterThanOrEqualTo(shedding.get("seq").asLong());
      first.close();

      // While nobody listens, the load drops: shedding is lifted.
      load.critical = 50;
      load.sheddable = 50;
      await("/v1/services/streamed/admission", a -> !a.get("shedding").asBoolean());

      Events resumed = Events.open("/v1/services/streamed/admission/stream", current.id);
      Event missed = resumed.next(e -> true);
      assertThat(Long.parseLong(missed.id)).isGreaterThan(Long.parseLong(current.id));
      Event lifted = resumed.next(e -> !e.data.get("shedding").asBoolean());
      assertThat(lifted.data.get("classes").get(3).get("shedPercent").asInt()).isZero();
      resumed.close();

      // A live consumer sees the next change as it happens.
      Events live = Events.open("/v1/services/streamed/admission/stream", null);
      live.next(e -> !e.data.get("shedding").asBoolean());
      load.critical = 100;
      load.sheddable = 300;
      shedding("streamed");
      Event shedAgain = live.next(e -> e.data.get("shedding").asBoolean());
      assertThat(shedAgain.data.get("reason").get("code").asText()).isEqualTo("DEFICIT");
      live.close();
    }
  }

  @Test
  void the_stream_of_all_services_starts_with_each_services_admission_and_sends_heartbeats() throws Exception {
    try (Load a = overload("all-a"); Load b = overload("all-b")) {
      shedding("all-a");
      shedding("all-b");

      Events all = Events.open("/v1/admission/stream", null);
      Event first = all.next(e -> e.data.get("service").asText().equals("all-a"));
      Event second = all.next(e -> e.data.get("service").asText().equals("all-b"));
      assertThat(first.id).startsWith("all-a:");
      assertThat(second.id).startsWith("all-b:");
      assertThat(all.heartbeats.poll(5, TimeUnit.SECONDS)).isNotNull();
      all.close();
    }
  }

  @Test
  void a_last_event_id_that_is_no_sequence_number_is_refused() {
    TestNode.Answer answer = node.send(HttpRequest.newBuilder(
            URI.create(node.baseUri() + "/v1/services/streamed/admission/stream"))
        .header("Last-Event-ID", "yesterday").GET().build());

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().get("field").asText()).isEqualTo("Last-Event-ID");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  record Event(String id, String type, JsonNode data) {}

  /** A Server-Sent Events consumer: events and heartbeats land in queues as they arrive. */
  static final class Events implements AutoCloseable {
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final BlockingQueue<String> heartbeats = new LinkedBlockingQueue<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;

    private Events(CompletableFuture<HttpResponse<Stream<String>>> response) {
      this.response = response;
    }

    static Events open(String path, String lastEventId) throws Exception {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUri() + path))
          .header("Accept", "text/event-stream").GET();
      if (lastEventId != null) {
        request.header("Last-Event-ID", lastEventId);
      }
      var response = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
      Events events = new Events(response);
      HttpResponse<Stream<String>> answer = response.get(10, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
          t -> assertThat(t).startsWith("text/event-stream"));
      Thread reader = new Thread(() -> events.read(answer.body()), "sse-reader");
      reader.setDaemon(true);
      reader.start();
      return events;
    }

    private void read(Stream<String> lines) {
      String id = null;
      String type = null;
      StringBuilder data = new StringBuilder();
      boolean any = false;
      try {
        for (String line : (Iterable<String>) lines::iterator) {
          if (line.isEmpty()) {
            if (data.length() > 0) {
              events.add(new Event(id, type, JSON.readTree(data.toString())));
            } else if (any) {
              // An event without data, or a comment: a heartbeat.
              heartbeats.add("heartbeat");
            }
            id = null;
            type = null;
            data.setLength(0);
            any = false;
            continue;
          }
          any = true;
          if (line.startsWith(":")) {
            continue;
          } else if (line.startsWith("id:")) {
            id = line.substring(3).strip();
          } else if (line.startsWith("event:")) {
            type = line.substring(6).strip();
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5).strip());
          }
        }
      } catch (Exception e) {
        // The stream was closed.
      }
    }

    Event next(Predicate<Event> matching) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        Event e = events.poll(200, TimeUnit.MILLISECONDS);
        if (e != null && matching.test(e)) {
          return e;
        }
      }
      throw new AssertionError("no matching event in time");
    }

    @Override
    public void close() {
      response.thenAccept(r -> r.body().close());
    }
  }
}
