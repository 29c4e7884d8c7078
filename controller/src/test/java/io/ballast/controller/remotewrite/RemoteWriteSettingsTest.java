package io.ballast.controller.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.ballast.controller.Node;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The mapping rules as the node reads them: what a rule means, and every mistake named by its setting. */
class RemoteWriteSettingsTest {

  private static final List<String> CLASSES = List.of("critical", "sheddable");

  private static RemoteWriteSettings read(String rules) {
    return RemoteWriteSettings.from(Node.configuration(ConfigFactory.parseString(
        "ballast.remote-write.rules = [" + rules + "]")), CLASSES);
  }

  @Test
  void theShippedConfigurationMapsNothingUntilRulesAreGiven() {
    RemoteWriteSettings s = RemoteWriteSettings.from(Node.configuration(ConfigFactory.empty()), CLASSES);

    assertThat(s.rules()).isEmpty();
    assertThat(s.maxStep()).hasMinutes(5);
  }

  @Test
  void aHistogramRuleReadsTheBucketsAndTurnsSecondsIntoMilliseconds() {
    RemoteWriteSettings.Rule r = read("{ metric = rt_seconds, type = histogram, service = shop, priority = critical,"
        + " field = latency-p99-ms }").rules().get(0);

    assertThat(r.seriesName()).isEqualTo("rt_seconds_bucket");
    assertThat(r.scale()).isEqualTo(1000);
    assertThat(r.sourceLabel()).isEqualTo("instance");
  }

  static Stream<Arguments> badRules() {
    String ok = "service = shop, priority = critical, ";
    return Stream.of(
        Arguments.of("no metric", "{ " + ok + "field = requests }", "rules[0].metric is required"),
        Arguments.of("a metric that is not a name", "{ metric = \"a-b\", " + ok + "field = requests }", "rules[0].metric"),
        Arguments.of("an unknown field", "{ metric = m, " + ok + "field = rps }", "rules[0].field: 'rps' is not a field"),
        Arguments.of("both service and service-label",
            "{ metric = m, service = shop, service-label = app, priority = critical, field = requests }", "rules[0]: give exactly one of service"),
        Arguments.of("neither priority nor priority-label", "{ metric = m, service = shop, field = requests }",
            "rules[0]: give exactly one of priority"),
        Arguments.of("an unknown priority class", "{ metric = m, service = shop, priority = gold, field = requests }",
            "rules[0].priority: 'gold' is not a priority class"),
        Arguments.of("a counter field read as a gauge", "{ metric = m, " + ok + "field = requests, type = gauge }",
            "rules[0].type: requests is read from a counter"),
        Arguments.of("a histogram of instances", "{ metric = m, " + ok + "field = ready, type = histogram }",
            "rules[0].type: only latency-p50-ms and latency-p99-ms come from a histogram"),
        Arguments.of("a negative scale", "{ metric = m, " + ok + "field = cpu, scale = -1 }", "rules[0].scale must be > 0"),
        Arguments.of("a misspelt setting", "{ metric = m, " + ok + "field = cpu, lable = x }", "rules[0].lable: unknown setting"),
        Arguments.of("a bad service id", "{ metric = m, service = \"Shop!\", priority = critical, field = cpu }",
            "rules[0].service: 'Shop!' is not a service id"));
  }

  @ParameterizedTest(name = "a rule with {0} is refused")
  @MethodSource("badRules")
  void aBadRuleIsRefusedNamingTheSetting(String name, String rule, String message) {
    assertThatThrownBy(() -> read(rule)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ballast.remote-write." + message.replace("ballast.remote-write.", ""));
  }
}
