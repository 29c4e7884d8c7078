package io.ballast.persistence.journal;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;

/**
 * Creates the journal's tables at start when the selected journal asks for it: the embedded journal always
 * (its script is idempotent), Cassandra only when {@code ballast.persistence.cassandra.create-schema} is on
 * (development; production applies {@code cassandra-schema.cql} explicitly).
 */
public final class JournalSchema {

  private JournalSchema() {}

  public static CompletionStage<Done> ensure(ActorSystem<?> system) {
    Config config = system.settings().config();
    String schema = config.getString("ballast.persistence.schema");
    if (schema.equals("jdbc")) {
      return SchemaUtils.applyScript(read(config.getString("ballast.persistence.jdbc-schema-script")), system);
    }
    if (schema.equals("cassandra") && config.getBoolean("ballast.persistence.cassandra.create-schema")) {
      return CassandraSchema.apply(system);
    }
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  private static String read(String resource) {
    try (InputStream in = JournalSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema script " + resource + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
