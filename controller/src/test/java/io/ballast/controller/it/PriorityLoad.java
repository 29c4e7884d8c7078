package io.ballast.controller.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator: requests go out on a fixed schedule per priority class, evenly spaced, whatever
 * the answers, as real users do (a closed loop would slow down exactly when the service does and hide overload).
 * Each request carries {@code X-Priority: <class>}. A bound on requests in flight keeps a stalled target from
 * piling up connections: a request due while the bound is reached is not sent and counts as skipped. The run
 * ends by itself: sending stops after {@code duration}, and answers are awaited at most the request timeout
 * longer; requests still unanswered then count as errors.
 *
 * <p>Everything is counted per class and per second of the run (by when the request was sent), so a test can
 * compute, for example, the rejected fraction over any interval: {@code result.between("sheddable", 1, 3)}.
 */
final class PriorityLoad {

  static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /** What happened to the requests of one class over some interval. */
  record Counts(long sent, long ok, long rejected, long other, long errors, long skipped) {
    static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0);

    Counts plus(Counts o) {
      return new Counts(sent + o.sent, ok + o.ok, rejected + o.rejected, other + o.other, errors + o.errors,
          skipped + o.skipped);
    }

    /** Requests that got an HTTP answer (2xx, 503 or anything else), not a timeout or connection error. */
    long answered() {
      return ok + rejected + other;
    }

