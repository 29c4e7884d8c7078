package io.ballast.controller.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A controller node in its own JVM, started with {@code bin/ballast run} as an operator would start it, and
 * stopped with SIGTERM or killed with SIGKILL.
 */
final class NodeProcess implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int httpPort;
  private final Path log;

  record Answer(int status, JsonNode body, String retryAfter) {}

  private final Path dataDir;
  /** The admin token the node made for itself at first start (auth is on, as an operator would run it). */
  private volatile String token;

  private final int managementPort;

  private NodeProcess(Process process, int httpPort, int managementPort, Path log, Path dataDir) {
    this.process = process;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.log = log;
    this.dataDir = dataDir;
  }

  /** Starts a node on free ports with its journal in {@code dataDir} and waits until it answers. */
  static NodeProcess start(Path dataDir, Path log, Map<String, String> env) throws Exception {
    Path root = Path.of(System.getProperty("ballast.root", "..")).toAbsolutePath().normalize();
    int httpPort = env.containsKey("BALLAST_HTTP_PORT") ? Integer.parseInt(env.get("BALLAST_HTTP_PORT")) : freePort();
    ProcessBuilder builder = new ProcessBuilder(root.resolve("bin/ballast").toString(), "run")
        .directory(root.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    builder.environment().put("BALLAST_NO_BUILD", "1");
    builder.environment().put("BALLAST_HTTP_PORT", Integer.toString(httpPort));
    builder.environment().putIfAbsent("BALLAST_REMOTE_PORT", Integer.toString(freePort()));
    builder.environment().putIfAbsent("BALLAST_MANAGEMENT_PORT", Integer.toString(freePort()));
    builder.environment().put("BALLAST_DATA_DIR", dataDir.toString());
    int managementPort = Integer.parseInt(builder.environment().get("BALLAST_MANAGEMENT_PORT"));
    NodeProcess node = new NodeProcess(builder.start(), httpPort, managementPort, log, dataDir);
    try {
      node.awaitReady(Duration.ofSeconds(60));
    } catch (Throwable notReady) {
      node.close();
      throw notReady;
    }
    return node;
  }

  Answer get(String path) {
    return send(authorized(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET()));
  }

  Answer post(String path, String json) {
    return send(authorized(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))));
  }

  Answer delete(String path) {
    return send(authorized(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).DELETE()));
  }

  int httpPort() {
    return httpPort;
  }

  /** A GET of Pekko Management's HTTP endpoint ({@code /ready}, {@code /cluster/members} ...), unauthenticated. */
  Answer management(String path) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
        .timeout(Duration.ofSeconds(10)).GET().build());
  }

  /** The admin token this node's data directory holds. */
  String token() {
    if (token == null) {
      Path file = dataDir.resolve("admin.token");
      try {
        token = Files.isRegularFile(file) ? Files.readString(file).strip() : null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return token;
  }

  private HttpRequest authorized(HttpRequest.Builder request) {
    String t = token();
    if (t != null) {
      request.header("Authorization", "Bearer " + t);
    }
    return request.build();
  }

  /** SIGTERM, as Ctrl-C or an orchestrator would send it; waits for the JVM to finish shutting down. */
  void stop() throws Exception {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("the node did not stop within 60 s of SIGTERM; see " + log);
    }
  }

  /** SIGKILL: no shutdown hook, no flush, nothing. */
  void kill() throws Exception {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  boolean alive() {
    return process.isAlive();
  }

  String logText() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      kill();
    }
  }

  private void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("the node exited with " + process.exitValue() + " before it was ready; see " + log);
      }
      try {
        if (get("/v1/services").status() == 200) {
          return;
        }
      } catch (UncheckedIOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the node was not ready within " + timeout + "; see " + log);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + httpPort + path);
  }

  private static Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      String body = response.body();
      boolean json = response.headers().firstValue("Content-Type").map(t -> t.contains("json")).orElse(true);
      return new Answer(response.statusCode(), body.isEmpty() || !json ? null : JSON.readTree(body),
          response.headers().firstValue("Retry-After").orElse(null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
