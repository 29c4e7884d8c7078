package io.ballast.controller.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy for integration tests, run through the project's own {@code bin/haproxy} as an operator would
 * (installing the Debian package on first use), from a config the test writes: the test fills in its ports and
 * paths. Its output, including the traffic log when the config logs to stderr, is in {@link #log()}.
 */
final class HaproxyServer implements AutoCloseable {

  private static boolean installed;

  private final Path runDir;
  private final Path config;

  private HaproxyServer(Path runDir, Path config) {
    this.runDir = runDir;
    this.config = config;
  }

  /** Writes {@code configText} to {@code runDir/haproxy.cfg} and starts HAProxy on it, ready when this returns. */
  static HaproxyServer start(String configText, Path runDir) throws Exception {
    ensureInstalled();
    Files.createDirectories(runDir);
    Path config = runDir.resolve("haproxy.cfg");
    Files.writeString(config, configText, StandardCharsets.UTF_8);
    HaproxyServer server = new HaproxyServer(runDir.toAbsolutePath(), config.toAbsolutePath());
    int exit = run("start", config.toString(), runDir.toString());
    if (exit != 0) {
      throw new IllegalStateException("bin/haproxy start failed with " + exit + "; see " + scriptLog()
          + " and " + server.log() + "\n" + server.logTail());
    }
    return server;
  }

  Path runDir() {
    return runDir;
  }

  Path config() {
    return config;
  }

  /** HAProxy's own output: startup warnings and alerts, and whatever the config logs to stderr. */
  Path log() {
    return runDir.resolve("haproxy.log");
  }

  boolean running() throws Exception {
    return run("status", runDir.toString()) == 0;
  }

  @Override
  public void close() throws Exception {
    int exit = run("stop", runDir.toString());
    if (exit != 0) {
      throw new IllegalStateException("bin/haproxy stop failed with " + exit + "; see " + scriptLog());
    }
  }

  /** A TCP port on 127.0.0.1 that was free a moment ago, for the test to put into its config. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log());
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no HAProxy log: " + e + ")";
    }
  }

  private static synchronized void ensureInstalled() throws Exception {
    if (!installed) {
      int exit = run("install");
      if (exit != 0) {
        throw new IllegalStateException("bin/haproxy install failed with " + exit + "; see " + scriptLog());
      }
      installed = true;
    }
  }

  private static int run(String... args) throws IOException, InterruptedException {
    Files.createDirectories(scriptLog().getParent());
    Path root = Path.of(System.getProperty("ballast.root", "..")).toAbsolutePath().normalize();
    List<String> command = new java.util.ArrayList<>(List.of(root.resolve("bin/haproxy").toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command)
        .directory(root.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(scriptLog().toFile()))
        .start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("bin/haproxy " + String.join(" ", args) + " did not finish in 5 minutes; see "
          + scriptLog());
    }
    return process.exitValue();
  }

  private static Path scriptLog() {
    return Path.of("target", "it-logs", "bin-haproxy.log").toAbsolutePath();
  }
}
