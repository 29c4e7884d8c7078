package io.ballast.controller.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.controller.TestNode;
import io.ballast.controller.remotewrite.proto.Label;
import io.ballast.controller.remotewrite.proto.Sample;
import io.ballast.controller.remotewrite.proto.TimeSeries;
import io.ballast.controller.remotewrite.proto.WriteRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** {@code POST /api/v1/write} on a live node: what Prometheus sends, what it gets back, and what is recorded. */
class RemoteWriteApiTest {

  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = new TestNode(Files.createTempDirectory("remote-write"), """
        ballast.observation { window = 1s, grace = 3s, tick-interval = 50ms }
        ballast.remote-write.rules = [
          { metric = "lb_requests_total", service-label = "backend", priority-label = "class", field = requests }
          { metric = "lb_latency_p99_seconds", service-label = "backend", priority-label = "class",
            field = latency-p99-ms, scale = 1000 }
        ]
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static TimeSeries series(String name, Map<String, String> labels, long atMs, double value) {
    TimeSeries.Builder ts = TimeSeries.newBuilder();
    Map<String, String> all = new TreeMap<>(labels);
    all.put("__name__", name);
    all.forEach((k, v) -> ts.addLabels(Label.newBuilder().setName(k).setValue(v)));
    return ts.addSamples(Sample.newBuilder().setTimestamp(atMs).setValue(value)).build();
  }

  private static TestNode.Answer write(byte[] body, String encoding, String type) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUri() + "/api/v1/write"))
        .header("Content-Type", type).header(RemoteWriteRoute.VERSION_HEADER, "0.1.0")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      request.header("Content-Encoding", encoding);
    }
    return node.send(request.build());
  }

  private static TestNode.Answer write(TimeSeries... series) throws Exception {
    WriteRequest.Builder request = WriteRequest.newBuilder();
    for (TimeSeries s : series) {
      request.addTimeseries(s);
    }
    return write(Snappy.compress(request.build().toByteArray()), "snappy", "application/x-protobuf");
  }

  private static JsonNode windowEndingAt(String service, Instant end) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      TestNode.Answer detail = node.get("/v1/services/" + service);
      if (detail.status() == 200) {
        for (JsonNode w : detail.body().get("windows")) {
          if (Instant.parse(w.get("windowEnd").asText()).equals(end)) {
            return w;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no window of " + service + " ending at " + end + ": "
        + node.get("/v1/services/" + service).body());
  }

  @Test
  void aCountersIncreaseAndALatencyGaugeBecomeTheWindowsLoadOnceDurable() throws Exception {
    Map<String, String> labels = Map.of("backend", "web", "class", "critical", "instance", "lb-1");
    // Recent enough that the window is still open (1-s windows with 3 s of grace). The first samples of each series
    // are baselines.
    long t0 = Instant.now().toEpochMilli() - 1500;
    assertThat(write(series("lb_requests_total", labels, t0, 10_000),
        series("lb_latency_p99_seconds", labels, t0, 0.2)).status()).isEqualTo(204);
    // One second later: 250 more requests, and the p99 gauge in a request of its own.
    assertThat(write(series("lb_requests_total", labels, t0 + 1000, 10_250)).status()).isEqualTo(204);
    assertThat(write(series("lb_latency_p99_seconds", labels, t0 + 1000, 0.180)).status()).isEqualTo(204);
    // Prometheus retries a request whose acknowledgement it did not get: it is recorded once.
    assertThat(write(series("lb_requests_total", labels, t0 + 1000, 10_250)).status()).isEqualTo(204);

    // A sample's window is the one its period starts in.
    JsonNode window = windowEndingAt("web", Instant.ofEpochMilli(t0).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1));
    JsonNode critical = window.get("classes").get(0);
    assertThat(critical.get("priority").asText()).isEqualTo("critical");
    assertThat(critical.get("offeredRps").asDouble()).isEqualTo(250.0);
    assertThat(critical.get("latencyP99Ms").asDouble()).isEqualTo(180.0);
  }

  @Test
  void seriesNoRuleMatchesAreCountedAndIgnored() throws Exception {
    TestNode.Answer answer = write(series("node_load1", Map.of("instance", "host"), Instant.now().toEpochMilli(), 0.5));

    assertThat(answer.status()).isEqualTo(204);
    assertThat(node.get("/metrics").body().asText()).contains("ballast_remote_write_series_total{outcome=\"unmatched\"}");
  }

  @Test
  void aBodyThatIsNotASnappyWriteRequestIsRefusedSoPrometheusDropsIt() throws Exception {
    TestNode.Answer notSnappy = write("hello".getBytes(), "snappy", "application/x-protobuf");
    TestNode.Answer notProtobuf = write(Snappy.compress(new byte[] {(byte) 0xff, 0x01, 0x02}), "snappy",
        "application/x-protobuf");

    assertThat(notSnappy.status()).isEqualTo(400);
    assertThat(notSnappy.body().get("error").asText()).isEqualTo("malformed_write_request");
    assertThat(notProtobuf.status()).isEqualTo(400);
    assertThat(notProtobuf.body().get("detail").asText()).contains("not a remote_write WriteRequest");
  }

  @Test
  void anotherEncodingTypeOrVersionIsRefusedNamingTheHeader() throws Exception {
    byte[] body = Snappy.compress(WriteRequest.getDefaultInstance().toByteArray());
    assertThat(write(body, "gzip", "application/x-protobuf").body().get("field").asText()).isEqualTo("Content-Encoding");
    assertThat(write(body, "snappy", "application/json").status()).isEqualTo(415);
    TestNode.Answer v2 = node.send(HttpRequest.newBuilder(URI.create(node.baseUri() + "/api/v1/write"))
        .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
        .header(RemoteWriteRoute.VERSION_HEADER, "2.0.0").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    assertThat(v2.status()).isEqualTo(400);
    assertThat(v2.body().get("field").asText()).isEqualTo(RemoteWriteRoute.VERSION_HEADER);
  }
}
