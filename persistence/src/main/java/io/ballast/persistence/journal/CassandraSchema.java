package io.ballast.persistence.journal;

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * The Cassandra schema ({@code ballast/cassandra-schema.cql}) with the configured keyspace and replication, and
 * the way to apply it through the journal's own session.
 */
public final class CassandraSchema {

  private static final String RESOURCE = "ballast/cassandra-schema.cql";
  private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");
  private static final String PLUGIN = "pekko.persistence.cassandra";

  private CassandraSchema() {}

  /** The schema as CQL, for {@code ballast.persistence.cassandra.keyspace} and {@code .replication}. */
  public static String cql(Config config) {
    String keyspace = config.getString("ballast.persistence.cassandra.keyspace");
    String replication = config.getString("ballast.persistence.cassandra.replication").trim();
    if (!KEYSPACE.matcher(keyspace).matches()) {
      throw new IllegalArgumentException("ballast.persistence.cassandra.keyspace: '" + keyspace
          + "' must be 1 to 48 lowercase letters, digits or '_', starting with a letter");
    }
    if (!replication.startsWith("{") || !replication.endsWith("}") || replication.contains(";")) {
      throw new IllegalArgumentException("ballast.persistence.cassandra.replication: '" + replication
          + "' must be a CQL replication map such as {'class': 'NetworkTopologyStrategy', 'dc1': 3}");
    }
    return read().replace("${keyspace}", keyspace).replace("${replication}", replication);
  }

  /** The statements of {@code cql}, without comments, in order. */
  public static List<String> statements(String cql) {
    StringBuilder code = new StringBuilder();
    for (String line : cql.split("\n")) {
      if (!line.stripLeading().startsWith("--")) {
        code.append(line).append('\n');
      }
    }
    List<String> statements = new ArrayList<>();
    for (String statement : code.toString().split(";")) {
      if (!statement.isBlank()) {
        statements.add(statement.strip());
      }
    }
    return statements;
  }

  /**
   * Creates what is missing of the schema, one statement after the other, through the journal's session. A
   * {@code CREATE TABLE} can take seconds when several nodes create the schema at once on a loaded server, so
   * each statement gets {@link #DDL_TIMEOUT} rather than the driver's request timeout; the driver then waits for
   * schema agreement as it does after any schema change.
   */
  public static CompletionStage<Done> apply(ClassicActorSystemProvider system) {
    CassandraSession session = CassandraSessionRegistry.get(system).sessionFor(PLUGIN);
    CompletionStage<Done> done = CompletableFuture.completedFuture(Done.getInstance());
    for (String statement : statements(cql(system.classicSystem().settings().config()))) {
      done = done.thenCompose(previous -> session.executeWrite(
          SimpleStatement.newInstance(statement).setTimeout(DDL_TIMEOUT).setIdempotent(true)));
    }
    return done;
  }

  static final Duration DDL_TIMEOUT = Duration.ofSeconds(30);

  private static String read() {
    try (InputStream in = CassandraSchema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
