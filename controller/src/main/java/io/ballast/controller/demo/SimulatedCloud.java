package io.ballast.controller.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ballast.controller.simulation.InstancePool;
import io.ballast.controller.simulation.SimulationConfig;
import io.ballast.persistence.event.InstanceCounts;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A cloud for the demo: the simulator's instance model ({@link InstancePool}: instances boot, then warm up, and
 * drain when scaled in) behind Ballast's webhook contract, so the node drives it through its real webhook adapter,
 * signatures and all. {@code POST /scale} takes a signed count; {@code GET /state} (signed) reports the instances.
 * One step of the model is one second, advanced by {@link #tick}.
 */
public final class SimulatedCloud implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final byte[] secret;
  private final InstancePool pool;
  private int desired;
  private int step;
  private long billedInstanceSeconds;
  private int writes;

  public SimulatedCloud(int bootSeconds, int warmupSeconds, int initial, String secret) throws IOException {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.pool = new InstancePool(SimulationConfig.defaults().withLifecycle(bootSeconds, warmupSeconds), initial);
    this.desired = initial;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/scale", this::scale);
    server.createContext("/state", this::state);
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "simulated-cloud");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** One second passes: instances move on in their lifecycle. */
  public synchronized void tick() {
    step++;
    pool.advance(step);
    billedInstanceSeconds += pool.billed();
  }

  /** Ready instances plus warming ones at the fraction of capacity they reached. */
  public synchronized double supply() {
    return pool.supply();
  }

  public synchronized InstanceCounts instances() {
    return pool.counts();
  }

  public synchronized int desired() {
    return desired;
  }

  public synchronized double instanceHours() {
    return billedInstanceSeconds / 3600.0;
  }

  public synchronized int writes() {
    return writes;
  }

  private void scale(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = readAll(exchange.getRequestBody());
      if (!"POST".equals(exchange.getRequestMethod()) || !signed(exchange, body)) {
        answer(exchange, exchange.getRequestMethod().equals("POST") ? 401 : 405, Map.of("error", "refused"));
        return;
      }
      JsonNode request = JSON.readTree(body);
      int count = request.path("desired").asInt(-1);
      if (count < 0) {
        answer(exchange, 400, Map.of("error", "desired must be a count"));
        return;
      }
      synchronized (this) {
        desired = count;
        writes++;
        pool.resize(count);
      }
      answer(exchange, 200, view());
    }
  }

  private void state(HttpExchange exchange) throws IOException {
    try (exchange) {
      readAll(exchange.getRequestBody());
      if (!signed(exchange, new byte[0])) {
        answer(exchange, 401, Map.of("error", "refused"));
        return;
      }
      answer(exchange, 200, view());
    }
  }

  private synchronized Map<String, Object> view() {
    InstanceCounts i = pool.counts();
    return Map.of("desired", desired, "instances", Map.of("ready", i.ready(), "warming", i.warming(),
        "booting", i.booting(), "draining", i.draining()));
  }

  /** The webhook contract: sha256=HMAC-SHA256 of "{timestamp}.{body}" under the shared secret. */
  private boolean signed(HttpExchange exchange, byte[] body) {
    String timestamp = exchange.getRequestHeaders().getFirst("X-Ballast-Timestamp");
    String signature = exchange.getRequestHeaders().getFirst("X-Ballast-Signature");
    if (timestamp == null || signature == null) {
      return false;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
      return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    return in.readAllBytes();
  }

  private static void answer(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
