package io.ballast.controller.it;

import io.ballast.controller.TestNode;
import io.ballast.controller.shedding.HaproxyRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How long from a metrics batch that reveals an overload to HAProxy enforcing the new shed level: a real HAProxy
 * (through {@code bin/haproxy}), an in-process node on the embedded journal with 1-second windows, and
 * {@code ROUNDS} overloads, each posted as one batch at a random point of a window while the map is read through
 * the runtime API every 2 ms until it holds the new level. Between rounds the overload stops and shedding is lifted.
 *
 * <p>Reported: batch to HAProxy (what a user sees; includes waiting for the window to close), and window close to
 * HAProxy (the decision, its persistence and the delivery).
 *
 * <pre>
 * mvn -q -B -pl controller exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.ballast.controller.it.ShedLatencyLoad -Dexec.args="50" -Dballast.root=$PWD
 * </pre>
 */
public final class ShedLatencyLoad {

  private ShedLatencyLoad() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    Path dir = Files.createTempDirectory("ballast-shed-latency").toRealPath();
    Path mapFile = dir.resolve("shed.map");
    Files.writeString(mapFile, "");
    String map = mapFile.toString();
    String admin = "unix:" + dir.resolve("admin.sock");
    String config = ShedLoopIT.CONFIG.replace("{DIR}", dir.toString()).replace("{MAP}", map)
        .replace("{FRONTEND_PORT}", Integer.toString(HaproxyServer.freePort()))
        .replace("{BACKEND_1}", Integer.toString(HaproxyServer.freePort()))
        .replace("{BACKEND_2}", Integer.toString(HaproxyServer.freePort()))
        .replace("default-server check", "default-server");
    List<Double> endToEnd = new ArrayList<>();
    List<Double> afterClose = new ArrayList<>();
    java.util.Random phase = new java.util.Random(7);
    try (HaproxyServer haproxy = HaproxyServer.start(config, dir.resolve("run"));
        HaproxyRuntime runtime = new HaproxyRuntime(admin, Duration.ofSeconds(5));
        TestNode node = new TestNode(dir.resolve("ballast"), """
            ballast.observation { window = 1s, grace = 0s, tick-interval = 20ms }
            ballast.shedding.services.checkout.haproxy { address = "%s", map = "%s" }
            ballast.policy.services.checkout {
              min-instances = 2, max-instances = 2, stable-window = 1s, panic.enabled = off
              shedding { instance-capacity-rps = 100, burst-allowance = 0 }
            }
            """.formatted(admin, map))) {
      for (int round = 0; round <= rounds; round++) {
        // Shedding is lifted (no metrics for a window lifts it too): wait until HAProxy holds 0.
        awaitLevel(runtime, map, level -> level == 0);
        // Overloads show up at any point of a window, not just after one closed.
        Thread.sleep(phase.nextInt(1000));
        Instant now = Instant.now();
        // A batch for the second under way: its window closes at the second's end.
        Instant end = now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        if (Duration.between(now, end).toMillis() < 100) {
          end = end.plusSeconds(1);
        }
        long sent = System.nanoTime();
        Instant sentAt = Instant.now();
        TestNode.Answer answer = node.post("/v1/metrics", batch(end, 100, 300));
        if (answer.status() != 200) {
          throw new IllegalStateException("ingest answered " + answer.status() + ": " + answer.body());
        }
        awaitLevel(runtime, map, level -> level > 0);
        long enforced = System.nanoTime();
        double total = (enforced - sent) / 1e6;
        double sinceClose = total - Duration.between(sentAt, end).toNanos() / 1e6;
        if (round > 0) {
          // The first round warms the JIT and opens the connections.
          endToEnd.add(total);
          afterClose.add(sinceClose);
        }
      }
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.out.printf("rounds %d%n", endToEnd.size());
    System.out.printf("batch to HAProxy:        median %.1f ms, p99 %.1f ms, max %.1f ms%n",
        quantile(endToEnd, 0.5), quantile(endToEnd, 0.99), quantile(endToEnd, 1.0));
    System.out.printf("window close to HAProxy: median %.1f ms, p99 %.1f ms, max %.1f ms%n",
        quantile(afterClose, 0.5), quantile(afterClose, 0.99), quantile(afterClose, 1.0));
  }

  private static String batch(Instant at, long critical, long sheddable) {
    return "{\"samples\":[" + sample(at, "critical", critical) + "," + sample(at, "sheddable", sheddable) + "]}";
  }

  private static String sample(Instant at, String priority, long requests) {
    return "{\"service\":\"checkout\",\"at\":\"" + at + "\",\"periodSeconds\":1,\"priority\":\"" + priority
        + "\",\"requests\":" + requests + ",\"instances\":{\"ready\":2}}";
  }

  private static void awaitLevel(HaproxyRuntime runtime, String map, java.util.function.IntPredicate matching)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Map<String, String> held = runtime.showMap(map).toCompletableFuture().get(5, TimeUnit.SECONDS);
      int level = Integer.parseInt(held.getOrDefault("checkout/sheddable", "0"));
      if (matching.test(level)) {
        return;
      }
      Thread.sleep(2);
    }
    throw new IllegalStateException("HAProxy's map did not reach the expected level in 30 s");
  }

  private static double quantile(List<Double> values, double q) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
