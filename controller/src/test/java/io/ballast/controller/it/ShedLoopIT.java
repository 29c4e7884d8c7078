package io.ballast.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.controller.TestNode;
import io.ballast.controller.shedding.HaproxyRuntime;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The whole shedding loop with real parts: HAProxy in front of a backend of fixed capacity, a load of two
 * priority classes above it, HAProxy's counters feeding Ballast, Ballast writing the shed levels into HAProxy's
 * map. HAProxy rejects what Ballast decided, spares the class capacity covers, survives its own restart, and stops
 * shedding once a second server comes up.
 */
class ShedLoopIT {

  /** The README's HAProxy configuration, with {DIR}, {MAP}, {FRONTEND_PORT}, {BACKEND_1}, {BACKEND_2} filled in. */
  static final String CONFIG = """
      global
        log stderr format raw local0 info
        stats socket {DIR}/admin.sock mode 600 level admin
        stats timeout 10s

      defaults
        mode http
        log global
        option httplog
        timeout connect 2s
        timeout client 10s
        timeout server 10s
        timeout queue 2s

      frontend checkout
        bind 127.0.0.1:{FRONTEND_PORT}
        # The class is the X-Priority header (set it at the edge); no header is the least important class.
        http-request set-var(txn.priority) req.hdr(X-Priority),lower
        http-request set-var(txn.priority) str(sheddable) unless { var(txn.priority) -m found }
        # Ballast's counters: requests offered per class (http_req_cnt) and shed (gpc0).
        http-request track-sc0 var(txn.priority) table checkout_classes
        # Ballast's decision: percent to shed per class, a Retry-After, and until when it holds.
        http-request set-var-fmt(txn.shed_key) "checkout/%[var(txn.priority)]"
        http-request set-var(txn.shed) var(txn.shed_key),map_str_int({MAP},0)
        http-request set-var(txn.retry_after) str(checkout/retry-after),map_str({MAP},5)
        http-request set-var(txn.shed_until) str(checkout/valid-until),map_str_int({MAP},0)
        # One draw per request; an acl on rand() itself would draw anew at each use.
        http-request set-var(txn.draw) rand(100)
        acl shed var(txn.draw),sub(txn.shed) -m int lt 0
        acl shed_in_force date,sub(txn.shed_until) -m int lt 0
        http-request sc-inc-gpc0(0) if shed shed_in_force
        http-request deny deny_status 503 hdr Retry-After %[var(txn.retry_after)] if shed shed_in_force
        default_backend checkout

      backend checkout_classes
        stick-table type string len 32 size 100 expire 1h store http_req_cnt,gpc0

      backend checkout
        default-server check inter 500ms rise 1 fall 2 maxconn 10
        server s1 127.0.0.1:{BACKEND_1}
        server s2 127.0.0.1:{BACKEND_2} disabled
      """;

  private static final String CRITICAL = "critical";
  private static final String SHEDDABLE = "sheddable";

  private TestNode node;

