package io.ballast.controller.remotewrite;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ballast.controller.http.ApiError;
import io.ballast.controller.http.Endpoint;
import io.ballast.controller.http.Guard;
import io.ballast.controller.http.Json;
import io.ballast.controller.ingest.IngestSettings;
import io.ballast.controller.ingest.SampleWriter;
import io.ballast.controller.metrics.NodeMetrics;
import io.ballast.controller.remotewrite.proto.Label;
import io.ballast.controller.remotewrite.proto.TimeSeries;
import io.ballast.controller.remotewrite.proto.WriteRequest;
import io.ballast.persistence.journal.JournalHealth;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xerial.snappy.Snappy;

/**
 * {@code POST /api/v1/write}: Prometheus remote_write 1.0. The body is a protobuf {@code WriteRequest} in a snappy
 * block, decoded with the protobuf and snappy libraries; its series become samples by the rules of
 * {@code ballast.remote-write} ({@link SeriesConverter}) and are written as JSON ingest writes them. The contract is
 * JSON ingest's, in the status codes Prometheus acts on: 204 only once every sample is durable; 400 for a body
 * that is not a snappy-compressed WriteRequest (Prometheus drops it and does not retry); 415 for another content type
 * or encoding; 503 with {@code Retry-After} when the journal does not confirm (Prometheus retries the same request,
 * which converts again to the same samples: nothing is counted twice, and nothing is half-applied, since the
 * series' last values move on only after the write is confirmed).
 */
