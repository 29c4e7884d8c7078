package io.ballast.persistence.journal;

import io.ballast.persistence.event.ServiceEvent;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import org.apache.pekko.persistence.query.javadsl.ReadJournal;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Reads recorded history back from the journal through Pekko Persistence Query. It is the only class that
 * knows the query API; which journal answers is configuration ({@code ballast.persistence.query-plugin}).
 */
public final class HistoryReader {

  /** One recorded event with where it sits in its service's history. */
  public record Recorded(long sequenceNr, long timestampMillis, ServiceEvent event) {}

  private final ActorSystem<?> system;
  private final CurrentEventsByPersistenceIdQuery eventsById;
  private final CurrentPersistenceIdsQuery ids;

  public HistoryReader(ActorSystem<?> system) {
    this.system = system;
    String plugin = system.settings().config().getString("ballast.persistence.query-plugin");
    ReadJournal journal = PersistenceQuery.get(system).getReadJournalFor(ReadJournal.class, plugin);
    if (!(journal instanceof CurrentEventsByPersistenceIdQuery byId)
        || !(journal instanceof CurrentPersistenceIdsQuery allIds)) {
      throw new IllegalStateException(
          "query plugin " + plugin + " must support currentEventsByPersistenceId and currentPersistenceIds");
    }
    this.eventsById = byId;
    this.ids = allIds;
  }

  /** The entity ids of every persistence id of this entity type, in no particular order. */
  public CompletionStage<List<String>> entityIds(String entityTypeName) {
    String prefix = entityTypeName + "|";
    return ids.currentPersistenceIds()
        .filter(id -> id.startsWith(prefix))
        .map(id -> id.substring(prefix.length()))
        .runWith(Sink.seq(), system);
  }

  /** The events of one persistence id with sequence numbers in [from, to], oldest first. */
  public Source<Recorded, NotUsed> events(String persistenceId, long fromSequenceNr, long toSequenceNr) {
    return eventsById.currentEventsByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr)
        .map(HistoryReader::recorded);
  }

  private static Recorded recorded(EventEnvelope envelope) {
    return new Recorded(envelope.sequenceNr(), envelope.timestamp(), (ServiceEvent) envelope.event());
  }
}
