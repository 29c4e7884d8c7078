package io.ballast.controller.http;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds the API, over HTTPS when configured, and unbinds it gracefully when the node shuts down. */
public final class HttpServer {

  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
  private static final Duration DRAIN = Duration.ofSeconds(10);

  private HttpServer() {}

  /** Binds plain HTTP. */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, Route route, String host, int port) {
    return start(system, route, host, port, Optional.empty());
  }

  /** Binds HTTPS with {@code https} when it is given (see {@link Tls}), plain HTTP otherwise. */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, Route route, String host, int port,
      Optional<HttpsConnectionContext> https) {
    ServerBuilder server = Http.get(system).newServerAt(host, port);
    if (https.isPresent()) {
      server = server.enableHttps(https.get());
    }
    String scheme = https.isPresent() ? "https" : "http";
    return server.bind(route).whenComplete((binding, error) -> {
      if (error != null) {
        log.error("cannot listen on {}:{}: {}", host, port, error.getMessage());
        system.terminate();
        return;
      }
      log.info("Ballast HTTP API listening on {}://{}:{}", scheme, binding.localAddress().getHostString(),
          binding.localAddress().getPort());
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "http-unbind",
          () -> binding.unbind().thenApply(done -> Done.getInstance()));
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "http-drain",
          () -> binding.terminate(DRAIN).thenApply(terminated -> Done.getInstance()));
    });
  }
}
