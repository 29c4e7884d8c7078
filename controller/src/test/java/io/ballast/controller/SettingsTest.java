package io.ballast.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.ballast.controller.actuation.ActuationSettings;
import io.ballast.persistence.policy.BallastPolicy;
import io.ballast.persistence.policy.AwsTargetTrackingPolicy;
import io.ballast.persistence.policy.HpaPolicy;
import io.ballast.persistence.policy.KnativePolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SettingsTest {

  @Test
  void theDefaultsAreValid() {
    Settings settings = Settings.create(Node.configuration(ConfigFactory.empty()));

    assertThat(settings.httpHost()).isEqualTo("127.0.0.1");
    assertThat(settings.entities().window()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.entities().priorityClasses()).containsExactly("critical_plus", "critical", "sheddable_plus", "sheddable");
    assertThat(settings.ingest().maxBatchBytes()).isEqualTo(4 * 1024 * 1024);
  }

  @Test
  void theShippedDefaultsOfEveryKindAreTheRecordsOwnDefaults() {
    var kinds = Node.configuration(ConfigFactory.empty()).getConfig("ballast.policy.kinds");

    assertThat(PolicyConfig.settings("k", "ballast", kinds.getConfig("ballast"))).isEqualTo(BallastPolicy.defaults());
    assertThat(PolicyConfig.settings("k", "hpa", kinds.getConfig("hpa")))
        .isEqualTo(HpaPolicy.defaults(HpaPolicy.Metric.CPU_UTILIZATION, 0.8));
    assertThat(PolicyConfig.settings("k", "knative", kinds.getConfig("knative")))
        .isEqualTo(KnativePolicy.defaults(KnativePolicy.Metric.CONCURRENCY));
    assertThat(PolicyConfig.settings("k", "aws-target-tracking", kinds.getConfig("aws-target-tracking")))
        .isEqualTo(AwsTargetTrackingPolicy.defaults(AwsTargetTrackingPolicy.Metric.CPU_UTILIZATION, 0.5));
  }

  @Test
  void aServicePolicyFallsBackToTheDefaultsForWhatItLeavesOut() {
    Settings settings = Settings.create(Node.configuration(ConfigFactory.parseString(
        "ballast.policy.services.checkout { min-instances = 4, max-instances = 60 }")));

    var checkout = (BallastPolicy) settings.entities().policyFor("checkout");
    assertThat(checkout.minInstances()).isEqualTo(4);
    assertThat(checkout.targets().requestsPerInstance()).isEqualTo(100);
    assertThat(settings.entities().policyFor("other").minInstances()).isEqualTo(1);
  }

  @Test
  void aServiceMayUseAnotherKindOfPolicyStartingFromThatKindsDefaults() {
    Settings settings = Settings.create(Node.configuration(ConfigFactory.parseString(
        "ballast.policy.services.search { kind = hpa, target = 0.7 }")));

    assertThat(settings.entities().policyFor("search")).isInstanceOfSatisfying(HpaPolicy.class, hpa -> {
      assertThat(hpa.target()).isEqualTo(0.7);
      assertThat(hpa.syncPeriod()).hasSeconds(15);
      assertThat(hpa.scaleDown().stabilizationWindow()).hasSeconds(300);
    });
  }

  @Test
  void theExamplePoliciesAreValid() throws Exception {
    Path examples = Path.of(System.getProperty("ballast.root", ".."), "config", "examples", "policies.conf");

    Settings settings = Settings.create(Node.configuration(Optional.of(examples)));

    assertThat(settings.entities().policies()).containsKeys("checkout", "image-resizer", "search");
    assertThat(((BallastPolicy) settings.entities().policyFor("image-resizer")).targets().requestsPerInstance())
        .isNull();
  }

  @Test
  void theExampleActuationIsValidAndKeepsSecretsOutOfItsDescription() throws Exception {
    Path examples = Path.of(System.getProperty("ballast.root", ".."), "config", "examples", "actuation.conf");

    Settings settings = Settings.create(Node.configuration(ConfigFactory.parseString(
        "ballast.actuation.services.legacy.webhook.secret = a-secret-of-some-length")
        .withFallback(ConfigFactory.parseFile(examples.toFile()))));

    var entities = settings.entities();
    assertThat(entities.actuationFor("unknown-service").target()).isNull();
    assertThat(entities.actuationFor("checkout").target())
        .isEqualTo(new ActuationSettings.Kubernetes("deployment", "shop", "checkout", null));
    assertThat(entities.actuationFor("search").target()).isInstanceOf(ActuationSettings.AwsAutoScaling.class);
    assertThat(entities.actuationFor("search").dryRun()).isTrue();
    assertThat(entities.actuationFor("batch").target()).isInstanceOf(ActuationSettings.GcpInstanceGroup.class);
    assertThat(entities.actuationFor("reports").target()).isInstanceOf(ActuationSettings.AzureScaleSet.class);
    assertThat(entities.actuationFor("legacy").target()).isInstanceOfSatisfying(ActuationSettings.Webhook.class,
        w -> assertThat(w.toString()).doesNotContain("a-secret-of-some-length"));
  }

  @Test
  void theDataDirectoryIsMadeAbsolute() {
    var config = Node.configuration(ConfigFactory.parseString("ballast.persistence.data-dir = relative/dir"));

    assertThat(Path.of(config.getString("ballast.persistence.data-dir"))).isAbsolute();
    assertThat(config.getString("pekko-persistence-jdbc.shared-databases.slick.db.url"))
        .contains(Path.of("relative/dir").toAbsolutePath().toString());
  }

  @Test
  void aConfigFileIsLayeredOverTheDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("extra.conf");
    Files.writeString(file, "ballast.http.port = 9191\n");

    assertThat(Settings.create(Node.configuration(Optional.of(file))).httpPort()).isEqualTo(9191);
  }

  @Test
  void aMissingConfigFileIsNamed(@TempDir Path dir) {
    assertThatThrownBy(() -> Node.configuration(Optional.of(dir.resolve("nope.conf"))))
        .isInstanceOf(Settings.InvalidSettingsException.class)
        .hasMessageContaining("--config").hasMessageContaining("nope.conf");
  }

  @Test
  void aConfigFileThatIsNotHoconIsNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("broken.conf");
    Files.writeString(file, "ballast { http.port = \n");

    assertThatThrownBy(() -> Node.configuration(Optional.of(file)))
        .isInstanceOf(Settings.InvalidSettingsException.class).hasMessageContaining("broken.conf");
  }

  static Stream<Arguments> nonsense() {
    return Stream.of(
        Arguments.of("ballast.http.port = 70000", "ballast.http.port"),
        Arguments.of("ballast.http.port = eighty", "port"),
        Arguments.of("ballast.policy.defaults.max-instances = 0", "max-instances"),
        Arguments.of("ballast.policy.services.checkout { min-instances = 9, max-instances = 3 }",
            "ballast.policy.services.checkout: max-instances (3) must be >= min-instances (9)"),
        Arguments.of("ballast.policy.services.Checkout { min-instances = 1 }", "ballast.policy.services.Checkout"),
        Arguments.of("ballast.policy.defaults.tolerance-up = -0.1", "ballast.policy.defaults: tolerance-up"),
        Arguments.of("ballast.policy.defaults.tolerence = 0.1", "ballast.policy.defaults.tolerence: unknown setting"),
        Arguments.of("ballast.policy.defaults.scale-up.colour = red", "ballast.policy.defaults.scale-up.colour"),
        Arguments.of("ballast.policy.defaults.scale-up.select = sometimes", "ballast.policy.defaults.scale-up.select"),
        Arguments.of("ballast.policy.defaults.scale-down.policies = [{type = pods, value = 0, period = 15s}]",
            "value must be > 0"),
        Arguments.of("ballast.policy.defaults.targets.requests-per-instance = null", "targets must set at least one"),
        Arguments.of("ballast.policy.defaults.kind = magic", "ballast.policy.defaults.kind: unknown policy kind"),
        Arguments.of("ballast.policy.services.search { kind = hpa, target = 1.5 }",
            "ballast.policy.services.search: target must be a utilization"),
        Arguments.of("ballast.policy.services.search { kind = hpa, stable-window = 1m }",
            "ballast.policy.services.search.stable-window: unknown setting"),
        Arguments.of("ballast.policy.defaults.metric-outage.floor = 500", "metric-outage.floor"),
        Arguments.of("ballast.observation.window = 1500ms", "ballast.observation.window"),
        Arguments.of("ballast.observation.priority-classes = []", "ballast.observation.priority-classes"),
        Arguments.of("ballast.observation.priority-classes = [a, a]", "ballast.observation.priority-classes"),
        Arguments.of("ballast.observation.priority-classes = [\"Has Space\"]", "ballast.observation.priority-classes"),
        Arguments.of("ballast.ingest.max-batch-samples = 0", "ballast.ingest.max-batch-samples"),
        Arguments.of("ballast.ingest.write-timeout = 0s", "ballast.ingest.write-timeout"),
        Arguments.of("ballast.persistence.snapshot-every = 0", "ballast.persistence.snapshot-every"),
        Arguments.of("ballast.actuation.defaults.target = mainframe",
            "ballast.actuation.defaults.target: 'mainframe' is not one of"),
        Arguments.of("ballast.actuation.services.checkout.target = kubernetes",
            "ballast.actuation.services.checkout.kubernetes is required with target = kubernetes"),
        Arguments.of("ballast.actuation.services.checkout { target = kubernetes, kubernetes { kind = pod, "
            + "namespace = shop, name = checkout } }", "kubernetes.kind must be deployment or statefulset"),
        Arguments.of("ballast.actuation.services.checkout { target = kubernetes, kubernetes { namespace = shop, "
            + "name = checkout, replicas = 3 } }", "ballast.actuation.services.checkout.kubernetes.replicas: unknown"),
        Arguments.of("ballast.actuation.services.checkout { target = gcp-mig, gcp-mig { project = p, name = n, "
            + "zone = z, region = r } }", "gcp-mig needs exactly one of zone and region"),
        Arguments.of("ballast.actuation.services.checkout { target = webhook, webhook { url = \"http://x/scale\" } }",
            "ballast.actuation.services.checkout.webhook.secret is required"),
        Arguments.of("ballast.actuation.services.checkout { target = webhook, webhook { url = \"ftp://x/scale\", "
            + "secret = 0123456789abcdef } }", "webhook.url must be an http or https URL"),
        Arguments.of("ballast.actuation.services.checkout { target = webhook, webhook { url = \"http://x/scale\", "
            + "secret = short } }", "webhook.secret must be at least 16 characters"),
        Arguments.of("ballast.actuation.defaults.writes-per-second = 0", "ballast.actuation.defaults: writes-per-second"),
        Arguments.of("ballast.actuation.defaults.backoff { min = 10s, max = 1s }", "backoff.max must be >= backoff.min"),
        Arguments.of("ballast.actuation.defaults.confirm-within = 0s", "confirm-within must be > 0"),
        Arguments.of("ballast.actuation.defaults.retries = 3", "ballast.actuation.defaults.retries: unknown setting"),
        Arguments.of("ballast.actuation.services.Checkout.dry-run = on", "ballast.actuation.services.Checkout"),
        Arguments.of("ballast.shedding.ttl = 0s", "ttl must be > 0"),
        Arguments.of("ballast.shedding.services.checkout.haproxy { map = /m }",
            "ballast.shedding.services.checkout.haproxy.address is required"),
        Arguments.of("ballast.shedding.services.checkout.haproxy { address = \"1.2.3.4:9\", map = /m, "
            + "key-prefix = \"a b\" }", "haproxy.key-prefix must be"),
        Arguments.of("ballast.shedding.services.checkout.haproxy { address = \"1.2.3.4:9\", map = /m, port = 3 }",
            "ballast.shedding.services.checkout.haproxy.port: unknown setting"),
        Arguments.of("ballast.shedding.services.checkout.envoy { }", "ballast.shedding.services.checkout.envoy"),
        Arguments.of("ballast.shedding.services.checkout.haproxy-metrics { address = \"1.2.3.4:9\", table = t, "
            + "backend = b, interval = 1500ms }", "haproxy-metrics.interval must be a whole number of seconds"));
  }

  @ParameterizedTest(name = "refuses {0}")
  @MethodSource("nonsense")
  void refusesNonsenseNamingTheSetting(String hocon, String named) {
    assertThatThrownBy(() -> Settings.create(Node.configuration(ConfigFactory.parseString(hocon))))
        .isInstanceOf(Settings.InvalidSettingsException.class)
        .hasMessageContaining(named);
  }

}
