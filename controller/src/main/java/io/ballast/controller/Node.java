package io.ballast.controller;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import io.ballast.controller.http.ApiRoutes;
import io.ballast.controller.http.HttpServer;
import io.ballast.controller.actuation.CloudActuators;
import io.ballast.controller.auth.AuthSettings;
import io.ballast.controller.auth.Authenticator;
import io.ballast.controller.auth.TokenStore;
import io.ballast.controller.http.AdminRoutes;
import io.ballast.controller.http.AdmissionRoutes;
import io.ballast.controller.http.OpenApi;
import io.ballast.controller.http.Tls;
import io.ballast.controller.service.ServiceKeeper;
import io.ballast.controller.http.HistoryRoutes;
import io.ballast.controller.http.UiRoutes;
import io.ballast.controller.metrics.NodeMetrics;
import io.ballast.controller.remotewrite.RemoteWriteRoute;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ballast.controller.http.WhatIfRoutes;
import io.ballast.controller.http.MetricsRoutes;
import io.ballast.controller.http.ServiceRoutes;
import io.ballast.controller.shedding.AdmissionSnapshot;
import io.ballast.controller.shedding.HaproxyMetricsSource;
import io.ballast.controller.shedding.SheddingSettings;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import io.ballast.controller.ingest.IngestRoute;
import io.ballast.controller.policy.Policies;
import io.ballast.controller.service.ServiceEntity;
import io.ballast.persistence.journal.HistoryReader;
import io.ballast.persistence.journal.JournalHealth;
import io.ballast.persistence.journal.JournalSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;

/** The one place where a controller node is wired together: configuration, journal, sharding, HTTP. */
public final class Node {

  private Node() {}

