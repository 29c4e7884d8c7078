package io.ballast.controller.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ballast.controller.Node;
import io.ballast.controller.Settings;
import io.ballast.persistence.journal.CassandraSchema;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/ballast cassandra-schema print|apply}: the production way to create the Cassandra schema. */
@Command(name = "cassandra-schema", mixinStandardHelpOptions = true,
    description = {"Print or apply the Cassandra schema (keyspace, journal, tag views, snapshots).",
        "The keyspace and its replication come from ballast.persistence.cassandra.keyspace and .replication "
            + "(BALLAST_CASSANDRA_KEYSPACE, BALLAST_CASSANDRA_REPLICATION); apply connects like a node does "
            + "(BALLAST_CASSANDRA_CONTACT_POINTS, BALLAST_CASSANDRA_DATACENTER, --config)."},
    subcommands = {CassandraSchemaCommand.Print.class, CassandraSchemaCommand.Apply.class})
final class CassandraSchemaCommand {

  @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:BALLAST_CONFIG}", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "A HOCON file layered over the defaults (default: $BALLAST_CONFIG).")
  Path config;

  Config configuration() {
    return Node.configuration(Optional.ofNullable(config));
  }

  @Command(name = "print", mixinStandardHelpOptions = true, description = "Print the schema as CQL.")
  static final class Print implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    CassandraSchemaCommand parent;

    @Override
    public Integer call() {
      try {
        System.out.print(CassandraSchema.cql(parent.configuration()));
        return 0;
      } catch (Settings.InvalidSettingsException | IllegalArgumentException e) {
        System.err.println("ballast cassandra-schema: " + e.getMessage());
        return 2;
      }
    }
  }

  @Command(name = "apply", mixinStandardHelpOptions = true,
      description = "Create what is missing of the schema in the configured cluster (every statement is IF NOT EXISTS).")
  static final class Apply implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    CassandraSchemaCommand parent;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
        description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
      Config config;
      try {
        config = ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING")
            .withFallback(parent.configuration());
        CassandraSchema.cql(config);
      } catch (Settings.InvalidSettingsException | IllegalArgumentException e) {
        System.err.println("ballast cassandra-schema: " + e.getMessage());
        return 2;
      }
      ActorSystem system = ActorSystem.create("ballast-schema", config);
      try {
        CassandraSchema.apply(system).toCompletableFuture().get(timeoutSeconds, TimeUnit.SECONDS);
        System.out.println("ballast cassandra-schema: keyspace " + config.getString("ballast.persistence.cassandra.keyspace")
            + " and its tables are in place");
        return 0;
      } catch (Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        System.err.println("ballast cassandra-schema: could not apply the schema: " + cause);
        return 1;
      } finally {
        system.terminate();
      }
    }
  }
}
