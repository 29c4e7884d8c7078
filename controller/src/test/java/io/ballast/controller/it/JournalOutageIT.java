package io.ballast.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Cassandra goes away under a running node and comes back. Meanwhile ingest answers 503 with Retry-After and
 * never 2xx, status and history say the journal is unavailable, and the node keeps running; afterwards ingest
 * works again without a restart, and every sample acknowledged before, during or after the outage is in the
 * journal.
 */
class JournalOutageIT {

  private static final String SERVICE = "outage";
  private final Path logs = Path.of("target", "it-logs");

  @Test
  void nothingAcknowledgedIsLostWhenTheJournalGoesAwayAndComesBack() throws Exception {
    Files.createDirectories(logs);
    Map<String, String> env = Journals.environment("cassandra", "outage");
    try (NodeProcess node = NodeProcess.start(Files.createTempDirectory("ballast-outage"),
        logs.resolve("outage.log"), env)) {
      Sender sender = new Sender(node);
      Thread sending = new Thread(sender, "sender");
      sending.start();
      try {
        sender.awaitAcknowledged(20, Duration.ofSeconds(30));

        CassandraServer.stop();
        sender.awaitRefused(5, Duration.ofSeconds(30));
        // Writes in flight when Cassandra stopped have been answered by now: from here on, nothing may be acked.
        long ackedWhenDown = sender.acknowledged.get();
        awaitJournalDown(node);
        NodeProcess.Answer history = node.get("/v1/services/" + SERVICE + "/events");
        assertThat(history.status()).isEqualTo(503);
        assertThat(history.body().get("error").asText()).isEqualTo("journal_unavailable");
        assertThat(history.retryAfter()).isNotNull();
        Thread.sleep(3000);
        assertThat(node.alive()).isTrue();
        // Cassandra was stopped (bin/cassandra stop waited for it to exit) the whole time: nothing was acknowledged.
        assertThat(sender.acknowledged.get()).as("samples acknowledged while the journal was down")
            .isEqualTo(ackedWhenDown);

        CassandraServer.start();
        sender.awaitAcknowledged(sender.acknowledged.get() + 20, Duration.ofSeconds(90));
      } finally {
        sender.stop.set(true);
        sending.join(30_000);
      }

      assertThat(sender.unexpected.get()).as("answers other than 200 and 503").isZero();
      assertThat(sender.refusedWithoutRetryAfter.get()).as("503 without Retry-After").isZero();
      assertThat(sender.refused.get()).as("refusals during the outage").isPositive();
      assertThat(node.alive()).isTrue();
      long inJournal = awaitCount(node, sender.acknowledged.get());
      // Every acknowledged sample is there. A batch refused because its write outlived the ingest timeout may still
      // have landed (a 503 promises nothing either way), so the journal may hold a few of those too, never more.
      assertThat(inJournal).as("samples in the journal").isGreaterThanOrEqualTo(sender.acknowledged.get())
          .isLessThanOrEqualTo(sender.acknowledged.get() + 2L * sender.refused.get());
      node.stop();
    }
  }

  /** Sends a batch of two current, distinct samples every 20 ms and counts what happens to them. */
  private static final class Sender implements Runnable {
    final NodeProcess node;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong acknowledged = new AtomicLong();
    final AtomicInteger refused = new AtomicInteger();
    final AtomicInteger refusedWithoutRetryAfter = new AtomicInteger();
    final AtomicInteger unexpected = new AtomicInteger();
    private long sequence;

    Sender(NodeProcess node) {
      this.node = node;
    }

    @Override
    public void run() {
      while (!stop.get()) {
        String at = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusMillis(sequence++ % 1000).toString();
        try {
          NodeProcess.Answer answer = node.post("/v1/metrics", "{\"samples\":["
              + sample(at, "critical", "lb-1") + "," + sample(at, "sheddable", "lb-1") + "]}");
          if (answer.status() == 200) {
            acknowledged.addAndGet(answer.body().get("accepted").asLong());
          } else if (answer.status() == 503) {
            refused.incrementAndGet();
            if (answer.retryAfter() == null) {
              refusedWithoutRetryAfter.incrementAndGet();
            }
          } else {
            unexpected.incrementAndGet();
          }
        } catch (RuntimeException e) {
          unexpected.incrementAndGet();
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void awaitAcknowledged(long samples, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (acknowledged.get() < samples) {
        assertThat(System.nanoTime()).as("%d samples acknowledged in time", samples).isLessThan(deadline);
        Thread.sleep(50);
      }
    }

    void awaitRefused(int times, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (refused.get() < times) {
        assertThat(System.nanoTime()).as("refused %d times in time", times).isLessThan(deadline);
        Thread.sleep(50);
      }
    }

    private static String sample(String at, String priority, String source) {
      return "{\"service\":\"" + SERVICE + "\",\"at\":\"" + at + "\",\"periodSeconds\":1,\"priority\":\"" + priority
          + "\",\"requests\":100,\"source\":\"" + source + "\",\"instances\":{\"ready\":2}}";
    }
  }

  /**
   * Waits until the service's status says the journal is down: a 200 whose {@code journal} is unavailable (the
   * service answers from memory), or a 503 {@code journal_unavailable} (it cannot).
   */
  private static void awaitJournalDown(NodeProcess node) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      NodeProcess.Answer answer = node.get("/v1/services/" + SERVICE);
      if (answer.status() == 200 && !answer.body().get("journal").get("available").asBoolean()) {
        assertThat(answer.body().get("journal").get("detail").asText()).contains("does not answer");
        return;
      }
      if (answer.status() == 503) {
        assertThat(answer.body().get("error").asText()).isEqualTo("journal_unavailable");
        return;
      }
      assertThat(System.nanoTime()).as("the node noticed the journal is down").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  /** Counts the samples in the service's recorded history, paging through it, once it is readable again. */
  private static long awaitCount(NodeProcess node, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    long counted = -1;
    while (System.nanoTime() < deadline) {
      counted = count(node);
      if (counted >= expected) {
        return counted;
      }
      Thread.sleep(500);
    }
    return counted;
  }

  private static long count(NodeProcess node) {
    long samples = 0;
    long from = 1;
    while (true) {
      NodeProcess.Answer page = node.get("/v1/services/" + SERVICE + "/events?limit=1000&from=" + from);
      if (page.status() != 200) {
        return -1;
      }
      for (JsonNode event : page.body().get("events")) {
        if (event.get("type").asText().equals("SamplesRecorded")) {
          samples += event.get("event").get("samples").size();
        }
      }
      JsonNode next = page.body().get("next");
      if (next == null || next.isNull()) {
        return samples;
      }
      from = next.get("from").asLong();
    }
  }
}
