package io.ballast.controller.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.ballast.controller.Node;
import io.ballast.persistence.event.InstanceCounts;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ballast demo}: the whole loop in one command. A node on the embedded journal, a simulated cloud (the
 * simulator's instance model behind the real webhook adapter: instances boot, then warm up), and a Black Friday
 * story played against them in real time: steady traffic, a fourfold surge within two minutes, held, then back.
 * Each second the demo serves the traffic with the cloud's capacity, sheds what the node says to shed, reports the
 * second to the node as an ingest client would, and prints a line. At the end: a summary, and where the history is.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Play a Black Friday surge against a node and a simulated cloud, and watch Ballast scale and shed.",
        "Starts a node on 127.0.0.1 (journal under --data-dir), a simulated cloud it scales through its webhook "
            + "adapter (instances boot for --boot, then warm up for --warmup), and plays the story in real time "
            + "(about 4 minutes; --short: about 80 s). Ctrl-C stops everything it started."})
public final class DemoCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SERVICE = "shop";
  /** Requests per second one ready instance serves. */
  private static final double MU = 100;
  private static final double CRITICAL_SHARE = 0.3;
  private static final double BASE_RPS = 500;
  private static final double SLO_MS = 300;
  /** Requests waiting longer than this are dropped (errors). */
  private static final double TIMEOUT_SECONDS = 5;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", defaultValue = "8090", description = "The node's HTTP port (default 8090).")
  int port;

  @Option(names = "--data-dir", defaultValue = "demo-data",
      description = "Where the node keeps its journal; the recorded story stays there (default ./demo-data).")
  Path dataDir;

  @Option(names = "--short", description = "A shorter story (about 80 s), for a quick look and for tests.")
  boolean shortStory;

  @Option(names = "--boot", defaultValue = "20", description = "Seconds a new instance boots (default 20).")
  int boot;

  @Option(names = "--warmup", defaultValue = "10", description = "Seconds it then warms up (default 10).")
  int warmup;

  /** The story's phases, in seconds: steady, ramp up to 4x, hold, ramp down, settle. */
  record Story(int steady, int rampUp, int hold, int rampDown, int settle) {
    int length() {
      return steady + rampUp + hold + rampDown + settle;
    }

    int surgeStart() {
      return steady;
    }

    double rate(int t) {
      double peak = 4 * BASE_RPS;
      if (t < steady) {
        return BASE_RPS;
      } else if (t < steady + rampUp) {
        return BASE_RPS + (peak - BASE_RPS) * (t - steady + 1) / rampUp;
      } else if (t < steady + rampUp + hold) {
        return peak;
      } else if (t < steady + rampUp + hold + rampDown) {
        return peak - (peak - BASE_RPS) * (t - steady - rampUp - hold + 1) / rampDown;
      }
      return BASE_RPS;
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (boot < 0 || warmup < 0 || boot > 600 || warmup > 600) {
      spec.commandLine().getErr().println("ballast demo: --boot and --warmup must be within [0, 600] seconds");
      return 2;
    }
    Story story = shortStory ? new Story(15, 20, 25, 10, 10) : new Story(45, 60, 90, 30, 30);
    String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    int initial = (int) Math.ceil(BASE_RPS / (0.7 * MU));
    Files.createDirectories(dataDir);
    // The demo's own lines are the show: the node says only what goes wrong.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    // Ctrl-C (or SIGTERM) ends the story early, not the process: the hook asks the loop to stop and holds the JVM
    // until the demo has summed up what was played and stopped the node and the cloud, in that order. Pekko's own
    // JVM hook is off for the demo's node, so the node is still there to answer the last questions.
    AtomicBoolean stopping = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stopping.set(true);
      try {
        finished.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "ballast-demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return run(story, secret, initial, stopping, out);
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Stopped by a signal: the hook is running, and returns now that the latch is open.
      }
    }
  }

  private int run(Story story, String secret, int initial, AtomicBoolean stopping, PrintWriter out) throws Exception {
    try (SimulatedCloud cloud = new SimulatedCloud(boot, warmup, initial, secret)) {
      Node.Running node = Node.start(Node.configuration(ConfigFactory.parseString("""
          ballast {
            http { host = "127.0.0.1", port = %d }
            persistence.data-dir = "%s"
            observation { window = 1s, grace = 1s, tick-interval = 100ms }
            policy.services.shop {
              min-instances = 2, max-instances = 60
              targets.requests-per-instance = %s
              stable-window = 10s
              scale-down.stabilization-window = 30s
              shedding.instance-capacity-rps = %s
            }
            actuation.services.shop {
              target = webhook
              webhook { url = "http://127.0.0.1:%d/scale", read-url = "http://127.0.0.1:%d/state", secret = "%s" }
              read-interval = 1s, writes-per-second = 5, burst = 5
            }
          }
          pekko.loglevel = WARNING
          pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
          pekko.remote.artery.canonical.port = 0
          pekko.management.http.port = 0
          ballast.management.enabled = off
          """.formatted(port, dataDir.toAbsolutePath().toString().replace("\\", "\\\\"), 0.7 * MU, MU,
          cloud.port(), cloud.port(), secret))));
      try {
        String base = "http://127.0.0.1:" + node.binding().localAddress().getPort();
        Api api = new Api(base, Files.readString(dataDir.resolve("ingest.token")).strip(),
            Files.readString(dataDir.resolve("admin.token")).strip());
        out.println("Ballast demo: a node on " + base + " (journal in " + dataDir + "), a simulated cloud on port "
            + cloud.port() + " (boot " + boot + " s, warm-up " + warmup + " s, " + (int) MU + " req/s per instance)");
        out.println("Watch it at " + base + "/ui/#/services/shop  (log in with the token in "
            + dataDir.resolve("admin.token") + ")");
        out.println();
        Summary summary = play(story, cloud, api, out, stopping);
        summary.print(out, story, cloud, base, dataDir);
      } finally {
        node.system().terminate();
        node.system().getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
      }
    }
    return stopping.get() ? 130 : 0;
  }

  /** What the story did, for the summary. */
  static final class Summary {
    double offeredCritical;
    double goodCritical;
    double offeredSheddable;
    long shedCritical;
    long shedSheddable;
    long dropped;
    int timeToCapacity = -1;
    /** Seconds of the story played: all of it, unless the demo was stopped early. */
    int played;

    void print(PrintWriter out, Story story, SimulatedCloud cloud, String base, Path dataDir) {
      out.println();
      if (played < story.length()) {
        out.println("stopped after " + played + " s of the " + story.length() + " s story");
      }
      out.printf(Locale.ROOT, "critical goodput: %.1f %% of %,.0f requests served within %.0f ms%n",
          100 * goodCritical / Math.max(1, offeredCritical), offeredCritical, SLO_MS);
      out.printf(Locale.ROOT, "shed: %,d critical, %,d sheddable (%.1f %% of sheddable); dropped after %.0f s: %,d%n",
          shedCritical, shedSheddable, 100.0 * shedSheddable / Math.max(1, offeredSheddable), TIMEOUT_SECONDS, dropped);
      out.printf(Locale.ROOT, "instance-hours: %.3f; scale writes to the cloud: %d%n", cloud.instanceHours(),
          cloud.writes());
      out.println("time to capacity (surge start until the cloud's capacity covered the load): "
          + (timeToCapacity < 0 ? "not reached" : timeToCapacity + " s"));
      Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      Instant start = end.minusSeconds(played + 5L);
      out.println();
      out.println("The story is recorded in " + dataDir + ". To replay it:");
      out.println("  BALLAST_DATA_DIR=" + dataDir + " bin/ballast run");
      out.println("  bin/ballast replay shop --token-file " + dataDir.resolve("admin.token"));
      out.println("  " + base.replaceAll(":\\d+$", ":8080") + "/ui/#/services/shop/postmortem?from=" + start + "&to=" + end);
    }
  }

  private Summary play(Story story, SimulatedCloud cloud, Api api, PrintWriter out, AtomicBoolean stopping)
      throws Exception {
    Summary summary = new Summary();
    double[] backlog = new double[2];
    double[] admit = {1, 1};
    String[] classes = {"critical", "sheddable"};
    long next = System.nanoTime();
    for (int t = 0; t < story.length() && !stopping.get(); t++) {
      next += 1_000_000_000L;
      cloud.tick();
      double capacity = cloud.supply() * MU;
      InstanceCounts instances = cloud.instances();
      double offered = story.rate(t);
      double[] offeredByClass = {Math.round(offered * CRITICAL_SHARE), Math.round(offered * (1 - CRITICAL_SHARE))};
      // Serve critical first, then sheddable, from what each admitted and what waited.
      double left = capacity;
      double[] shed = new double[2];
      double[] served = new double[2];
      double[] dropped = new double[2];
      double[] latency = new double[2];
      for (int c = 0; c < 2; c++) {
        shed[c] = Math.round(offeredByClass[c] * (1 - admit[c]));
        double waiting = backlog[c] + offeredByClass[c] - shed[c];
        served[c] = Math.min(waiting, left);
        left -= served[c];
        backlog[c] = waiting - served[c];
        double maxBacklog = capacity * TIMEOUT_SECONDS;
        if (backlog[c] > maxBacklog) {
          dropped[c] = backlog[c] - maxBacklog;
          backlog[c] = maxBacklog;
        }
        // The p99 waits behind the whole backlog ahead of it, at the capacity there is.
        double aheadSeconds = capacity > 0 ? (c == 0 ? backlog[0] : backlog[0] + backlog[1]) / capacity : TIMEOUT_SECONDS;
        latency[c] = 1000 / MU + 1000 * Math.min(TIMEOUT_SECONDS, aheadSeconds);
      }
      summary.offeredCritical += offeredByClass[0];
      summary.offeredSheddable += offeredByClass[1];
      summary.goodCritical += latency[0] <= SLO_MS ? served[0] : 0;
      summary.shedCritical += (long) shed[0];
      summary.shedSheddable += (long) shed[1];
      summary.dropped += (long) (dropped[0] + dropped[1]);
      if (summary.timeToCapacity < 0 && t >= story.surgeStart() + story.rampUp() - 1 && capacity >= offered) {
        summary.timeToCapacity = t - story.surgeStart();
      }
      Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      StringBuilder batch = new StringBuilder("{\"samples\":[");
      for (int c = 0; c < 2; c++) {
        batch.append(c == 0 ? "" : ",").append(String.format(Locale.ROOT,
            "{\"service\":\"%s\",\"at\":\"%s\",\"periodSeconds\":1,\"priority\":\"%s\",\"requests\":%d,\"shed\":%d,"
                + "\"errors\":%d,\"latencyP99Ms\":%.1f,\"instances\":{\"ready\":%d,\"warming\":%d,\"booting\":%d},"
                + "\"source\":\"demo-lb\"}",
            SERVICE, at, classes[c], (long) offeredByClass[c], (long) shed[c], (long) dropped[c], latency[c],
            instances.ready(), instances.warming(), instances.booting()));
      }
      api.ingest(batch.append("]}").toString());
      JsonNode status = api.get("/v1/services/" + SERVICE);
      JsonNode admission = api.get("/v1/services/" + SERVICE + "/admission");
      if (admission != null) {
        for (JsonNode a : admission.path("classes")) {
          int c = a.path("priority").asText().equals("critical") ? 0 : 1;
          admit[c] = a.path("admitFraction").asDouble(1);
        }
      }
      String reason = status == null || status.path("lastDecision").isNull() ? "-"
          : status.path("lastDecision").path("explanation").asText("-");
      out.printf(Locale.ROOT, "%4ds  offered %5.0f req/s (critical %4.0f)  ready %2d  warming %2d  booting %2d  "
              + "desired %2s  shed sheddable %3.0f%% critical %2.0f%%  | %s%n",
          t, offered, offeredByClass[0], instances.ready(), instances.warming(), instances.booting(),
          status == null ? "?" : status.path("desiredInstances").asText("?"), 100 * (1 - admit[1]),
          100 * (1 - admit[0]), reason.length() > 70 ? reason.substring(0, 70) + "…" : reason);
      out.flush();
      summary.played = t + 1;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
      }
    }
    return summary;
  }

  /** The node's API as an ingest client and an operator call it. */
  private static final class Api {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private final String ingestToken;
    private final String adminToken;

    Api(String base, String ingestToken, String adminToken) {
      this.base = base;
      this.ingestToken = ingestToken;
      this.adminToken = adminToken;
    }

    void ingest(String batch) throws Exception {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/metrics"))
          .header("Authorization", "Bearer " + ingestToken).header("Content-Type", "application/json")
          .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(batch)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("the node refused the demo's metrics: " + r.statusCode() + " " + r.body());
      }
    }

    JsonNode get(String path) throws Exception {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
          .header("Authorization", "Bearer " + adminToken).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    }
  }
}
