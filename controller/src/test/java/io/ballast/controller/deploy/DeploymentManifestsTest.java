package io.ballast.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import io.ballast.controller.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests in {@code docker/k8s}: that they parse, hang together (names, selectors, ports), and
 * agree with what a node actually reads (its environment variables, ports and probes) and what the Kubernetes
 * actuator actually calls.
 */
public class DeploymentManifestsTest {

  /**
   * What {@link io.ballast.controller.actuation.KubernetesScaleActuator} calls, as group/resource:verb: a read is
   * one GET of the Deployment or StatefulSet; a write is GET scale then PUT scale (an update, never a patch).
   * Change this together with that class.
   */
  private static final Set<String> ACTUATOR_PERMISSIONS = Set.of(
      "apps/deployments:get", "apps/statefulsets:get",
      "apps/deployments/scale:get", "apps/deployments/scale:update",
      "apps/statefulsets/scale:get", "apps/statefulsets/scale:update");

  private static final YAMLMapper YAML = new YAMLMapper();

  private static Path root;
  private static Path k8s;
  /** Every YAML file of docker/k8s by its name, as its documents. */
  private static Map<String, List<JsonNode>> files;
  /** The objects that kustomization.yaml applies. */
  private static List<JsonNode> applied;
  /** The environment the node's configuration reads, as config/ and Node.java name it. */
  private static Config defaults;

