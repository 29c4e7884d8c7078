package io.ballast.controller.ingest;

import io.ballast.controller.service.ServiceEntity;
import io.ballast.persistence.event.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Hands validated samples to their services' entities, one batch per service, and completes once every one of them
 * is durable in the journal (or fails, when any is not confirmed within the write timeout). What every ingest path
 * (JSON, Prometheus remote_write) acknowledges on.
 */
public final class SampleWriter {

  /** What a write recorded, over all its services. */
  public record Written(int accepted, int duplicates, int late) {}

  private final ClusterSharding sharding;
  private final Duration timeout;

  public SampleWriter(ActorSystem<?> system, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
  }

  public CompletionStage<Written> write(List<IngestSample> samples) {
    Map<String, List<Sample>> byService = new LinkedHashMap<>();
    for (IngestSample s : samples) {
      byService.computeIfAbsent(s.service(), id -> new ArrayList<>()).add(s.sample());
    }
    List<CompletableFuture<ServiceEntity.Recorded>> writes = new ArrayList<>(byService.size());
    byService.forEach((service, serviceSamples) -> writes.add(sharding.entityRefFor(ServiceEntity.ENTITY_KEY, service)
        .<ServiceEntity.Recorded>askWithStatus(
            replyTo -> new ServiceEntity.RecordSamples(serviceSamples, replyTo), timeout)
        .toCompletableFuture()));
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(all -> {
      int accepted = 0, duplicates = 0, late = 0;
      for (var write : writes) {
        var recorded = write.join();
        accepted += recorded.accepted();
        duplicates += recorded.duplicates();
        late += recorded.late();
      }
      return new Written(accepted, duplicates, late);
    });
  }
}
