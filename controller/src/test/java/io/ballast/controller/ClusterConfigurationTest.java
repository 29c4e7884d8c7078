package io.ballast.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How a node learns its cluster from the environment, and which clusters it refuses to form. */
class ClusterConfigurationTest {

  private static final Config CASSANDRA = ConfigFactory.parseString("ballast.persistence.journal = cassandra");

  @Test
  void withoutSeedNodesANodeFormsAClusterOfItsOwn() {
    var config = Node.configuration(ConfigFactory.empty(), Map.of());
    assertThat(config.getStringList("pekko.cluster.seed-nodes")).isEmpty();
  }

  @Test
  void seedNodesGivenAsHostAndPortBecomeClusterAddresses() {
    var config = Node.configuration(CASSANDRA, Map.of("BALLAST_SEED_NODES",
        "ballast-0.ballast-cluster:25520, ballast-1.ballast-cluster:25520,pekko://ballast@10.0.0.7:25521"));
    assertThat(config.getStringList("pekko.cluster.seed-nodes")).containsExactly(
        "pekko://ballast@ballast-0.ballast-cluster:25520", "pekko://ballast@ballast-1.ballast-cluster:25520",
        "pekko://ballast@10.0.0.7:25521");
  }

  @Test
  void theSplitBrainResolverKeepsTheMajorityByDefault() {
    var config = Node.configuration(ConfigFactory.empty(), Map.of());
    assertThat(config.getString("pekko.cluster.downing-provider-class"))
        .isEqualTo("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
    assertThat(config.getString("pekko.cluster.split-brain-resolver.active-strategy")).isEqualTo("keep-majority");
  }

  @Test
  void aNodeMayListItselfAsItsOnlySeedOnTheEmbeddedJournal() {
    var config = Node.configuration(ConfigFactory.empty(), Map.of("BALLAST_SEED_NODES", "127.0.0.1:25520"));
    assertThat(config.getStringList("pekko.cluster.seed-nodes")).containsExactly("pekko://ballast@127.0.0.1:25520");
  }

  @Test
  void aClusterOfSeveralNodesOnTheEmbeddedJournalIsRefused() {
    assertThatThrownBy(() -> Node.configuration(ConfigFactory.empty(),
        Map.of("BALLAST_SEED_NODES", "127.0.0.1:25520,127.0.0.1:25521")))
        .isInstanceOf(Settings.InvalidSettingsException.class)
        .hasMessageContaining("BALLAST_SEED_NODES")
        .hasMessageContaining("127.0.0.1:25521")
        .hasMessageContaining("BALLAST_JOURNAL=cassandra");
  }

  static Stream<Arguments> badSeeds() {
    return Stream.of(
        Arguments.of("ballast-0", "is not host:port"),
        Arguments.of("ballast-0:port", "is not host:port"),
        Arguments.of("akka://ballast@h:25520", "is not host:port"),
        Arguments.of("pekko://other@h:25520", "is not host:port"),
        Arguments.of("h:25520/x", "is not host:port"));
  }

  @ParameterizedTest(name = "refuses the seed node ''{0}''")
  @MethodSource("badSeeds")
  void refusesASeedNodeThatIsNotAnAddressNamingTheVariable(String seed, String problem) {
    assertThatThrownBy(() -> Node.configuration(CASSANDRA, Map.of("BALLAST_SEED_NODES", seed)))
        .isInstanceOf(Settings.InvalidSettingsException.class)
        .hasMessageContaining("BALLAST_SEED_NODES: '" + seed + "'")
        .hasMessageContaining(problem);
  }

  @Test
  void cassandraContactPointsComeFromACommaSeparatedList() {
    var config = Node.configuration(CASSANDRA,
        Map.of("BALLAST_CASSANDRA_CONTACT_POINTS", "cassandra-0:9042, cassandra-1:9042"));
    assertThat(config.getStringList("datastax-java-driver.basic.contact-points"))
        .isEqualTo(List.of("cassandra-0:9042", "cassandra-1:9042"));
  }
}
