package io.ballast.controller.http;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds the API and unbinds it gracefully when the node shuts down. */
public final class HttpServer {

  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
  private static final Duration DRAIN = Duration.ofSeconds(10);

  private HttpServer() {}

  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, Route route, String host, int port) {
    return Http.get(system).newServerAt(host, port).bind(route).whenComplete((binding, error) -> {
      if (error != null) {
        log.error("cannot listen on {}:{}: {}", host, port, error.getMessage());
        system.terminate();
        return;
      }
      log.info("Ballast HTTP API listening on http://{}:{}", binding.localAddress().getHostString(),
          binding.localAddress().getPort());
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "http-unbind",
          () -> binding.unbind().thenApply(done -> Done.getInstance()));
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "http-drain",
          () -> binding.terminate(DRAIN).thenApply(terminated -> Done.getInstance()));
    });
  }
}