  @Test
  void haproxy_sheds_what_ballast_decides_and_stops_once_capacity_is_added() throws Exception {
    Path dir = Files.createTempDirectory("ballast-shed-loop").toRealPath();
    Path mapFile = dir.resolve("shed.map");
    Files.writeString(mapFile, "# written by Ballast through the runtime API\n");
    String map = mapFile.toString();
    String admin = "unix:" + dir.resolve("admin.sock");
    // Two servers of 200 requests a second each (10 workers, 50 ms a request); only the first is up.
    try (FixedCapacityBackend one = FixedCapacityBackend.start(10, Duration.ofMillis(50));
        FixedCapacityBackend two = FixedCapacityBackend.start(10, Duration.ofMillis(50))) {
      int frontendPort = HaproxyServer.freePort();
      String config = CONFIG.replace("{DIR}", dir.toString()).replace("{MAP}", map)
          .replace("{FRONTEND_PORT}", Integer.toString(frontendPort))
          .replace("{BACKEND_1}", Integer.toString(one.port())).replace("{BACKEND_2}", Integer.toString(two.port()));
      HaproxyServer haproxy = HaproxyServer.start(config, dir.resolve("run"));
      try (HaproxyRuntime runtime = new HaproxyRuntime(admin, Duration.ofSeconds(5))) {
        node = new TestNode(dir.resolve("ballast"), """
            ballast.observation { window = 1s, grace = 1s, tick-interval = 100ms }
            ballast.shedding {
              ttl = 10s
              refresh = 3s
              services.checkout {
                haproxy { address = "%1$s", map = "%2$s", verify-every = 1s }
                haproxy-metrics { address = "%1$s", table = checkout_classes, backend = checkout }
              }
            }
            ballast.policy.services.checkout {
              min-instances = 1
              max-instances = 4
              targets.requests-per-instance = 150
              stable-window = 2s
              panic.enabled = off
              shedding { instance-capacity-rps = 200, max-utilization = 0.7, burst-allowance = 0 }
            }
            """.formatted(admin, map));
        URI target = URI.create("http://127.0.0.1:" + frontendPort + "/");
        Instant start = Instant.now();
        // 80 critical and 160 sheddable requests a second: 240 for one server of 200, of which Ballast admits 70 %
        // so that the queue built up before it reacts drains quickly.
        CompletableFuture<PriorityLoad.Result> run = CompletableFuture.supplyAsync(() -> {
          try {
            return PriorityLoad.run(target, Map.of(CRITICAL, 80.0, SHEDDABLE, 160.0), Duration.ofSeconds(50), 600);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });

        // Ballast sees the overload in HAProxy's counters and sheds the sheddable class.
        JsonNode decided = awaitAdmission(a -> a.get("shedding").asBoolean());
        sleepSeconds(5);
        decided = admission();
        int steadyFrom = secondsSince(start) + 1;
        double admitted = admitFraction(decided, SHEDDABLE);
        int shedPercent = shedPercent(decided, SHEDDABLE);
        assertThat(admitFraction(decided, CRITICAL)).isEqualTo(1.0);
        assertThat(await(runtime.showMap(map))).containsEntry("checkout/sheddable", Integer.toString(shedPercent))
            .containsEntry("checkout/critical", "0");
        sleepSeconds(8);
        int steadyTo = secondsSince(start);
        assertThat(admitFraction(admission(), SHEDDABLE)).as("the level held while it was measured: %s",
            node.get("/v1/services/checkout").body()).isEqualTo(admitted);

        // HAProxy restarts and forgets its runtime changes: Ballast records the failure, the admission API keeps
        // serving decisions (with HAProxy's counters gone too, the metric-outage policy lifts shedding until they
        // are back), and the levels are written again once HAProxy is.
        haproxy.close();
        awaitEvent("ShedDeliveryFailed");
        assertThat(admission().get("decidedAt").asText()).isNotEmpty();
        haproxy = HaproxyServer.start(config, dir.resolve("run"));
        awaitEvent("ShedDelivered", "ShedDeliveryFailed");
        assertThat(await(runtime.showMap(map))).containsKey("checkout/sheddable");

        // A second server comes up: capacity covers demand, shedding is lifted.
        await(runtime.command("set server checkout/s2 state ready"));
        awaitAdmission(a -> !a.get("shedding").asBoolean());
        sleepSeconds(3);
        int liftedFrom = secondsSince(start) + 1;
        sleepSeconds(6);
        int liftedTo = secondsSince(start);

        PriorityLoad.Result result = run.get(90, TimeUnit.SECONDS);
        PriorityLoad.Counts shedding = result.between(SHEDDABLE, steadyFrom, steadyTo);
        PriorityLoad.Counts criticalWhileShedding = result.between(CRITICAL, steadyFrom, steadyTo);
        PriorityLoad.Counts lifted = result.between(SHEDDABLE, liftedFrom, liftedTo);
        Files.writeString(Path.of("target", "shed-loop-it.txt"), """
            decided admit fraction of sheddable %.4f (shed %d %%), measured seconds %d-%d
            sheddable while shedding: %s -> rejected %.4f
            critical while shedding:  %s
            sheddable after capacity was added (seconds %d-%d): %s
            """.formatted(admitted, shedPercent, steadyFrom, steadyTo, shedding, shedding.rejectedFraction(),
            criticalWhileShedding, liftedFrom, liftedTo, lifted) + timeline(result));

        assertThat(shedding.answered()).isGreaterThan(1000);
        // HAProxy rejects each request with the decided probability: allow four standard deviations of a binomial.
        double sigma = Math.sqrt(admitted * (1 - admitted) / shedding.answered());
        assertThat(shedding.rejectedFraction()).as("HAProxy rejects what Ballast decided (sigma %.4f)", sigma)
            .isCloseTo(1 - admitted, within(4 * sigma));
        assertThat(criticalWhileShedding.rejected()).as("capacity covers the critical class").isZero();
        assertThat(criticalWhileShedding.ok()).isGreaterThan(500);
        assertThat(result.retryAfter().get(SHEDDABLE)).isNotEmpty();
        assertThat(lifted.answered()).isGreaterThan(600);
        assertThat(lifted.rejectedFraction()).as("shedding is lifted once capacity is added").isLessThan(0.01);

        // The time to live is in HAProxy's hands too: levels whose deadline passed shed nothing.
        node.close();
        node = null;
        await(runtime.setMapEntries(map, Map.of("checkout/sheddable", "100",
            "checkout/valid-until", Long.toString(Instant.now().getEpochSecond() - 1))));
        PriorityLoad.Result expired = PriorityLoad.run(target, Map.of(SHEDDABLE, 50.0), Duration.ofSeconds(2), 50);
        assertThat(expired.total(SHEDDABLE).rejected()).isZero();
        assertThat(expired.total(SHEDDABLE).ok()).isGreaterThan(50);
      } finally {
        if (node != null) {
          node.close();
        }
        haproxy.close();
        Path logs = Files.createDirectories(Path.of("target", "it-logs"));
        Files.copy(haproxy.log(), logs.resolve("haproxy-shed-loop-it.log"), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static String timeline(PriorityLoad.Result result) {
    StringBuilder text = new StringBuilder("second  critical ok/503  sheddable ok/503\n");
    for (int i = 0; i < result.perSecond().get(CRITICAL).size(); i++) {
      PriorityLoad.Counts c = result.perSecond().get(CRITICAL).get(i);
      PriorityLoad.Counts s = result.perSecond().get(SHEDDABLE).get(i);
      text.append("%6d  %6d/%-6d  %6d/%-6d%n".formatted(i, c.ok(), c.rejected(), s.ok(), s.rejected()));
    }
    return text.append("Retry-After on 503s: ").append(result.retryAfter()).append('\n').toString();
  }

  private JsonNode admission() {
    TestNode.Answer answer = node.get("/v1/services/checkout/admission");
    assertThat(answer.status()).as("admission answer %s", answer.body()).isEqualTo(200);
    return answer.body();
  }

  private JsonNode awaitAdmission(Predicate<JsonNode> matching) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      TestNode.Answer answer = node.get("/v1/services/checkout/admission");
      if (answer.status() == 200) {
        last = answer.body();
        if (matching.test(last)) {
          return last;
        }
      }
      sleepMillis(200);
    }
    throw new AssertionError("the admission did not become as expected in 30 s; the last: " + last);
  }

  /** Waits for an event of type {@code type} recorded after the last one of type {@code after} (if any). */
  private void awaitEvent(String type, String... after) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Map<String, Long> lastSeq = new LinkedHashMap<>();
      for (long from = 1; ; ) {
        JsonNode page = node.get("/v1/services/checkout/events?limit=1000&from=" + from).body();
        for (JsonNode e : page.get("events")) {
          lastSeq.put(e.get("type").asText(), e.get("seq").asLong());
        }
        if (page.get("next") == null || page.get("next").isNull()) {
          break;
        }
        from = page.get("next").get("from").asLong();
      }
      Long seen = lastSeq.get(type);
      boolean later = seen != null;
      for (String other : after) {
        later &= lastSeq.getOrDefault(other, 0L) < seen;
      }
      if (later) {
        return;
      }
      sleepMillis(300);
    }
    throw new AssertionError("no " + type + " event was recorded in 30 s");
  }

  private static double admitFraction(JsonNode admission, String priority) {
    for (JsonNode c : admission.get("classes")) {
      if (c.get("priority").asText().equals(priority)) {
        return c.get("admitFraction").asDouble();
      }
    }
    throw new AssertionError("no class " + priority + " in " + admission);
  }

  private static int shedPercent(JsonNode admission, String priority) {
    for (JsonNode c : admission.get("classes")) {
      if (c.get("priority").asText().equals(priority)) {
        return c.get("shedPercent").asInt();
      }
    }
    throw new AssertionError("no class " + priority + " in " + admission);
  }

  private static int secondsSince(Instant start) {
    return (int) Duration.between(start, Instant.now()).toSeconds();
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static void sleepSeconds(int seconds) {
    sleepMillis(seconds * 1000L);
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
