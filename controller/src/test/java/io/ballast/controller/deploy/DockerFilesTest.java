package io.ballast.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The compose stack and the controller's Dockerfile hang together: the variables the controllers get are ones the
 * node reads, the seed list names each controller as it advertises itself, Prometheus scrapes every controller,
 * and the image runs as a non-root user with a health check on a base image given as a build argument. The
 * stack itself is run by {@code DockerStackIT}; this catches a broken file without an engine.
 */
class DockerFilesTest {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final List<String> CONTROLLERS = List.of("controller-1", "controller-2", "controller-3");

  private static Path root;
  private static JsonNode services;

  @BeforeAll
  static void readCompose() throws IOException {
    root = DeploymentManifestsTest.repositoryRoot();
    // SnakeYAML itself, not Jackson's tree: it resolves aliases and applies merge keys (<<: *controller).
    Object compose = new Yaml().load(Files.readString(root.resolve("docker/docker-compose.yml")));
    services = YAML.valueToTree(compose).get("services");
  }

  @Test
  void theStackHasCassandraThreeControllersPrometheusAndGrafanaOnRequest() {
    List<String> names = new ArrayList<>();
    services.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactlyInAnyOrder("cassandra", "controller-1", "controller-2", "controller-3",
        "prometheus", "grafana");
    // Grafana's image comes from a registry: it starts only with --profile grafana, never in the local stack.
    assertThat(services.get("grafana").get("profiles")).extracting(JsonNode::asText).containsExactly("grafana");
  }

  @Test
  void grafanaIsProvisionedWithTheStacksPrometheusAndTheBallastDashboard() throws IOException {
    List<String> mounts = new ArrayList<>();
    services.get("grafana").get("volumes").forEach(v -> mounts.add(v.asText()));
    assertThat(mounts).contains("./grafana/provisioning:/etc/grafana/provisioning:ro",
        "./grafana/dashboards:/var/lib/grafana/dashboards:ro");
    JsonNode source = YAML.readTree(root.resolve("docker/grafana/provisioning/datasources/prometheus.yml").toFile())
        .get("datasources").get(0);
    assertThat(source.get("type").asText()).isEqualTo("prometheus");
    assertThat(source.get("url").asText()).isEqualTo("http://prometheus:9090");
    JsonNode provider = YAML.readTree(root.resolve("docker/grafana/provisioning/dashboards/ballast.yml").toFile())
        .get("providers").get(0);
    assertThat(provider.at("/options/path").asText()).isEqualTo("/var/lib/grafana/dashboards");
    JsonNode dashboard = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(root.resolve("docker/grafana/dashboards/ballast.json").toFile());
    assertThat(dashboard.get("uid").asText()).isEqualTo("ballast-overview");
    assertThat(dashboard.get("panels")).isNotEmpty().allSatisfy(panel -> {
      assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
      panel.get("targets").forEach(t -> assertThat(t.get("expr").asText()).isNotBlank());
    });
  }

  @Test
  void everyControllerWaitsForAHealthyCassandraAndUsesTheSharedJournal() {
    for (String controller : CONTROLLERS) {
      JsonNode service = services.get(controller);
      assertThat(service.at("/depends_on/cassandra/condition").asText()).as(controller).isEqualTo("service_healthy");
      Map<String, String> env = environment(controller);
      assertThat(env).as(controller).containsEntry("BALLAST_JOURNAL", "cassandra")
          .containsEntry("BALLAST_CASSANDRA_CONTACT_POINTS", "cassandra:9042")
          .containsEntry("BALLAST_REMOTE_HOST", controller);
    }
  }

  @Test
  void theSeedListNamesEveryControllerAsItAdvertisesItself() {
    for (String controller : CONTROLLERS) {
      List<String> expected = CONTROLLERS.stream().map(c -> c + ":25520").toList();
      assertThat(List.of(environment(controller).get("BALLAST_SEED_NODES").split(","))).as(controller)
          .isEqualTo(expected);
    }
  }

