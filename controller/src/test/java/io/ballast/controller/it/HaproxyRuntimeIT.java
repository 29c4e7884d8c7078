package io.ballast.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ballast.controller.shedding.HaproxyException;
import io.ballast.controller.shedding.HaproxyRuntime;
import io.ballast.controller.shedding.HaproxyRuntime.TableEntry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ballast's enforcement in a real HAProxy 2.6: shed levels set through the runtime API (over a unix socket and
 * over TCP) take effect on the next request, and the counters HAProxy keeps per priority class can be read back.
 * The config below is the documented one; only ports and paths are filled in.
 */
class HaproxyRuntimeIT {

  /** The documented enforcement config; {DIR}, {MAP}, {ADMIN_PORT}, {FRONTEND_PORT}, {BACKEND_PORT} filled in. */
  static final String CONFIG = """
      global
        log stderr format raw local0 info
        stats socket {DIR}/admin.sock mode 600 level admin
        stats socket ipv4@127.0.0.1:{ADMIN_PORT} level admin
        stats timeout 10s

      defaults
        mode http
        log global
        option httplog
        timeout connect 2s
        timeout client 10s
        timeout server 10s

      frontend checkout
        bind 127.0.0.1:{FRONTEND_PORT}
        # The class is the X-Priority header; requests without one are the least important class.
        http-request set-var(txn.priority) req.hdr(X-Priority),lower
        http-request set-var(txn.priority) str(sheddable) unless { var(txn.priority) -m found }
        http-request track-sc0 var(txn.priority) table priorities
        # Percentage to shed, 0-100, at key <service>/<class> of the map Ballast sets; 0 when absent.
        http-request set-var-fmt(txn.shed_key) "checkout/%[var(txn.priority)]"
        http-request set-var(txn.shed) var(txn.shed_key),map_str_int({MAP},0)
        http-request set-var(txn.retry_after) str(checkout/retry-after),map_str({MAP},5)
        # One draw per request, kept in a variable: an acl on rand() would draw anew at each use.
        http-request set-var(txn.draw) rand(100)
        acl shed var(txn.draw),sub(txn.shed) -m int lt 0
        http-request sc-inc-gpc0(0) if shed
        http-request deny deny_status 503 hdr Retry-After %[var(txn.retry_after)] if shed
        default_backend checkout

      # Per class: requests seen (http_req_cnt) and shed (gpc0).
      backend priorities
        stick-table type string len 32 size 100 expire 10m store http_req_cnt,gpc0,http_req_rate(1s)

      backend checkout
        server app 127.0.0.1:{BACKEND_PORT}
      """;

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private static Path dir;
  private static String map;
  private static String unixAddress;
  private static String tcpAddress;
  private static URI frontend;
  private static FixedCapacityBackend backend;
  private static HaproxyServer haproxy;

  @BeforeAll
  static void startHaproxy() throws Exception {
    dir = Files.createTempDirectory("ballast-haproxy").toRealPath();
    Path mapFile = dir.resolve("shed.map");
    Files.writeString(mapFile, "# <service>/<class> percent-to-shed; <service>/retry-after seconds\n"
        + "checkout/retry-after 7\n");
    map = mapFile.toString();
    // 64 workers at 2 ms: 32,000 rps, far above what the tests send, so only shedding rejects.
    backend = FixedCapacityBackend.start(64, Duration.ofMillis(2));
    int adminPort = HaproxyServer.freePort();
    int frontendPort = HaproxyServer.freePort();
    String config = CONFIG.replace("{DIR}", dir.toString()).replace("{MAP}", map)
        .replace("{ADMIN_PORT}", Integer.toString(adminPort))
        .replace("{FRONTEND_PORT}", Integer.toString(frontendPort))
        .replace("{BACKEND_PORT}", Integer.toString(backend.port()));
    haproxy = HaproxyServer.start(config, dir.resolve("run"));
    unixAddress = "unix:" + dir.resolve("admin.sock");
    tcpAddress = "127.0.0.1:" + adminPort;
    frontend = URI.create("http://127.0.0.1:" + frontendPort + "/");
  }

