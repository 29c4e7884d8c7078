package io.ballast.controller.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real Cassandra the integration tests run against, started through the project's own {@code bin/cassandra}
 * (data under {@code target/cassandra}). If one is already running it is used and left running; if the tests
 * start it, it is stopped when the test JVM exits.
 */
final class CassandraServer {

  private static boolean ready;

  private CassandraServer() {}

  static synchronized void ensureRunning() throws Exception {
    if (ready) {
      return;
    }
    if (run("status") != 0) {
      int started = run("start");
      if (started != 0) {
        throw new IllegalStateException("bin/cassandra start failed with " + started + "; see " + log());
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          run("stop");
        } catch (Exception e) {
          System.err.println("could not stop Cassandra: " + e);
        }
      }, "stop-cassandra"));
    }
    ready = true;
  }

  /** Stops the server, as an operator would, to take the journal away from a running node. */
  static void stop() throws Exception {
    if (run("stop") != 0) {
      throw new IllegalStateException("bin/cassandra stop failed; see " + log());
    }
  }

  static void start() throws Exception {
    if (run("start") != 0) {
      throw new IllegalStateException("bin/cassandra start failed; see " + log());
    }
  }

  private static int run(String command) throws IOException, InterruptedException {
    Files.createDirectories(log().getParent());
    Process process = new ProcessBuilder(root().resolve("bin/cassandra").toString(), command)
        .directory(root().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
        .start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("bin/cassandra " + command + " did not finish in 5 minutes; see " + log());
    }
    return process.exitValue();
  }

  private static Path root() {
    return Path.of(System.getProperty("ballast.root", "..")).toAbsolutePath().normalize();
  }

  private static Path log() {
    return Path.of("target", "it-logs", "bin-cassandra.log").toAbsolutePath();
  }
}
