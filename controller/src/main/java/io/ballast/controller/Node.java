package io.ballast.controller;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import io.ballast.controller.http.ApiRoutes;
import io.ballast.controller.http.HttpServer;
import io.ballast.controller.http.ServiceRoutes;
import io.ballast.controller.ingest.IngestRoute;
import io.ballast.controller.policy.Policies;
import io.ballast.controller.service.ServiceEntity;
import io.ballast.persistence.journal.HistoryReader;
import io.ballast.persistence.journal.JournalSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
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

  /** The configuration with {@code extra} layered over the defaults. */
  public static Config configuration(Config extra) {
    Config layered = extra.withFallback(ConfigFactory.defaultApplication());
    try {
      Path dataDir = Path.of(ConfigFactory.load(layered).getString("ballast.persistence.data-dir")).toAbsolutePath();
      layered = layered.withValue("ballast.persistence.data-dir", ConfigValueFactory.fromAnyRef(dataDir.toString()));
      return ConfigFactory.load(layered);
    } catch (ConfigException e) {
      throw new Settings.InvalidSettingsException(e.getMessage(), e);
    }
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

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ballast", config);
    try {
      JournalSchema.ensure(system).toCompletableFuture().get(60, TimeUnit.SECONDS);

      Cluster cluster = Cluster.get(system);
      if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }

      ServiceEntity.init(system, settings.entities(), new Policies(), clock);
      var history = new HistoryReader(system);
      var routes = new ApiRoutes().wrap(
          new IngestRoute(system, settings.ingest(), clock).route(),
          new ServiceRoutes(system, history, settings.ingest().writeTimeout(), settings.ingest().retryAfter()).route());
      ServerBinding binding = HttpServer.start(system, routes, settings.httpHost(), settings.httpPort())
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new Running(system, binding);
    } catch (Exception e) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      throw e;
    }
  }
}