public final class RemoteWriteRoute extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(RemoteWriteRoute.class);
  public static final String VERSION_HEADER = "X-Prometheus-Remote-Write-Version";

  private final ActorSystem<?> system;
  private final RemoteWriteSettings settings;
  private final IngestSettings ingest;
  private final JournalHealth health;
  private final Clock clock;
  private final Guard guard;
  private final NodeMetrics metrics;
  private final SampleWriter writer;
  private final SeriesConverter converter;
  private final SeriesMemory memory;

  public RemoteWriteRoute(ActorSystem<?> system, RemoteWriteSettings settings, IngestSettings ingest,
      List<String> priorityClasses, JournalHealth health, Clock clock, Guard guard, NodeMetrics metrics) {
    this.system = system;
    this.settings = settings;
    this.ingest = ingest;
    this.health = health;
    this.clock = clock;
    this.guard = guard;
    this.metrics = metrics;
    this.writer = new SampleWriter(system, ingest.writeTimeout());
    this.converter = new SeriesConverter(settings, priorityClasses, ingest.maxSampleAge(), ingest.maxClockSkew());
    this.memory = new SeriesMemory(settings.idle().toMillis(), settings.maxSeries());
  }

  public Route route() {
    return path(segment("api").slash("v1").slash("write"), () -> post(() -> guard.allow(Endpoint.REMOTE_WRITE, p ->
        optionalHeaderValueByName("Content-Encoding", encoding ->
            optionalHeaderValueByName(VERSION_HEADER, version ->
                extractRequestEntity(entity -> completeWithFuture(receive(entity, encoding, version)
                    .thenApply(this::counted))))))));
  }

  private HttpResponse counted(HttpResponse response) {
    metrics.remoteWriteRequest(response.status().intValue());
    return response;
  }

  private CompletionStage<HttpResponse> receive(HttpEntity entity, Optional<String> encoding, Optional<String> version) {
    if (!entity.getContentType().mediaType().toString().equals("application/x-protobuf")) {
      entity.discardBytes(system);
      return done(Json.error(StatusCodes.UNSUPPORTED_MEDIA_TYPE, new ApiError("unsupported_media_type",
          "Content-Type", "send a remote_write WriteRequest as application/x-protobuf, not " + entity.getContentType())));
    }
    if (encoding.isEmpty() || !encoding.get().trim().equalsIgnoreCase("snappy")) {
      entity.discardBytes(system);
      return done(Json.error(StatusCodes.UNSUPPORTED_MEDIA_TYPE, new ApiError("unsupported_encoding",
          "Content-Encoding", "the body must be snappy block compressed (Content-Encoding: snappy), was "
              + encoding.orElse("none"))));
    }
    if (version.isPresent() && !version.get().trim().startsWith("0.1.")) {
      entity.discardBytes(system);
      return done(Json.error(StatusCodes.BAD_REQUEST, new ApiError("unsupported_version", VERSION_HEADER,
          "this receiver speaks remote_write 1.0 (version 0.1.0), was '" + version.get() + "'")));
    }
    if (!health.status().available()) {
      entity.discardBytes(system);
      return done(Json.journalUnavailable(health.status(), ingest.retryAfter()));
    }
    return entity.withSizeLimit(settings.maxCompressedBytes())
        .toStrict(ingest.writeTimeout().toMillis(), system)
        .thenCompose(strict -> write(strict.getData().toArray()))
        .exceptionally(this::failure);
  }

  private CompletionStage<HttpResponse> write(byte[] compressed) {
    WriteRequest request;
    try {
      int length = Snappy.uncompressedLength(compressed);
      if (length < 0 || length > settings.maxUncompressedBytes()) {
        return done(Json.error(StatusCodes.PAYLOAD_TOO_LARGE, new ApiError("too_large", null, "the request uncompresses "
            + "to " + length + " bytes; at most " + settings.maxUncompressedBytes()
            + " are taken (ballast.remote-write.max-uncompressed-bytes)")));
      }
      request = WriteRequest.parseFrom(Snappy.uncompress(compressed));
    } catch (InvalidProtocolBufferException e) {
      return done(malformed("the uncompressed body is not a remote_write WriteRequest: " + e.getMessage()));
    } catch (IOException e) {
      return done(malformed("the body is not a snappy block: " + e.getMessage()));
    }
    Instant now = clock.instant();
    long nowMs = now.toEpochMilli();
    SeriesConverter.Result result = converter.convert(series(request), id -> memory.get(id, nowMs), now);
    metrics.remoteWriteSeries(request.getTimeseriesCount() - result.unmatchedSeries() - result.invalidSeries(),
        result.unmatchedSeries(), result.invalidSeries());
    if (result.samples().isEmpty()) {
      memory.commit(result.updates(), nowMs);
      return done(HttpResponse.create().withStatus(StatusCodes.NO_CONTENT));
    }
    long arrived = System.nanoTime();
    return writer.write(result.samples()).thenApply(w -> {
      memory.commit(result.updates(), nowMs);
      metrics.batchAccepted(w.accepted(), w.duplicates(), w.late(),
          java.time.Duration.ofNanos(System.nanoTime() - arrived));
      return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
    });
  }

  private static List<SeriesConverter.Series> series(WriteRequest request) {
    List<SeriesConverter.Series> series = new ArrayList<>(request.getTimeseriesCount());
    for (TimeSeries ts : request.getTimeseriesList()) {
      Map<String, String> labels = new HashMap<>();
      for (Label l : ts.getLabelsList()) {
        labels.put(l.getName(), l.getValue());
      }
      List<SeriesConverter.Point> points = new ArrayList<>(ts.getSamplesCount());
      ts.getSamplesList().forEach(s -> points.add(new SeriesConverter.Point(s.getTimestamp(), s.getValue())));
      series.add(new SeriesConverter.Series(labels, points));
    }
    return series;
  }

  private static HttpResponse malformed(String detail) {
    return Json.error(StatusCodes.BAD_REQUEST, new ApiError("malformed_write_request", null, detail));
  }

  private HttpResponse failure(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof EntityStreamSizeException) {
        return Json.error(StatusCodes.PAYLOAD_TOO_LARGE, new ApiError("too_large", null, "the body exceeds "
            + settings.maxCompressedBytes() + " bytes (ballast.remote-write.max-compressed-bytes)"));
      }
    }
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    log.warn("remote write not acknowledged: {}", cause.toString());
    return Json.unavailable("the samples could not be made durable in time (" + cause.getMessage()
        + "); nothing was acknowledged, send the request again", ingest.retryAfter());
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}
