package io.ballast.controller.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ballast.controller.Node;
import io.ballast.persistence.journal.CassandraSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.cassandra.KeyspaceAndTableStatements;
import org.apache.pekko.persistence.cassandra.PluginSettings;
import org.junit.jupiter.api.Test;

/** The schema file Ballast ships is exactly the schema the Cassandra plugin works with. */
class CassandraSchemaTest {

  @Test
  void theShippedTablesAreThoseThePluginWouldCreate() {
    Config config = ConfigFactory.parseString("pekko.actor.provider = local")
        .withFallback(Node.configuration(ConfigFactory.empty()));
    ActorSystem system = ActorSystem.create("CassandraSchemaTest", config);
    try {
      var plugin = new KeyspaceAndTableStatements(system, "pekko.persistence.cassandra",
          PluginSettings.apply(system, config.getConfig("pekko.persistence.cassandra")));
      List<String> expected = new ArrayList<>(plugin.getCreateJournalTablesStatements());
      expected.addAll(plugin.getCreateSnapshotTablesStatements());

      List<String> shipped = CassandraSchema.statements(CassandraSchema.cql(config));

      assertThat(normalized(shipped.get(0)))
          .isEqualTo(normalized("CREATE KEYSPACE IF NOT EXISTS ballast WITH REPLICATION = "
              + "{'class': 'SimpleStrategy', 'replication_factor': 1}"));
      assertThat(shipped.subList(1, shipped.size()).stream().map(CassandraSchemaTest::normalized).toList())
          .isEqualTo(expected.stream().map(CassandraSchemaTest::normalized).toList());
    } finally {
      system.terminate();
    }
  }

  @Test
  void theKeyspaceAndReplicationComeFromConfiguration() {
    Config config = Node.configuration(ConfigFactory.parseMap(Map.of(
        "ballast.persistence.cassandra.keyspace", "autoscaler",
        "ballast.persistence.cassandra.replication", "{'class': 'NetworkTopologyStrategy', 'eu-west': 3}")));

    String cql = CassandraSchema.cql(config);

    assertThat(cql).contains("CREATE KEYSPACE IF NOT EXISTS autoscaler")
        .contains("{'class': 'NetworkTopologyStrategy', 'eu-west': 3}")
        .contains("autoscaler.messages").contains("autoscaler.tag_views").contains("autoscaler.snapshots")
        .doesNotContain("${");
  }

  @Test
  void aBadKeyspaceOrReplicationIsRefusedByName() {
    assertThatThrownBy(() -> CassandraSchema.cql(Node.configuration(ConfigFactory.parseMap(
        Map.of("ballast.persistence.cassandra.keyspace", "drop table x")))))
        .hasMessageStartingWith("ballast.persistence.cassandra.keyspace");
    assertThatThrownBy(() -> CassandraSchema.cql(Node.configuration(ConfigFactory.parseMap(
        Map.of("ballast.persistence.cassandra.replication", "3; DROP KEYSPACE ballast")))))
        .hasMessageStartingWith("ballast.persistence.cassandra.replication");
  }

  private static String normalized(String cql) {
    return cql.replaceAll("\\s+", "").replace(";", "").toLowerCase();
  }
}