  @BeforeAll
  static void readManifests() throws IOException {
    root = repositoryRoot();
    k8s = root.resolve("docker").resolve("k8s");
    files = new TreeMap<>();
    try (Stream<Path> paths = Files.list(k8s)) {
      for (Path path : paths.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).toList()) {
        files.put(path.getFileName().toString(), documents(path));
      }
    }
    applied = new ArrayList<>();
    for (String resource : kustomizationResources()) {
      applied.addAll(files.getOrDefault(resource, List.of()));
    }
    defaults = configDefaults();
  }

  @Test
  void everyManifestParsesAndEveryDocumentIsAKubernetesObject() {
    assertThat(files).containsKey("kustomization.yaml");
    files.forEach((file, documents) -> {
      assertThat(documents).as(file).isNotEmpty();
      for (JsonNode document : documents) {
        assertThat(text(document, "apiVersion")).as(file + ": apiVersion").isNotEmpty();
        assertThat(text(document, "kind")).as(file + ": kind").isNotEmpty();
        if (!file.equals("kustomization.yaml")) {
          assertThat(text(document, "metadata", "name")).as(file + ": metadata.name").isNotEmpty();
        }
      }
    });
  }

  @Test
  void theKustomizationListsEveryManifestButTheExamplesAndNothingElse() {
    Set<String> expected = files.keySet().stream()
        .filter(f -> !f.equals("kustomization.yaml") && !isExample(f))
        .collect(Collectors.toCollection(TreeSet::new));
    List<String> listed = kustomizationResources();

    assertThat(listed).doesNotHaveDuplicates();
    assertThat(new TreeSet<>(listed)).as("resources of kustomization.yaml").isEqualTo(expected);
    assertThat(listed).as("examples are copied and edited, never applied")
        .noneMatch(DeploymentManifestsTest::isExample);
  }

  @Test
  void nothingAppliedNamesANamespace() {
    for (JsonNode object : applied) {
      assertThat(object.path("metadata").has("namespace")).as(describe(object) + " metadata.namespace").isFalse();
      for (JsonNode subject : object.path("subjects")) {
        assertThat(subject.has("namespace")).as(describe(object) + " subject namespace").isFalse();
      }
    }
    assertThat(files.get("kustomization.yaml").get(0).has("namespace")).as("kustomization namespace").isFalse();
  }

  @Test
  void theStatefulSetIsGovernedByAHeadlessServiceThatPublishesPodsBeforeTheyAreReady() {
    JsonNode headless = object("Service", text(statefulSet(), "spec", "serviceName"));

    assertThat(text(headless, "spec", "clusterIP")).as(describe(headless) + " clusterIP").isEqualTo("None");
    assertThat(headless.path("spec").path("publishNotReadyAddresses").asBoolean())
        .as(describe(headless) + " publishNotReadyAddresses").isTrue();
    assertThat(servicePort(headless, "remoting")).isEqualTo(remotingPort());
    assertThat(servicePort(headless, "management")).isEqualTo(managementPort());
  }

  @Test
  void theApiServiceServesTheHttpPort() {
    JsonNode api = object("Service", "ballast");

    assertThat(servicePort(api, "http")).isEqualTo(8080).isEqualTo(httpPort());
    assertThat(text(api, "spec", "clusterIP")).isNotEqualTo("None");
  }

  @Test
  void theContainerExposesThePortsTheNodeListensOn() {
    assertThat(containerPort("http")).isEqualTo(httpPort());
    assertThat(containerPort("remoting")).isEqualTo(remotingPort());
    assertThat(containerPort("management")).isEqualTo(managementPort());
  }

  @Test
  void everySelectorMatchesThePodLabels() {
    Map<String, String> podLabels =
        strings(statefulSet().path("spec").path("template").path("metadata").path("labels"));
    assertThat(podLabels).isNotEmpty();

    assertThat(podLabels).as("StatefulSet selector")
        .containsAllEntriesOf(strings(statefulSet().path("spec").path("selector").path("matchLabels")));
    for (JsonNode service : objects("Service")) {
      Map<String, String> selector = strings(service.path("spec").path("selector"));
      assertThat(selector).as(describe(service) + " selector").isNotEmpty();
      assertThat(podLabels).as(describe(service) + " selector").containsAllEntriesOf(selector);
    }
    JsonNode pdb = object("PodDisruptionBudget", null);
    Map<String, String> pdbSelector = strings(pdb.path("spec").path("selector").path("matchLabels"));
    assertThat(pdbSelector).isNotEmpty();
    assertThat(podLabels).as("PodDisruptionBudget selector").containsAllEntriesOf(pdbSelector);
    assertThat(pdb.path("spec").path("selector").has("matchExpressions")).isFalse();
  }

  @Test
  void theSeedListNamesEveryReplicaByTheAddressItAdvertises() {
    String name = text(statefulSet(), "metadata", "name");
    String headless = text(statefulSet(), "spec", "serviceName");
    int replicas = statefulSet().path("spec").path("replicas").asInt();
    Map<String, String> env = env();

    Matcher self = Pattern.compile(
        Pattern.quote("$(POD_NAME)." + headless + ".$(POD_NAMESPACE)") + "(\\.[a-z0-9.\\-]+)?")
        .matcher(env.get("BALLAST_REMOTE_HOST"));
    assertThat(self.matches()).as("BALLAST_REMOTE_HOST " + env.get("BALLAST_REMOTE_HOST")).isTrue();
    String suffix = self.group(1) == null ? "" : self.group(1);

    List<String> seeds = List.of(env.get("BALLAST_SEED_NODES").split(","));
    assertThat(seeds).hasSize(replicas);
    for (int i = 0; i < replicas; i++) {
      // Exactly what pod i advertises as BALLAST_REMOTE_HOST: Artery drops messages sent to any other name.
      assertThat(seeds.get(i).strip())
          .isEqualTo(name + "-" + i + "." + headless + ".$(POD_NAMESPACE)" + suffix + ":" + remotingPort());
    }
  }

  @Test
  void theNodeAcceptsTheClusterEnvironmentAsItWouldBeInAPod() {
    Map<String, String> env = expanded(env(), Map.of("POD_NAME", "ballast-1", "POD_NAMESPACE", "prod"));

    // ${?BALLAST_JOURNAL} is resolved from the process environment, not from this map: give it the same value.
    Config config = Node.configuration(
        ConfigFactory.parseString("ballast.persistence.journal = " + env.get("BALLAST_JOURNAL")), env);

    assertThat(env.get("BALLAST_JOURNAL")).as("a cluster of several nodes needs the shared journal")
        .isEqualTo("cassandra");
    assertThat(config.getStringList("pekko.cluster.seed-nodes"))
        .hasSize(statefulSet().path("spec").path("replicas").asInt())
        .contains("pekko://ballast@" + env.get("BALLAST_REMOTE_HOST") + ":" + remotingPort());
    assertThat(config.getStringList("datastax-java-driver.basic.contact-points")).isNotEmpty();
    assertThat(env).containsEntry("BALLAST_REMOTE_BIND_HOST", "0.0.0.0")
        .containsEntry("BALLAST_HTTP_HOST", "0.0.0.0")
        .containsEntry("BALLAST_MANAGEMENT_HOST", "0.0.0.0");
  }

  @Test
  void variablesAreDefinedBeforeTheyAreReferenced() {
    List<String> defined = new ArrayList<>();
    for (JsonNode variable : container().path("env")) {
      Matcher reference = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(variable.path("value").asText());
      while (reference.find()) {
        assertThat(defined).as(variable.path("name").asText() + " refers to $(" + reference.group(1) + ")")
            .contains(reference.group(1));
      }
      defined.add(variable.path("name").asText());
    }
    Map<String, String> fieldRefs = new LinkedHashMap<>();
    for (JsonNode variable : container().path("env")) {
      JsonNode fieldRef = variable.path("valueFrom").path("fieldRef");
      if (!fieldRef.isMissingNode()) {
        fieldRefs.put(variable.path("name").asText(), fieldRef.path("fieldPath").asText());
      }
    }
    assertThat(fieldRefs).containsEntry("POD_NAME", "metadata.name")
        .containsEntry("POD_NAMESPACE", "metadata.namespace");
  }

  @Test
  void everyBallastVariableInTheManifestsIsOneTheNodeReads() throws IOException {
    Set<String> known = variablesTheNodeReads(root);
    assertThat(known).contains("BALLAST_SEED_NODES", "BALLAST_CASSANDRA_CONTACT_POINTS", "BALLAST_REMOTE_HOST");

    Set<String> used = new TreeSet<>();
    files.forEach((file, documents) -> {
      if (!file.equals("kustomization.yaml")) {
        for (JsonNode document : documents) {
          collectBallastVariables(document, used);
        }
      }
    });
    assertThat(used).isNotEmpty();
    assertThat(known).as("BALLAST_* variables read by config/*.conf or Node.java").containsAll(used);
  }

  @Test
  void theProbesAskTheManagementPortWhetherTheNodeIsReadyAndAlive() {
    JsonNode container = container();

    assertProbe(container.path("readinessProbe"), "/ready");
    assertProbe(container.path("livenessProbe"), "/alive");
    assertThat(container.path("startupProbe").isMissingNode()).as("startupProbe").isFalse();
    assertThat(text(container, "startupProbe", "httpGet", "path")).as("startupProbe path").isIn("/alive", "/ready");
    assertThat(probePort(container.path("startupProbe"))).isEqualTo(managementPort());
  }

  @Test
  void theRbacGrantsExactlyWhatTheKubernetesActuatorCalls() {
    String account = text(statefulSet(), "spec", "template", "spec", "serviceAccountName");
    Set<String> granted = new TreeSet<>();
    for (JsonNode binding : objects("RoleBinding")) {
      boolean toPod = false;
      for (JsonNode subject : binding.path("subjects")) {
        toPod |= text(subject, "kind").equals("ServiceAccount") && text(subject, "name").equals(account);
      }
      assertThat(toPod).as(describe(binding) + " binds the pods' service account").isTrue();
      JsonNode role = object(text(binding, "roleRef", "kind"), text(binding, "roleRef", "name"));
      for (JsonNode rule : role.path("rules")) {
        for (JsonNode group : rule.path("apiGroups")) {
          for (JsonNode resource : rule.path("resources")) {
            for (JsonNode verb : rule.path("verbs")) {
              granted.add(group.asText() + "/" + resource.asText() + ":" + verb.asText());
            }
          }
        }
        assertThat(rule.has("resourceNames") || rule.has("nonResourceURLs")).isFalse();
      }
    }
    assertThat(objects("ClusterRoleBinding")).as("a ClusterRoleBinding would grant every namespace").isEmpty();
    assertThat(granted).as("granted to the pods' service account (see KubernetesScaleActuator)")
        .isEqualTo(ACTUATOR_PERMISSIONS);
  }

  @Test
  void thePodsRunAsTheServiceAccountOfTheManifests() {
    JsonNode pod = statefulSet().path("spec").path("template").path("spec");
    String account = text(pod, "serviceAccountName");

    assertThat(account).isNotEmpty();
    object("ServiceAccount", account);
    // The actuator authenticates with the mounted token.
    assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isTrue();
  }

  @Test
  void thePodsRunAsANonRootUserOnAReadOnlyRootFilesystem() {
    JsonNode pod = statefulSet().path("spec").path("template").path("spec");
    JsonNode container = container();

    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as("pod runAsNonRoot").isTrue();
    assertThat(pod.path("securityContext").path("runAsUser").asInt()).as("pod runAsUser").isEqualTo(10001);
    assertThat(container.path("securityContext").path("runAsNonRoot").asBoolean(true))
        .as("container runAsNonRoot").isTrue();
    assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true))
        .as("container allowPrivilegeEscalation").isFalse();
    assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean())
        .as("container readOnlyRootFilesystem").isTrue();

    // With a read-only root, where the node and the JVM write must be volumes.
    assertThat(writableMountFor(env().get("BALLAST_DATA_DIR"))).as("the data directory is a writable volume").isTrue();
    assertThat(writableMountFor("/tmp")).as("/tmp is a writable volume").isTrue();
  }

  @Test
  void theTokensFileIsTheSecretTheExampleShowsMountedSoThatEditsReachThePod() {
    Path tokensFile = Path.of(env().get("BALLAST_TOKENS_FILE"));
    JsonNode mount = null;
    for (JsonNode candidate : container().path("volumeMounts")) {
      if (tokensFile.getParent().equals(Path.of(text(candidate, "mountPath")))) {
        mount = candidate;
      }
    }
    assertThat(mount).as("a volume mounted at " + tokensFile.getParent()).isNotNull();
    assertThat(mount.has("subPath")).as("a subPath mount never sees the Secret change").isFalse();
    JsonNode volume = volume(text(mount, "name"));
    String secretName = text(volume, "secret", "secretName");

    JsonNode example = files.get("secret.example.yaml").get(0);
    assertThat(text(example, "kind")).isEqualTo("Secret");
    assertThat(text(example, "metadata", "name")).isEqualTo(secretName);
    assertThat(example.path("stringData").has(tokensFile.getFileName().toString())).isTrue();
    Config tokens =
        ConfigFactory.parseString(example.path("stringData").path(tokensFile.getFileName().toString()).asText());
    assertThat(tokens.getConfigList("tokens")).isNotEmpty();
  }

  @Test
  void theClusterStartsInParallelAndShutsDownWithTimeToHandOverItsShards() {
    JsonNode spec = statefulSet().path("spec");

    assertThat(text(spec, "podManagementPolicy")).as("podManagementPolicy").isEqualTo("Parallel");
    assertThat(spec.path("template").path("spec").path("terminationGracePeriodSeconds").asInt())
        .as("terminationGracePeriodSeconds").isGreaterThanOrEqualTo(60);
  }

  @Test
  void theDisruptionBudgetLeavesAMajorityOfTheMembersUp() {
    JsonNode pdb = object("PodDisruptionBudget", null);
    int replicas = statefulSet().path("spec").path("replicas").asInt();
    int maxUnavailable = pdb.path("spec").path("maxUnavailable").asInt(-1);

    assertThat(text(pdb, "apiVersion")).isEqualTo("policy/v1");
    assertThat(replicas).isEqualTo(3);
    assertThat(maxUnavailable).isEqualTo(1);
    // keep-majority: the members left after a voluntary disruption must still be a strict majority.
    assertThat(2 * (replicas - maxUnavailable)).isGreaterThan(replicas);
  }

  @Test
  void everyContainerHasResourceRequestsAndLimits() {
    JsonNode resources = container().path("resources");

    assertThat(text(resources, "requests", "cpu")).isNotEmpty();
    assertThat(text(resources, "requests", "memory")).isNotEmpty();
    assertThat(text(resources, "limits", "memory")).isNotEmpty();
  }

  // ---------------------------------------------------------------------------------------------------------

  /**
   * The repository's root: {@code ballast.root} when set (failsafe sets it), else the nearest directory at or
   * above the working directory (surefire runs in {@code controller/}) that holds {@code docker/k8s}.
   */
  /** The BALLAST_* variables that config/*.conf ({@code ${?BALLAST_X}}) and Node.java read. */
  static Set<String> variablesTheNodeReads(Path root) throws IOException {
    Set<String> known = new TreeSet<>();
    try (Stream<Path> confs = Files.list(root.resolve("config"))) {
      for (Path conf : confs.filter(p -> p.toString().endsWith(".conf")).toList()) {
        Matcher m = Pattern.compile("\\$\\{\\??(BALLAST_[A-Z0-9_]+)}").matcher(Files.readString(conf));
        while (m.find()) {
          known.add(m.group(1));
        }
      }
    }
    Path node = root.resolve("controller/src/main/java/io/ballast/controller/Node.java");
    Matcher m = Pattern.compile("\"(BALLAST_[A-Z0-9_]+)\"").matcher(Files.readString(node));
    while (m.find()) {
      known.add(m.group(1));
    }
    return known;
  }

  public static Path repositoryRoot() {
    String configured = System.getProperty("ballast.root");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docker/k8s/kustomization.yaml"))
          && Files.isDirectory(dir.resolve("config"))) {
        return dir;
      }
    }
    return fail("no docker/k8s/kustomization.yaml at or above " + Path.of("").toAbsolutePath());
  }

  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    String yaml = Files.readString(file, StandardCharsets.UTF_8);
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode document = it.next();
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          assertThat(document.isObject()).as(file.getFileName() + ": a document is a mapping").isTrue();
          documents.add(document);
        }
      }
    }
    return documents;
  }

  private static List<String> kustomizationResources() {
    List<String> resources = new ArrayList<>();
    for (JsonNode resource : files.get("kustomization.yaml").get(0).path("resources")) {
      resources.add(resource.asText());
    }
    return resources;
  }

  private static boolean isExample(String file) {
    return file.endsWith(".example.yaml") || file.endsWith(".example.yml");
  }

  /** The shipped defaults of config/, without the environment of whoever runs the tests. */
  private static Config configDefaults() throws IOException {
    Config config = ConfigFactory.empty();
    for (String file : List.of("cluster.conf", "http.conf", "management.conf")) {
      config = config.withFallback(ConfigFactory.parseFile(root.resolve("config").resolve(file).toFile()));
    }
    return config.resolve(ConfigResolveOptions.noSystem());
  }

  private static int httpPort() {
    return port("BALLAST_HTTP_PORT", "ballast.http.port");
  }

  private static int remotingPort() {
    return port("BALLAST_REMOTE_PORT", "pekko.remote.artery.canonical.port");
  }

  private static int managementPort() {
    return port("BALLAST_MANAGEMENT_PORT", "pekko.management.http.port");
  }

  /** The port the node listens on in the pod: the manifest's variable if it sets one, else the default. */
  private static int port(String variable, String path) {
    return Optional.ofNullable(env().get(variable)).map(Integer::parseInt).orElse(defaults.getInt(path));
  }

  private static JsonNode statefulSet() {
    return object("StatefulSet", "ballast");
  }

  private static JsonNode container() {
    JsonNode containers = statefulSet().path("spec").path("template").path("spec").path("containers");
    assertThat(containers.size()).isEqualTo(1);
    return containers.get(0);
  }

  /** The container's literal environment (variables taken from fields or secrets are left out). */
  private static Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode variable : container().path("env")) {
      if (variable.has("value")) {
        env.put(variable.path("name").asText(), variable.path("value").asText());
      }
    }
    return env;
  }

  /** {@code env} with $(VAR) expanded the way the kubelet does, from {@code pod} and earlier variables. */
  private static Map<String, String> expanded(Map<String, String> env, Map<String, String> pod) {
    Map<String, String> known = new LinkedHashMap<>(pod);
    Map<String, String> result = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : env.entrySet()) {
      Matcher m = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(e.getValue());
      StringBuilder value = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(value, Matcher.quoteReplacement(known.getOrDefault(m.group(1), m.group())));
      }
      m.appendTail(value);
      known.put(e.getKey(), value.toString());
      result.put(e.getKey(), value.toString());
    }
    return result;
  }

  private static int containerPort(String name) {
    for (JsonNode port : container().path("ports")) {
      if (text(port, "name").equals(name)) {
        return port.path("containerPort").asInt();
      }
    }
    return fail("no container port named " + name);
  }

  /** The port of the Service's port named {@code name}, checked to lead to the container port of that name. */
  private static int servicePort(JsonNode service, String name) {
    for (JsonNode port : service.path("spec").path("ports")) {
      if (text(port, "name").equals(name)) {
        JsonNode target = port.path("targetPort");
        int targetPort = target.isMissingNode() ? port.path("port").asInt()
            : target.isInt() ? target.asInt() : containerPort(target.asText());
        assertThat(targetPort).as(describe(service) + " port " + name + " reaches the container port")
            .isEqualTo(containerPort(name));
        return port.path("port").asInt();
      }
    }
    return fail(describe(service) + " has no port named " + name);
  }

  private static void assertProbe(JsonNode probe, String path) {
    assertThat(probe.isMissingNode()).as("probe for " + path).isFalse();
    assertThat(text(probe, "httpGet", "path")).isEqualTo(path);
    assertThat(probePort(probe)).as(path + " on the management port").isEqualTo(managementPort());
  }

  private static int probePort(JsonNode probe) {
    JsonNode port = probe.path("httpGet").path("port");
    return port.isInt() ? port.asInt() : containerPort(port.asText());
  }

  private static boolean writableMountFor(String dir) {
    assertThat(dir).isNotNull();
    Path path = Path.of(dir);
    for (JsonNode mount : container().path("volumeMounts")) {
      if (path.startsWith(Path.of(text(mount, "mountPath"))) && !mount.path("readOnly").asBoolean()) {
        JsonNode volume = volume(text(mount, "name"));
        if (volume.has("emptyDir") || volume.has("persistentVolumeClaim") || volume.has("ephemeral")) {
          return true;
        }
      }
    }
    for (JsonNode claim : statefulSet().path("spec").path("volumeClaimTemplates")) {
      for (JsonNode mount : container().path("volumeMounts")) {
        if (text(mount, "name").equals(text(claim, "metadata", "name"))
            && path.startsWith(Path.of(text(mount, "mountPath")))) {
          return true;
        }
      }
    }
    return false;
  }

  private static JsonNode volume(String name) {
    for (JsonNode volume : statefulSet().path("spec").path("template").path("spec").path("volumes")) {
      if (text(volume, "name").equals(name)) {
        return volume;
      }
    }
    for (JsonNode claim : statefulSet().path("spec").path("volumeClaimTemplates")) {
      if (text(claim, "metadata", "name").equals(name)) {
        return claim;
      }
    }
    return fail("no volume named " + name);
  }

  private static void collectBallastVariables(JsonNode node, Set<String> into) {
    if (node.isObject()) {
      JsonNode name = node.get("name");
      if (name != null && name.isTextual() && name.asText().startsWith("BALLAST_")
          && (node.has("value") || node.has("valueFrom"))) {
        into.add(name.asText());
      }
      node.properties().forEach(e -> collectBallastVariables(e.getValue(), into));
    } else if (node.isArray()) {
      node.forEach(child -> collectBallastVariables(child, into));
    } else if (node.isTextual()) {
      Matcher m = Pattern.compile("\\$\\((BALLAST_[A-Z0-9_]+)\\)").matcher(node.asText());
      while (m.find()) {
        into.add(m.group(1));
      }
    }
  }

  private static List<JsonNode> objects(String kind) {
    return applied.stream().filter(o -> text(o, "kind").equals(kind)).toList();
  }

  /** The one applied object of {@code kind} named {@code name} (any name when null). */
  private static JsonNode object(String kind, String name) {
    List<JsonNode> found = objects(kind).stream()
        .filter(o -> name == null || text(o, "metadata", "name").equals(name)).toList();
    assertThat(found).as("applied " + kind + (name == null ? "" : " " + name)).hasSize(1);
    return found.get(0);
  }

  private static String describe(JsonNode object) {
    return text(object, "kind") + " " + text(object, "metadata", "name");
  }

  private static String text(JsonNode node, String... path) {
    JsonNode at = node;
    for (String step : path) {
      at = at.path(step);
    }
    return at.isValueNode() ? at.asText() : "";
  }

  private static Map<String, String> strings(JsonNode mapping) {
    Map<String, String> result = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : mapping.properties()) {
      result.put(e.getKey(), e.getValue().asText());
    }
    return result;
  }
}