  @AfterAll
  static void stopHaproxy() throws Exception {
    try {
      if (haproxy != null) {
        haproxy.close();
        // HAProxy's own log (startup, traffic) outlives the temp dir, for post-mortems.
        Path logs = Files.createDirectories(Path.of("target", "it-logs"));
        Files.copy(haproxy.log(), logs.resolve("haproxy-runtime-it.log"), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      if (backend != null) {
        backend.close();
      }
      if (dir != null) {
        try (Stream<Path> paths = Files.walk(dir)) {
          paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
      }
    }
  }

  @Test
  void aShedLevelSetOverTheUnixSocketReadsBackOverBothSockets() throws Exception {
    try (HaproxyRuntime unix = new HaproxyRuntime(unixAddress, WAIT);
        HaproxyRuntime tcp = new HaproxyRuntime(tcpAddress, WAIT)) {
      await(unix.setMap(map, "roundtrip/unix", "12"));
      await(tcp.setMap(map, "roundtrip/tcp", "34"));

      assertThat(await(tcp.showMap(map))).containsEntry("roundtrip/unix", "12").containsEntry("roundtrip/tcp", "34")
          .containsEntry("checkout/retry-after", "7");
      assertThat(await(unix.showMap(map))).containsEntry("roundtrip/tcp", "34");

      await(tcp.setMap(map, "roundtrip/unix", "56"));
      assertThat(await(unix.showMap(map))).containsEntry("roundtrip/unix", "56");
      assertThat(unix.address()).isEqualTo(unixAddress);
    }
  }

  @Test
  void setMapEntriesUpdatesWhatExistsAndAddsWhatIsMissingWithoutDuplicates() throws Exception {
    try (HaproxyRuntime runtime = new HaproxyRuntime(tcpAddress, WAIT)) {
      await(runtime.setMap(map, "entries/a", "1"));
      Map<String, String> entries = new LinkedHashMap<>();
      entries.put("entries/a", "10");
      entries.put("entries/b", "20");
      entries.put("entries/c", "30");

      await(runtime.setMapEntries(map, entries));
      await(runtime.setMapEntries(map, entries));

      assertThat(await(runtime.showMap(map))).containsEntry("entries/a", "10").containsEntry("entries/b", "20")
          .containsEntry("entries/c", "30");
      String raw = await(runtime.command("show map " + map));
      assertThat(raw.lines().filter(line -> line.endsWith(" entries/b 20"))).hasSize(1);
    }
  }

  @Test
  void anUnknownMapFailsWithAnExceptionNamingTheMapAndHaproxysAnswer() {
    try (HaproxyRuntime runtime = new HaproxyRuntime(unixAddress, WAIT)) {
      String missing = dir.resolve("no-such.map").toString();
      for (CompletionStage<?> stage : List.of(runtime.setMap(missing, "checkout/sheddable", "40"),
          runtime.showMap(missing))) {
        assertThatThrownBy(() -> await(stage))
            .isInstanceOf(HaproxyException.class)
            .hasMessageContaining(missing)
            .hasMessageContaining("Unknown map identifier")
            .hasMessageContaining(unixAddress);
      }
      assertThatThrownBy(() -> await(runtime.showTable("no_such_table")))
          .isInstanceOf(HaproxyException.class).hasMessageContaining("no_such_table");
      assertThatThrownBy(() -> await(runtime.command("no such command")))
          .isInstanceOf(HaproxyException.class).hasMessageContaining("Unknown command");
    }
  }

  @Test
  void theStickTableCountsRequestsAndShedsPerClass() throws Exception {
    try (HaproxyRuntime runtime = new HaproxyRuntime(unixAddress, WAIT)) {
      await(runtime.setMapEntries(map, Map.of("checkout/critical", "0", "checkout/sheddable", "100")));
      Map<String, Long> critical = counters(runtime, "critical");
      Map<String, Long> sheddable = counters(runtime, "sheddable");

      for (int i = 0; i < 3; i++) {
        assertThat(get("critical").statusCode()).isEqualTo(200);
      }
      for (int i = 0; i < 2; i++) {
        assertThat(get("sheddable").statusCode()).isEqualTo(503);
      }

      assertThat(counters(runtime, "critical").get("http_req_cnt") - critical.getOrDefault("http_req_cnt", 0L))
          .isEqualTo(3);
      assertThat(counters(runtime, "critical").get("gpc0") - critical.getOrDefault("gpc0", 0L)).isZero();
      assertThat(counters(runtime, "sheddable").get("http_req_cnt") - sheddable.getOrDefault("http_req_cnt", 0L))
          .isEqualTo(2);
      assertThat(counters(runtime, "sheddable").get("gpc0") - sheddable.getOrDefault("gpc0", 0L)).isEqualTo(2);
      assertThat(counters(runtime, "sheddable")).containsKey("http_req_rate");
    }
  }

  @Test
  void showStatHasTheBackendServerRow() throws Exception {
    get("critical");
    try (HaproxyRuntime runtime = new HaproxyRuntime(tcpAddress, WAIT)) {
      List<Map<String, String>> rows = await(runtime.showStat());

      assertThat(rows).anySatisfy(row -> {
        assertThat(row).containsEntry("pxname", "checkout").containsEntry("svname", "app");
        assertThat(Long.parseLong(row.get("stot"))).isPositive();
      });
      assertThat(rows).anySatisfy(row -> assertThat(row).containsEntry("pxname", "checkout")
          .containsEntry("svname", "FRONTEND").containsKeys("scur", "rtime", "ttime", "status", "hrsp_5xx"));
      assertThat(rows).anySatisfy(row -> assertThat(row).containsEntry("svname", "BACKEND")
          .containsEntry("status", "UP"));
    }
  }

  @Test
  void atOneHundredEverySheddableRequestGets503WithTheRetryAfterOfTheMapAndCriticalOnesPass() throws Exception {
    try (HaproxyRuntime runtime = new HaproxyRuntime(unixAddress, WAIT)) {
      await(runtime.setMapEntries(map, Map.of("checkout/sheddable", "100", "checkout/critical", "0",
          "checkout/retry-after", "3")));
      try {
        for (int i = 0; i < 20; i++) {
          HttpResponse<String> shed = get("sheddable");
          assertThat(shed.statusCode()).isEqualTo(503);
          assertThat(shed.headers().firstValue("Retry-After")).hasValue("3");
          assertThat(get("critical").statusCode()).isEqualTo(200);
        }
      } finally {
        await(runtime.setMap(map, "checkout/retry-after", "7"));
      }
    }
  }

  @Test
  void atZeroEveryRequestPasses() throws Exception {
    try (HaproxyRuntime runtime = new HaproxyRuntime(tcpAddress, WAIT)) {
      await(runtime.setMapEntries(map, Map.of("checkout/sheddable", "0", "checkout/critical", "0")));
      long served = backend.served("sheddable");

      for (int i = 0; i < 20; i++) {
        assertThat(get("sheddable").statusCode()).isEqualTo(200);
        assertThat(get("critical").statusCode()).isEqualTo(200);
      }
      assertThat(backend.served("sheddable") - served).isEqualTo(20);
    }
  }

  @Test
  void atFortyAboutFortyPercentOfSheddableLoadIsRejectedAndNoCritical() throws Exception {
    try (HaproxyRuntime runtime = new HaproxyRuntime(unixAddress, WAIT)) {
      await(runtime.setMapEntries(map, Map.of("checkout/sheddable", "40", "checkout/critical", "0")));

      long shedBefore = counters(runtime, "sheddable").getOrDefault("gpc0", 0L);
      PriorityLoad.Result result = PriorityLoad.run(frontend, Map.of("sheddable", 200.0, "critical", 50.0),
          Duration.ofSeconds(3), 64);

      PriorityLoad.Counts sheddable = result.total("sheddable");
      System.out.println("sheddable at 40: " + sheddable + ", rejected " + sheddable.rejectedFraction());
      assertThat(sheddable.sent()).isBetween(590L, 600L);
      assertThat(sheddable.errors() + sheddable.other() + sheddable.skipped()).isZero();
      // n = 600, p = 0.4: one standard deviation is 2 points, so 6 points is three.
      assertThat(sheddable.rejectedFraction()).isCloseTo(0.40, within(0.06));
      assertThat(result.retryAfter("sheddable")).containsOnlyKeys("7");
      // HAProxy counted exactly the requests it shed (and so can report the shed rate back to Ballast).
      assertThat(counters(runtime, "sheddable").get("gpc0") - shedBefore).isEqualTo(sheddable.rejected());
      assertThat(result.total("critical").ok()).isEqualTo(result.total("critical").sent()).isPositive();
      assertThat(result.perSecond().get("sheddable")).hasSize(3);
    }
  }

  @Test
  void anUnreachableAddressFailsWithAnExceptionNamingIt() {
    String closedPort = "127.0.0.1:" + HaproxyServer.freePort();
    String noSocket = dir.resolve("nobody-listens.sock").toString();
    for (String address : List.of(closedPort, noSocket)) {
      try (HaproxyRuntime runtime = new HaproxyRuntime(address, Duration.ofSeconds(2))) {
        assertThatThrownBy(() -> await(runtime.showStat()))
            .isInstanceOf(HaproxyException.class)
            .hasMessageContaining(address)
            .hasMessageContaining("could not connect");
      }
    }
  }

  private static Map<String, Long> counters(HaproxyRuntime runtime, String key) throws Exception {
    return await(runtime.showTable("priorities")).stream()
        .filter(entry -> entry.key().equals(key))
        .map(TableEntry::counters)
        .findFirst().orElse(Map.of());
  }

  private static HttpResponse<String> get(String priority) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(frontend).header("X-Priority", priority)
        .timeout(Duration.ofSeconds(5)).GET().build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The stage's value; its HaproxyException (or other failure) rethrown as is. */
  private static <T> T await(CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
