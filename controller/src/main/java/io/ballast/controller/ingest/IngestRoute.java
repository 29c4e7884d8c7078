package io.ballast.controller.ingest;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.ballast.controller.http.ApiError;
import io.ballast.controller.http.Json;
import io.ballast.controller.http.Endpoint;
import io.ballast.controller.http.Guard;
import io.ballast.controller.metrics.NodeMetrics;
import io.ballast.controller.service.ServiceEntity;
import io.ballast.persistence.journal.JournalHealth;
import io.ballast.persistence.event.Sample;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/metrics}: validates a JSON batch whole, hands each service's samples to its entity, and
 * answers 200 only when every one of them is durable in the journal.
 */
public final class IngestRoute extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(IngestRoute.class);

  /** The answer to an accepted batch. */
  public record Accepted(int accepted, int duplicates, int late) {}

  private final ActorSystem<?> system;
  private final SampleWriter writer;
  private final IngestSettings settings;
  private final BatchReader reader;
  private final JournalHealth health;
  private final Clock clock;
  private final Guard guard;
  private final NodeMetrics metrics;

  public IngestRoute(ActorSystem<?> system, IngestSettings settings, JournalHealth health, Clock clock, Guard guard,
      NodeMetrics metrics) {
    this.guard = guard;
    this.metrics = metrics;
    this.health = health;
    this.system = system;
    this.writer = new SampleWriter(system, settings.writeTimeout());
    this.settings = settings;
    this.reader = new BatchReader(settings);
    this.clock = clock;
  }

  public Route route() {
    return path(segment("v1").slash("metrics"), () -> post(() -> guard.allow(Endpoint.INGEST, principal ->
        extractRequestEntity(entity -> completeWithFuture(ingest(entity))))));
  }

  private CompletionStage<HttpResponse> ingest(HttpEntity entity) {
    long arrived = System.nanoTime();
    return receive(entity, arrived).thenApply(response -> {
      int status = response.status().intValue();
      if (status >= 500 || status == 429) {
        metrics.batchUnavailable();
      } else if (status >= 400) {
        metrics.batchRejected();
      }
      return response;
    });
  }

  private CompletionStage<HttpResponse> receive(HttpEntity entity, long arrived) {
    if (!entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      return done(Json.error(StatusCodes.UNSUPPORTED_MEDIA_TYPE, new ApiError("unsupported_media_type", null,
          "send the batch as application/json, not " + entity.getContentType())));
    }
    if (!health.status().available()) {
      // Known to be down: answer now rather than make every sender wait for a write timeout.
      entity.discardBytes(system);
      return done(Json.journalUnavailable(health.status(), settings.retryAfter()));
    }
    if (entity.getContentLengthOption().isPresent()
        && entity.getContentLengthOption().getAsLong() > settings.maxBatchBytes()) {
      return done(tooLarge());
    }
    return entity.withSizeLimit(settings.maxBatchBytes())
        .toStrict(settings.writeTimeout().toMillis(), system)
        .thenCompose(strict -> record(strict.getData().toArray(), arrived))
        .exceptionally(this::failure);
  }

  private CompletionStage<HttpResponse> record(byte[] body, long arrived) {
    List<IngestSample> samples;
    try {
      samples = reader.read(body, clock.instant());
    } catch (BatchRejected rejected) {
      return done(Json.error(rejected.tooLarge() ? StatusCodes.PAYLOAD_TOO_LARGE : StatusCodes.BAD_REQUEST,
          rejected.body()));
    }
    return writer.write(samples).thenApply(w -> {
      metrics.batchAccepted(w.accepted(), w.duplicates(), w.late(),
          java.time.Duration.ofNanos(System.nanoTime() - arrived));
      return Json.ok(new Accepted(w.accepted(), w.duplicates(), w.late()));
    });
  }

  private HttpResponse failure(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof EntityStreamSizeException) {
        return tooLarge();
      }
    }
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    log.warn("ingest not acknowledged: {}", cause.toString());
    return Json.unavailable("the samples could not be made durable in time (" + cause.getMessage()
        + "); nothing was acknowledged, send the batch again", settings.retryAfter());
  }

  private HttpResponse tooLarge() {
    return Json.error(StatusCodes.PAYLOAD_TOO_LARGE, new ApiError("batch_too_large", null,
        "the body exceeds " + settings.maxBatchBytes() + " bytes (ballast.ingest.max-batch-bytes); split the batch"));
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}