  @Test
  void everyBallastVariableTheControllersGetIsOneTheNodeOrItsLauncherReads() throws IOException {
    Set<String> known = DeploymentManifestsTest.variablesTheNodeReads(root);
    Matcher launcher = Pattern.compile("\\b(BALLAST_[A-Z0-9_]+)\\b").matcher(Files.readString(root.resolve("bin/ballast")));
    while (launcher.find()) {
      known.add(launcher.group(1));
    }
    Set<String> used = new TreeSet<>();
    for (String controller : CONTROLLERS) {
      used.addAll(environment(controller).keySet());
    }
    used.addAll(dockerfileVariables());
    assertThat(known).containsAll(used);
  }

  @Test
  void apisArePublishedOnLoopbackOnly() {
    for (String controller : List.of("controller-1", "controller-2", "controller-3", "prometheus")) {
      for (JsonNode port : services.get(controller).get("ports")) {
        assertThat(port.asText()).as(controller).startsWith("127.0.0.1:");
      }
    }
    assertThat(services.get("cassandra").has("ports")).as("Cassandra is reached on the stack's network only").isFalse();
  }

  @Test
  void prometheusScrapesTheMetricsOfEveryControllerWithAToken() throws IOException {
    JsonNode config = YAML.readTree(root.resolve("docker/prometheus/prometheus.yml").toFile());
    JsonNode job = config.get("scrape_configs").get(0);
    assertThat(job.get("metrics_path").asText()).isEqualTo("/metrics");
    assertThat(job.at("/authorization/credentials_file").asText()).isEqualTo("/etc/ballast/prometheus.token");
    List<String> targets = new ArrayList<>();
    job.at("/static_configs/0/targets").forEach(t -> targets.add(t.asText()));
    assertThat(targets).isEqualTo(CONTROLLERS.stream().map(c -> c + ":8080").toList());
    List<String> mounts = new ArrayList<>();
    services.get("prometheus").get("volumes").forEach(v -> mounts.add(v.asText()));
    assertThat(mounts).anyMatch(m -> m.endsWith(":/etc/ballast/prometheus.token:ro"))
        .anyMatch(m -> m.endsWith(":/etc/ballast/prometheus.yml:ro"));
  }

  @Test
  void theControllerImageRunsAsANonRootUserWithAHealthCheckOnABaseGivenAsABuildArgument() throws IOException {
    List<String> lines = Files.readAllLines(root.resolve("docker/Dockerfile"));
    assertThat(lines).contains("ARG BASE_IMAGE=eclipse-temurin:17-jre", "FROM ${BASE_IMAGE}", "USER ballast");
    assertThat(lines).anyMatch(l -> l.startsWith("HEALTHCHECK ") && l.contains("/opt/ballast/bin/healthcheck"));
    assertThat(lines).anyMatch(l -> l.startsWith("ENTRYPOINT [\"/opt/ballast/bin/ballast\", \"run\"]"));
    assertThat(String.join("\n", lines)).contains("--uid 10001");
    // What the Dockerfile copies is what .dockerignore lets into the context.
    List<String> allowed = Files.readAllLines(root.resolve(".dockerignore")).stream()
        .filter(l -> l.startsWith("!")).map(l -> l.substring(1)).toList();
    for (String line : lines) {
      if (line.startsWith("COPY ")) {
        String source = line.split("\\s+")[1];
        assertThat(allowed).as("%s is in the build context", source).contains(source);
      }
    }
  }

  // ----------------------------------------------------------------------------------------------- helpers

  private static Map<String, String> environment(String service) {
    Map<String, String> env = new TreeMap<>();
    services.get(service).get("environment").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    return env;
  }

  private static Set<String> dockerfileVariables() throws IOException {
    Set<String> variables = new TreeSet<>();
    Matcher m = Pattern.compile("\\b(BALLAST_[A-Z0-9_]+)=").matcher(Files.readString(root.resolve("docker/Dockerfile")));
    while (m.find()) {
      variables.add(m.group(1));
    }
    assertThat(variables).contains("BALLAST_HTTP_HOST", "BALLAST_REMOTE_BIND_HOST", "BALLAST_DATA_DIR");
    return variables;
  }
}