    /** 503s among the answered requests; NaN when none was answered. */
    double rejectedFraction() {
      return answered() == 0 ? Double.NaN : (double) rejected / answered();
    }
  }

  /**
   * The outcome of a run. {@code perSecond.get(cls).get(i)} covers requests sent in second {@code i} of the run;
   * {@code retryAfter.get(cls)} counts the {@code Retry-After} values seen on that class's 503s.
   */
  record Result(Duration duration, Map<String, Counts> totals, Map<String, List<Counts>> perSecond,
      Map<String, Map<String, Long>> retryAfter) {

    Counts total(String cls) {
      return totals.getOrDefault(cls, Counts.ZERO);
    }

    /** Requests of the class sent from second {@code fromSecond} (inclusive) to {@code toSecond} (exclusive). */
    Counts between(String cls, int fromSecond, int toSecond) {
      List<Counts> seconds = perSecond.getOrDefault(cls, List.of());
      Counts sum = Counts.ZERO;
      for (int i = Math.max(0, fromSecond); i < Math.min(toSecond, seconds.size()); i++) {
        sum = sum.plus(seconds.get(i));
      }
      return sum;
    }

    Map<String, Long> retryAfter(String cls) {
      return retryAfter.getOrDefault(cls, Map.of());
    }
  }

  private static final int SENT = 0;
  private static final int OK = 1;
  private static final int REJECTED = 2;
  private static final int OTHER = 3;
  private static final int ERRORS = 4;
  private static final int SKIPPED = 5;

  private final Map<String, long[][]> counts = new LinkedHashMap<>();
  private final Map<String, Map<String, Long>> retryAfter = new LinkedHashMap<>();
  private boolean frozen;

  private PriorityLoad(Iterable<String> classes, int seconds) {
    for (String cls : classes) {
      counts.put(cls, new long[seconds][6]);
      retryAfter.put(cls, new TreeMap<>());
    }
  }

  static Result run(URI target, Map<String, Double> ratesPerClass, Duration duration, int maxInFlight)
      throws InterruptedException {
    return run(target, ratesPerClass, duration, maxInFlight, DEFAULT_REQUEST_TIMEOUT);
  }

  /** Sends {@code ratesPerClass} requests per second to {@code target} for {@code duration}, then returns. */
  static Result run(URI target, Map<String, Double> ratesPerClass, Duration duration, int maxInFlight,
      Duration requestTimeout) throws InterruptedException {
    if (maxInFlight < 1 || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("need maxInFlight >= 1 and a positive duration");
    }
    ratesPerClass.forEach((cls, rate) -> {
      if (!(rate >= 0) || Double.isInfinite(rate)) {
        throw new IllegalArgumentException("rate of " + cls + " must be a finite number >= 0, not " + rate);
      }
    });
    long durationNanos = duration.toNanos();
    int seconds = (int) Math.max(1, (durationNanos + 999_999_999L) / 1_000_000_000L);
    PriorityLoad load = new PriorityLoad(ratesPerClass.keySet(), seconds);

    AtomicInteger thread = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4, task -> {
      Thread t = new Thread(task, "priority-load-" + thread.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(requestTimeout)
        .executor(pool)
        .build();
    Semaphore inFlight = new Semaphore(maxInFlight);
    try {
      // The next due time of each class, earliest first: request i of a class with rate r is due at i / r.
      record Due(long atNanos, String cls, long index, double rate) {}
      PriorityQueue<Due> schedule = new PriorityQueue<>((a, b) -> Long.compare(a.atNanos, b.atNanos));
      ratesPerClass.forEach((cls, rate) -> {
        if (rate > 0) {
          schedule.add(new Due(0, cls, 0, rate));
        }
      });
      long start = System.nanoTime();
      while (!schedule.isEmpty()) {
        Due due = schedule.poll();
        if (due.atNanos >= durationNanos) {
          continue;
        }
        long wait = start + due.atNanos - System.nanoTime();
        while (wait > 0) {
          LockSupport.parkNanos(wait);
          if (Thread.interrupted()) {
            throw new InterruptedException();
          }
          wait = start + due.atNanos - System.nanoTime();
        }
        int second = (int) (due.atNanos / 1_000_000_000L);
        if (inFlight.tryAcquire()) {
          load.count(due.cls, second, SENT);
          HttpRequest request = HttpRequest.newBuilder(target)
              .timeout(requestTimeout)
              .header("X-Priority", due.cls)
              .GET()
              .build();
          client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            try {
              load.answer(due.cls, second, response, failure);
            } finally {
              inFlight.release();
            }
          });
        } else {
          load.count(due.cls, second, SKIPPED);
        }
        long next = due.index + 1;
        schedule.add(new Due((long) (next * 1e9 / due.rate), due.cls, next, due.rate));
      }
      // Bounded: every request has the request timeout; a little more for the client to report it.
      inFlight.tryAcquire(maxInFlight, requestTimeout.toMillis() + 2_000, TimeUnit.MILLISECONDS);
      return load.result(duration);
    } finally {
      pool.shutdownNow();
    }
  }

  private synchronized void count(String cls, int second, int what) {
    if (!frozen) {
      counts.get(cls)[second][what]++;
    }
  }

  private synchronized void answer(String cls, int second, HttpResponse<?> response, Throwable failure) {
    if (frozen) {
      return;
    }
    long[] c = counts.get(cls)[second];
    if (failure != null || response == null) {
      c[ERRORS]++;
    } else if (response.statusCode() / 100 == 2) {
      c[OK]++;
    } else if (response.statusCode() == 503) {
      c[REJECTED]++;
      String value = response.headers().firstValue("Retry-After").orElse("(none)");
      retryAfter.get(cls).merge(value, 1L, Long::sum);
    } else {
      c[OTHER]++;
    }
  }

  /** Freezes the counts; whatever was sent and is still unanswered becomes an error. */
  private synchronized Result result(Duration duration) {
    frozen = true;
    Map<String, Counts> totals = new LinkedHashMap<>();
    Map<String, List<Counts>> perSecond = new LinkedHashMap<>();
    Map<String, Map<String, Long>> retries = new LinkedHashMap<>();
    counts.forEach((cls, seconds) -> {
      List<Counts> timeline = new ArrayList<>(seconds.length);
      Counts total = Counts.ZERO;
      for (long[] c : seconds) {
        long unanswered = c[SENT] - c[OK] - c[REJECTED] - c[OTHER] - c[ERRORS];
        Counts one = new Counts(c[SENT], c[OK], c[REJECTED], c[OTHER], c[ERRORS] + unanswered, c[SKIPPED]);
        timeline.add(one);
        total = total.plus(one);
      }
      totals.put(cls, total);
      perSecond.put(cls, Collections.unmodifiableList(timeline));
      retries.put(cls, Collections.unmodifiableMap(new TreeMap<>(retryAfter.get(cls))));
    });
    return new Result(duration, Collections.unmodifiableMap(totals), Collections.unmodifiableMap(perSecond),
        Collections.unmodifiableMap(retries));
  }
}
