package io.ballast.controller.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load harness for {@code POST /v1/metrics}: {@code workers} clients each send a batch, wait
 * for the durable acknowledgement, and send the next, for a fixed time. Each worker is one source (a load
 * balancer, say) that reports, in every batch, one sample for each of {@code SAMPLES_PER_BATCH} services
 * stamped with the current millisecond: every sample is current and distinct, so every one must be
 * written. Prints throughput and acknowledgement latency.
 *
 * <pre>
 * mvn -q -pl controller exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.ballast.controller.bench.IngestLoad \
 *   -Dexec.args="http://127.0.0.1:8080 WORKERS SAMPLES_PER_BATCH SERVICES SECONDS"
 * </pre>
 */
public final class IngestLoad {

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: IngestLoad BASE_URL WORKERS SAMPLES_PER_BATCH SERVICES SECONDS");
      System.exit(2);
    }
    URI uri = URI.create(args[0] + "/v1/metrics");
    int workers = Integer.parseInt(args[1]);
    int perBatch = Integer.parseInt(args[2]);
    int services = Integer.parseInt(args[3]);
    Duration duration = Duration.ofSeconds(Long.parseLong(args[4]));

    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    AtomicLong sequence = new AtomicLong();
    // Warm up the node and the JIT for a few seconds; only what follows is measured.
    run(client, uri, workers, perBatch, services, Duration.ofSeconds(5), sequence);
    Result result = run(client, uri, workers, perBatch, services, duration, sequence);

    long[] latencies = result.latenciesMicros();
    Arrays.sort(latencies);
    double seconds = duration.toMillis() / 1000.0;
    System.out.printf(Locale.ROOT,
        "workers=%d samples/batch=%d services=%d duration=%.0fs%n"
            + "batches acked=%d (%.0f/s)  samples acked=%d (%.0f/s)  failed=%d%n"
            + "ack latency ms: p50=%.2f p90=%.2f p99=%.2f max=%.2f%n",
        workers, perBatch, services, seconds, latencies.length, latencies.length / seconds,
        result.samples(), result.samples() / seconds, result.failed(),
        pct(latencies, 0.50), pct(latencies, 0.90), pct(latencies, 0.99),
        latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1000.0);
  }

  private record Result(long[] latenciesMicros, long samples, long failed) {}

  private static Result run(HttpClient client, URI uri, int workers, int perBatch, int services, Duration duration,
      AtomicLong sequence) throws Exception {
    long end = System.nanoTime() + duration.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    List<Future<long[]>> futures = new ArrayList<>();
    AtomicLong samples = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    for (int w = 0; w < workers; w++) {
      int worker = w;
      futures.add(pool.submit(() -> {
        long[] latencies = new long[1 << 16];
        int n = 0;
        while (System.nanoTime() < end) {
          String body = batch(worker, perBatch, services, sequence);
          HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build();
          long start = System.nanoTime();
          HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
          long micros = (System.nanoTime() - start) / 1000;
          if (response.statusCode() == 200) {
            if (n == latencies.length) {
              latencies = Arrays.copyOf(latencies, n * 2);
            }
            latencies[n++] = micros;
            samples.addAndGet(perBatch);
          } else {
            failed.incrementAndGet();
          }
        }
        return Arrays.copyOf(latencies, n);
      }));
    }
    List<long[]> parts = new ArrayList<>();
    for (Future<long[]> f : futures) {
      parts.add(f.get());
    }
    pool.shutdown();
    long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
    return new Result(all, samples.get(), failed.get());
  }

  private static String batch(int worker, int perBatch, int services, AtomicLong sequence) {
    StringBuilder json = new StringBuilder("{\"samples\":[");
    // A worker's requests are sequential and take more than a millisecond, so its stamps never repeat.
    String at = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    long first = sequence.getAndAdd(perBatch);
    for (int i = 0; i < perBatch; i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"service\":\"svc-").append((first + i) % services)
          .append("\",\"at\":\"").append(at)
          .append("\",\"periodSeconds\":1,\"priority\":\"critical\",\"requests\":100,\"latencyP50Ms\":10,"
              + "\"latencyP99Ms\":50,\"source\":\"load-").append(worker).append("\"}");
    }
    return json.append("]}").toString();
  }

  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1000.0;
  }
}