  /**
   * Reads the configuration: the defaults in {@code config/} (with their environment overrides), then
   * {@code extra} over them, then Java system properties over everything. The data directory is made
   * absolute, so that the node does not depend on where it was started once it runs.
   */
  public static Config configuration(Optional<Path> extra) {
    if (extra.isEmpty()) {
      return configuration(ConfigFactory.empty());
    }
    Path file = extra.get();
    if (!Files.isRegularFile(file)) {
      throw new Settings.InvalidSettingsException("--config: " + file + " is not a readable file", null);
    }
    try {
      return configuration(ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)));
    } catch (ConfigException e) {
      throw new Settings.InvalidSettingsException("--config: " + e.getMessage(), e);
    }
  }

  /** The configuration with {@code extra} layered over the defaults, and this process's environment. */
  public static Config configuration(Config extra) {
    return configuration(extra, System.getenv());
  }

  /**
   * The configuration with {@code extra} layered over the defaults (and over what {@code env} sets): the
   * selected journal's block of {@code ballast.persistence.journals} on top, the data directory absolute.
   */
  public static Config configuration(Config extra, Map<String, String> env) {
    Config layered = extra.withFallback(environment(env)).withFallback(ConfigFactory.defaultApplication());
    try {
      Config resolved = ConfigFactory.load(layered);
      String journal = resolved.getString("ballast.persistence.journal");
      Config journals = resolved.getConfig("ballast.persistence.journals");
      if (!journals.root().containsKey(journal)) {
        throw new Settings.InvalidSettingsException("ballast.persistence.journal (BALLAST_JOURNAL): unknown journal '"
            + journal + "'; one of " + new TreeSet<>(journals.root().keySet()), null);
      }
      layered = journals.getConfig(journal).withFallback(layered);
      Path dataDir = Path.of(resolved.getString("ballast.persistence.data-dir")).toAbsolutePath();
      layered = layered.withValue("ballast.persistence.data-dir", ConfigValueFactory.fromAnyRef(dataDir.toString()));
      Config config = ConfigFactory.load(layered);
      requireSharedJournalForCluster(config, journal);
      return config;
    } catch (ConfigException e) {
      throw new Settings.InvalidSettingsException(e.getMessage(), e);
    }
  }

  /**
   * A cluster of several nodes must share its journal: each embedded journal is one node's own, so services that
   * move between nodes would lose their history, and two nodes could each write a service's events.
   */
  private static void requireSharedJournalForCluster(Config config, String journal) {
    if (!"embedded".equals(journal)) {
      return;
    }
    String self = "pekko://ballast@" + config.getString("pekko.remote.artery.canonical.hostname") + ":"
        + config.getInt("pekko.remote.artery.canonical.port");
    for (String seed : config.getStringList("pekko.cluster.seed-nodes")) {
      if (!seed.equals(self)) {
        throw new Settings.InvalidSettingsException("pekko.cluster.seed-nodes (BALLAST_SEED_NODES): '" + seed
            + "' is another node, but the embedded journal is this node's own; a cluster of several nodes needs "
            + "the shared journal (BALLAST_JOURNAL=cassandra)", null);
      }
    }
  }

  /**
   * What the environment sets that HOCON's {@code ${?VAR}} cannot: lists. BALLAST_CASSANDRA_CONTACT_POINTS is a
   * comma-separated list of host:port; BALLAST_SEED_NODES one of host:port (or full pekko://ballast@host:port
   * addresses) of the cluster's seed nodes.
   */
  private static Config environment(Map<String, String> env) {
    Config config = ConfigFactory.empty();
    List<String> points = list(env, "BALLAST_CASSANDRA_CONTACT_POINTS");
    for (String point : points) {
      if (!point.matches("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}")) {
        throw new Settings.InvalidSettingsException("BALLAST_CASSANDRA_CONTACT_POINTS: '" + point
            + "' is not host:port (for example 10.0.0.5:9042)", null);
      }
    }
    if (!points.isEmpty()) {
      config = config.withValue("datastax-java-driver.basic.contact-points", ConfigValueFactory.fromIterable(points));
    }
    List<String> seeds = new ArrayList<>();
    for (String seed : list(env, "BALLAST_SEED_NODES")) {
      if (seed.matches("pekko://ballast@[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}")) {
        seeds.add(seed);
      } else if (seed.matches("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}")) {
        seeds.add("pekko://ballast@" + seed);
      } else {
        throw new Settings.InvalidSettingsException("BALLAST_SEED_NODES: '" + seed + "' is not host:port (for "
            + "example ballast-0.ballast:25520) or pekko://ballast@host:port", null);
      }
    }
    if (!seeds.isEmpty()) {
      config = config.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds));
    }
    return config;
  }

  private static List<String> list(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::strip).filter(p -> !p.isEmpty()).toList();
  }

  /** A running node: its actor system and its HTTP binding. */
  public record Running(ActorSystem<Void> system, ServerBinding binding) {}

  /** Starts a node and returns once it listens; a node that cannot start throws and leaves nothing running. */
  public static Running start(Config config) throws Exception {
    return start(config, Clock.systemUTC());
  }

  /** Starts a node whose ingest and windows read {@code clock}. */
  public static Running start(Config config, Clock clock) throws Exception {
    Settings settings = Settings.create(config);
    Path dataDir = Path.of(config.getString("ballast.persistence.data-dir"));
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new Settings.InvalidSettingsException(
          "ballast.persistence.data-dir: cannot create " + dataDir + ": " + e.getMessage(), e);
    }

    AuthSettings auth;
    Optional<HttpsConnectionContext> tls;
    try {
      auth = AuthSettings.read(config.getConfig("ballast.auth"));
      tls = Tls.serverContext(config.getConfig("ballast.http"));
    } catch (IllegalArgumentException e) {
      throw new Settings.InvalidSettingsException(e.getMessage(), e);
    }

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ballast", config);
    try {
      JournalSchema.ensure(system).toCompletableFuture().get(180, TimeUnit.SECONDS);

      Cluster cluster = Cluster.get(system);
      if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }

      ActorRef<Topic.Command<AdmissionSnapshot>> admissions =
          system.systemActorOf(Topic.create(AdmissionSnapshot.class, "ballast-admissions"), "admissions",
              Props.empty());
      PrometheusRegistry registry = MetricsRoutes.registryWithJvmMetrics();
      NodeMetrics metrics = new NodeMetrics(registry);
      ServiceEntity.init(system, settings.entities(), new Policies(), clock, new CloudActuators(), admissions,
          metrics);
      for (SheddingSettings.HaproxyMetrics source : settings.entities().shedding().haproxyMetrics()) {
        // One reader per HAProxy in the cluster, wherever it runs: two would record the same requests twice.
        ClusterSingleton.get(system).init(SingletonActor.of(HaproxyMetricsSource.create(source,
            Set.copyOf(settings.entities().priorityClasses()), settings.ingest().writeTimeout(), clock),
            "haproxy-metrics-" + source.service()));
      }
      var history = new HistoryReader(system);
      var health = JournalHealth.start(system, history,
          config.getDuration("ballast.persistence.health-check-interval"),
          config.getDuration("ballast.persistence.health-check-timeout"), clock);
      var guard = new Authenticator(auth, auth.enabled() ? TokenStore.open(auth, dataDir) : null);
      if (!auth.enabled()) {
        system.log().warn("authentication is OFF (ballast.auth.enabled): anyone who reaches {}:{} is an admin",
            settings.httpHost(), settings.httpPort());
      }
      ClusterSingleton.get(system).init(SingletonActor.of(ServiceKeeper.create(history,
          config.getDuration("ballast.observation.keep-running-every")), "service-keeper"));
      var routes = new ApiRoutes().wrap(
          new IngestRoute(system, settings.ingest(), health, clock, guard, metrics).route(),
          new RemoteWriteRoute(system, settings.remoteWrite(), settings.ingest(), settings.entities().priorityClasses(),
              health, clock, guard, metrics).route(),
          new ServiceRoutes(system, history, health, settings.ingest().writeTimeout(), settings.ingest().retryAfter(),
              settings.entities()::actuationFor, guard).route(),
          new AdmissionRoutes(system, history, admissions, settings.entities().priorityClasses(),
              settings.entities().shedding(), settings.ingest().writeTimeout(), settings.ingest().retryAfter(), clock,
              guard).route(),
          new AdminRoutes(system, guard, settings.entities().priorityClasses(), config.getConfig("ballast.policy.kinds"),
              settings.ingest().writeTimeout(), settings.ingest().retryAfter(), clock).route(),
          new HistoryRoutes(system, history, health, settings.ingest().retryAfter(), guard).route(),
          new WhatIfRoutes(system, history, health, settings.ingest().retryAfter(), guard,
              settings.entities().priorityClasses(), config.getConfig("ballast.policy.kinds")).route(),
          new MetricsRoutes(registry, guard).route(),
          OpenApi.route(),
          new UiRoutes().route());
      if (config.getBoolean("ballast.management.enabled")) {
        PekkoManagement.get(Adapter.toClassic(system)).start().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      ServerBinding binding = HttpServer.start(system, routes, settings.httpHost(), settings.httpPort(),
              tls)
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new Running(system, binding);
    } catch (Exception e) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      throw e;
    }
  }
}
