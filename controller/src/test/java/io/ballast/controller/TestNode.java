package io.ballast.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A controller node started in this JVM on free ports, with its journal in a directory of the test's. */
public final class TestNode implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Node.Running node;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  /** An answer: status, parsed JSON body (or null), and headers. */
  public record Answer(int status, JsonNode body, Map<String, java.util.List<String>> headers) {
    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  public TestNode(Path dataDir, String extraConfig) throws Exception {
    Config config = Node.configuration(ConfigFactory.parseString(extraConfig)
        .withFallback(ConfigFactory.parseMap(Map.of(
            "ballast.http.port", 0,
            "pekko.remote.artery.canonical.port", 0,
            "ballast.persistence.data-dir", dataDir.toString(),
            "pekko.management.http.port", 0,
            // Tests of the API's own behaviour call it without tokens; AuthorizationTest turns this back on.
            "ballast.auth.enabled", false))));
    this.node = Node.start(config);
    this.base = "http://127.0.0.1:" + node.binding().localAddress().getPort();
  }

  public Answer post(String path, String body) {
    return post(path, body, "application/json");
  }

  public Answer post(String path, String body, String contentType) {
    var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request.build());
  }

  public Answer get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20)).GET().build());
  }

  public Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      String contentType = response.headers().firstValue("Content-Type").orElse("");
      // A text answer (the Prometheus exposition of /metrics) is kept as a JSON string.
      JsonNode body = response.body().isEmpty() ? null : contentType.startsWith("application/json")
          ? JSON.readTree(response.body()) : JSON.getNodeFactory().textNode(response.body());
      return new Answer(response.statusCode(), body, response.headers().map());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String baseUri() {
    return base;
  }

  @Override
  public void close() throws Exception {
    node.system().terminate();
    node.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
