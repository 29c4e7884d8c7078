package io.ballast.controller.cli.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The controller's HTTP API as JSON in, JSON out. Every request carries the bearer token; an error answer
 * becomes an {@link ApiException} with the API's own code and text, and no answer at all an
 * {@link UnreachableException} naming the URL, so each command only says what to ask and how to show it.
 */
public final class ApiClient {

  /** Parses answers and renders bodies; answers are shown with {@code --json} exactly as they came. */
  public static final ObjectMapper JSON = JsonMapper.builder().build();

  private final String base;
  private final String token;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param base the controller's URL, for example {@code https://ballast.internal:8443}; a path is kept as a
   *     prefix (a controller behind a proxy)
   * @param token the bearer token, or {@code null} to send none (the API then answers 401)
   * @param ssl what to trust for https, or {@code null} for the JDK's default trust store
   */
  public ApiClient(URI base, String token, SSLContext ssl, Duration timeout) {
    String text = base.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.token = token;
    this.timeout = timeout;
    HttpClient.Builder builder = HttpClient.newBuilder()
        // HTTP/1.1 only: no h2c upgrade attempt on plain http, which some proxies mishandle.
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER);
    if (ssl != null) {
      builder.sslContext(ssl);
    }
    this.http = builder.build();
  }

  /** A path from raw segments, each percent-encoded: {@code path("v1", "services", id)}. */
  public static String path(String... segments) {
    return Arrays.stream(segments).map(ApiClient::encode).collect(Collectors.joining("/", "/", ""));
  }

  public String base() {
    return base;
  }

  public boolean hasToken() {
    return token != null;
  }

  public JsonNode get(String path) throws ApiException, UnreachableException {
    return get(path, Map.of());
  }

  /** @param query parameters in order; {@code null} values are left out */
  public JsonNode get(String path, Map<String, String> query) throws ApiException, UnreachableException {
    return send("GET", path, query, null);
  }

  public JsonNode post(String path, JsonNode body) throws ApiException, UnreachableException {
    return send("POST", path, Map.of(), body);
  }

  public JsonNode put(String path, JsonNode body) throws ApiException, UnreachableException {
    return send("PUT", path, Map.of(), body);
  }

  public JsonNode delete(String path, Map<String, String> query) throws ApiException, UnreachableException {
    return send("DELETE", path, query, null);
  }

  private JsonNode send(String method, String path, Map<String, String> query, JsonNode body)
      throws ApiException, UnreachableException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path, query))
        .timeout(timeout)
        .header("Accept", "application/json")
        .header("User-Agent", "ballast-cli");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json");
      request.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UnreachableException(base, why(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnreachableException(base, "interrupted while waiting for the answer", e);
    }
    return answer(response);
  }

  private URI uri(String path, Map<String, String> query) {
    StringJoiner parameters = new StringJoiner("&", "?", "").setEmptyValue("");
    query.forEach((name, value) -> {
      if (value != null) {
        parameters.add(encode(name) + "=" + encode(value));
      }
    });
    return URI.create(base + path + parameters);
  }

  private static JsonNode answer(HttpResponse<String> response) throws ApiException {
    int status = response.statusCode();
    String text = response.body() == null ? "" : response.body();
    JsonNode json;
    try {
      json = text.isBlank() ? NullNode.getInstance() : JSON.readTree(text);
    } catch (JsonProcessingException e) {
      json = null;
    }
    if (status >= 200 && status < 300) {
      if (json == null) {
        throw new ApiException(status, "invalid_answer", null, "the answer is not JSON: " + shorten(text));
      }
      return json;
    }
    if (json != null && json.hasNonNull("error")) {
      String detail = json.hasNonNull("detail") ? json.get("detail").asText() : null;
      String field = json.hasNonNull("field") ? json.get("field").asText() : null;
      throw new ApiException(status, json.get("error").asText(), field, detail);
    }
    // Not the API's error shape: a proxy or load balancer in between answered.
    throw new ApiException(status, "http_" + status, null, text.isBlank() ? "no details" : shorten(text));
  }

  private String why(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return "TLS failed (" + t.getMessage() + "); is --cacert the certificate that signed the controller's?";
      }
      if (t instanceof HttpConnectTimeoutException) {
        return "could not connect within " + DurationParameter.text(timeout);
      }
      if (t instanceof HttpTimeoutException) {
        return "no answer within " + DurationParameter.text(timeout);
      }
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return "unknown host";
      }
      if (t instanceof ConnectException) {
        return "connection refused";
      }
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static byte[] bytes(JsonNode body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render a JSON tree", e);
    }
  }

  /** Percent-encoding that is right in paths and queries alike: a space is %20, never '+'. */
  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String shorten(String text) {
    String line = text.strip().replaceAll("\\s+", " ");
    return line.length() <= 200 ? line : line.substring(0, 199) + "…";
  }
}
