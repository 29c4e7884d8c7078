package io.ballast.controller.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus for integration tests, run through the project's own {@code bin/prometheus} (installing the
 * Debian package on first use) on loopback, from a config the test writes, and queried through its HTTP API.
 */
final class PrometheusServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static boolean installed;

  private final Path runDir;
  private final int port;

  private PrometheusServer(Path runDir, int port) {
    this.runDir = runDir;
    this.port = port;
  }

  /** Writes {@code configText} to {@code runDir/prometheus.yml} and starts Prometheus on it, ready when this returns. */
  static PrometheusServer start(String configText, Path runDir) throws Exception {
    ensureInstalled();
    Files.createDirectories(runDir);
    Path config = runDir.resolve("prometheus.yml");
    Files.writeString(config, configText, StandardCharsets.UTF_8);
    int port = NodeProcess.freePort();
    PrometheusServer server = new PrometheusServer(runDir.toAbsolutePath(), port);
    int exit = run("start", config.toAbsolutePath().toString(), server.runDir.toString(), Integer.toString(port));
    if (exit != 0) {
      throw new IllegalStateException("bin/prometheus start failed with " + exit + "; see " + scriptLog() + " and "
          + server.runDir.resolve("prometheus.log"));
    }
    return server;
  }

  /** The result vector of an instant query: each element's labels and value. */
  List<JsonNode> query(String promql) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(response.body());
    if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      throw new IllegalStateException("query " + promql + " failed: " + response.body());
    }
    List<JsonNode> result = new ArrayList<>();
    body.at("/data/result").forEach(result::add);
    return result;
  }

  /** The value of the first element of an instant query, or NaN when it has none. */
  double value(String promql) throws IOException, InterruptedException {
    List<JsonNode> result = query(promql);
    return result.isEmpty() ? Double.NaN : Double.parseDouble(result.get(0).get("value").get(1).asText());
  }

  Path runDir() {
    return runDir;
  }

  @Override
  public void close() throws Exception {
    run("stop", runDir.toString());
  }

  private static synchronized void ensureInstalled() throws Exception {
    if (!installed) {
      int exit = run("install");
      if (exit != 0) {
        throw new IllegalStateException("bin/prometheus install failed with " + exit + "; see " + scriptLog());
      }
      installed = true;
    }
  }

  private static int run(String... args) throws IOException, InterruptedException {
    Path root = Path.of(System.getProperty("ballast.root", "..")).toAbsolutePath().normalize();
    Files.createDirectories(scriptLog().getParent());
    List<String> command = new ArrayList<>(List.of(root.resolve("bin/prometheus").toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(scriptLog().toFile())).start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("bin/prometheus " + String.join(" ", args) + " did not finish in 10 minutes");
    }
    return process.exitValue();
  }

  private static Path scriptLog() {
    return Path.of("target", "it-logs", "prometheus-script.log").toAbsolutePath();
  }
}
