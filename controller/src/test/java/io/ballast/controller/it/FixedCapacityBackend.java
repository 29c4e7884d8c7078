package io.ballast.controller.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A real HTTP service with a known capacity, for tests that overload it: {@code workers} threads each take
 * {@code serviceTime} per request, so it serves at most {@code workers / serviceTime} requests per second and
 * queues the rest (unboundedly, like a server with a deep accept queue). Counts what it served per
 * {@code X-Priority} value, so a test can tell what got past the load shedder.
 */
final class FixedCapacityBackend implements AutoCloseable {

  static final String NO_PRIORITY = "(none)";
  private static final byte[] BODY = "ok\n".getBytes(StandardCharsets.US_ASCII);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final HttpServer server;
  private final ExecutorService pool;
  private final int workers;
  private final Duration serviceTime;
  private final Map<String, LongAdder> served = new ConcurrentHashMap<>();

  private FixedCapacityBackend(HttpServer server, ExecutorService pool, int workers, Duration serviceTime) {
    this.server = server;
    this.pool = pool;
    this.workers = workers;
    this.serviceTime = serviceTime;
  }

  /** Starts on 127.0.0.1, on an ephemeral port. */
  static FixedCapacityBackend start(int workers, Duration serviceTime) throws IOException {
    if (workers < 1 || serviceTime.isNegative()) {
      throw new IllegalArgumentException("need at least one worker and a non-negative service time");
    }
    // Without TCP_NODELAY the JDK server's small answers wait on delayed ACKs (~40 ms each): the capacity
    // would be far below workers / service time.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    int instance = INSTANCES.incrementAndGet();
    AtomicInteger thread = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(workers, task -> {
      Thread t = new Thread(task, "backend-" + instance + "-worker-" + thread.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    FixedCapacityBackend backend = new FixedCapacityBackend(server, pool, workers, serviceTime);
    server.createContext("/", backend::handle);
    server.setExecutor(pool);
    server.start();
    return backend;
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Requests per second it can serve at most. */
  double capacityRps() {
    return serviceTime.isZero() ? Double.POSITIVE_INFINITY : workers / (serviceTime.toNanos() / 1e9);
  }

  /** Requests served so far per X-Priority value ({@value #NO_PRIORITY} for requests without one). */
  Map<String, Long> served() {
    Map<String, Long> counts = new TreeMap<>();
    served.forEach((priority, count) -> counts.put(priority, count.sum()));
    return counts;
  }

  long served(String priority) {
    LongAdder count = served.get(priority);
    return count == null ? 0 : count.sum();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      if (!serviceTime.isZero()) {
        try {
          Thread.sleep(serviceTime.toMillis(), serviceTime.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          exchange.sendResponseHeaders(503, -1);
          return;
        }
      }
      String priority = exchange.getRequestHeaders().getFirst("X-Priority");
      served.computeIfAbsent(priority == null ? NO_PRIORITY : priority, p -> new LongAdder()).increment();
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, BODY.length);
      try (OutputStream body = exchange.getResponseBody()) {
        body.write(BODY);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
