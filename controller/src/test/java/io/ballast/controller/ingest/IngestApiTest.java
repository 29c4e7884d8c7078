package io.ballast.controller.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.controller.TestNode;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code POST /v1/metrics} against a real node: every way a batch is refused, and what an accepted one means. */
class IngestApiTest {

  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = new TestNode(Files.createTempDirectory("ingest-api"),
        "ballast.ingest { max-batch-samples = 5, max-batch-bytes = 4k }");
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /**
   * A valid sample of {@code service}, with fields replaced by {@code overrides}: pairs of a field name and
   * its raw JSON value (a null value leaves the field out).
   */
  static String sample(String service, String... overrides) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("service", "\"" + service + "\"");
    fields.put("at", "\"" + now() + "\"");
    fields.put("periodSeconds", "1");
    fields.put("priority", "\"critical\"");
    fields.put("requests", "950");
    fields.put("shed", "0");
    fields.put("errors", "2");
    fields.put("latencyP50Ms", "12.5");
    fields.put("latencyP99Ms", "80.0");
    fields.put("concurrency", "41");
    fields.put("cpu", "0.62");
    fields.put("instances", "{\"ready\":10,\"warming\":2,\"booting\":1}");
    fields.put("source", "\"lb-1\"");
    for (int i = 0; i < overrides.length; i += 2) {
      if (overrides[i + 1] == null) {
        fields.remove(overrides[i]);
      } else {
        fields.put(overrides[i], overrides[i + 1]);
      }
    }
    StringBuilder json = new StringBuilder("{");
    fields.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
    return json.append('}').toString();
  }

  static String batch(String... samples) {
    return "{\"samples\":[" + String.join(",", samples) + "]}";
  }

  static Stream<Arguments> refusals() {
    String far = Instant.now().plusSeconds(3600).toString();
    String old = Instant.now().minusSeconds(3600).toString();
    return Stream.of(
        Arguments.of("malformed JSON", "{\"samples\": [", 400, "malformed_json", null),
        Arguments.of("an empty body", "", 400, "malformed_json", null),
        Arguments.of("a duplicated key", "{\"samples\":[],\"samples\":[]}", 400, "malformed_json", null),
        Arguments.of("a body that is not an object", "[1,2]", 400, "wrong_type", ""),
        Arguments.of("an unknown top-level field", "{\"samples\":[" + sample("s") + "],\"extra\":1}", 400,
            "unknown_field", "extra"),
        Arguments.of("no samples field", "{}", 400, "missing_field", "samples"),
        Arguments.of("samples that are not an array", "{\"samples\":{}}", 400, "wrong_type", "samples"),
        Arguments.of("an empty samples array", "{\"samples\":[]}", 400, "invalid_value", "samples"),
        Arguments.of("a sample that is not an object", batch("42"), 400, "wrong_type", "samples[0]"),
        Arguments.of("an unknown sample field", batch(sample("s", "colour", "\"red\"")), 400, "unknown_field",
            "samples[0].colour"),
        Arguments.of("a missing service", batch("{\"at\":\"" + now() + "\",\"periodSeconds\":1,"
            + "\"priority\":\"critical\",\"requests\":1}"), 400, "missing_field", "samples[0].service"),
        Arguments.of("a missing request count", batch("{\"service\":\"s\",\"at\":\"" + now()
            + "\",\"periodSeconds\":1,\"priority\":\"critical\"}"), 400, "missing_field", "samples[0].requests"),
        Arguments.of("a missing period", batch("{\"service\":\"s\",\"at\":\"" + now()
            + "\",\"priority\":\"critical\",\"requests\":1}"), 400, "missing_field", "samples[0].periodSeconds"),
        Arguments.of("a request count given as a string", batch(sample("s", "requests", "\"950\"")), 400,
            "wrong_type", "samples[0].requests"),
        Arguments.of("a fractional request count", batch(sample("s", "requests", "9.5")), 400, "wrong_type",
            "samples[0].requests"),
        Arguments.of("a negative request count", batch(sample("s", "requests", "-1")), 400, "invalid_value",
            "samples[0].requests"),
        Arguments.of("a negative error count", batch(sample("s", "errors", "-3")), 400, "invalid_value",
            "samples[0].errors"),
        Arguments.of("more shed than offered", batch(sample("s", "shed", "951")), 400, "invalid_value",
            "samples[0].shed"),
        Arguments.of("a NaN latency", batch(sample("s", "latencyP99Ms", "NaN")), 400, "invalid_value",
            "samples[0].latencyP99Ms"),
        Arguments.of("an infinite concurrency", batch(sample("s", "concurrency", "Infinity")), 400,
            "invalid_value", "samples[0].concurrency"),
        Arguments.of("a number too large to be finite", batch(sample("s", "latencyP50Ms", "1e400")), 400,
            "invalid_value", "samples[0].latencyP50Ms"),
        Arguments.of("a cpu fraction above one", batch(sample("s", "cpu", "1.5")), 400, "invalid_value",
            "samples[0].cpu"),
        Arguments.of("p99 below p50", batch(sample("s", "latencyP50Ms", "90", "latencyP99Ms", "10")), 400,
            "invalid_value", "samples[0].latencyP99Ms"),
        Arguments.of("a timestamp an hour in the future", batch(sample("s", "at", "\"" + far + "\"")), 400,
            "invalid_value", "samples[0].at"),
        Arguments.of("a timestamp an hour in the past", batch(sample("s", "at", "\"" + old + "\"")), 400,
            "invalid_value", "samples[0].at"),
        Arguments.of("a timestamp without a zone", batch(sample("s", "at", "\"2026-11-25T10:00:01\"")), 400,
            "invalid_value", "samples[0].at"),
        Arguments.of("a timestamp given as a number", batch(sample("s", "at", "1764064801")), 400, "wrong_type",
            "samples[0].at"),
        Arguments.of("a period of zero seconds", batch(sample("s", "periodSeconds", "0")), 400, "invalid_value",
            "samples[0].periodSeconds"),
        Arguments.of("an empty service id", batch(sample("")), 400, "invalid_value", "samples[0].service"),
        Arguments.of("a service id with upper case", batch(sample("Checkout")), 400, "invalid_value",
            "samples[0].service"),
        Arguments.of("a service id with a slash", batch(sample("a/b")), 400, "invalid_value",
            "samples[0].service"),
        Arguments.of("a service id of 64 characters", batch(sample("a".repeat(64))), 400, "invalid_value",
            "samples[0].service"),
        Arguments.of("an unknown priority class", batch(sample("s", "priority", "\"vip\"")), 400,
            "invalid_value", "samples[0].priority"),
        Arguments.of("instances that are not an object", batch(sample("s", "instances", "3")), 400, "wrong_type",
            "samples[0].instances"),
        Arguments.of("a negative instance count", batch(sample("s", "instances", "{\"ready\":-1}")), 400,
            "invalid_value", "samples[0].instances.ready"),
        Arguments.of("an unknown instance state", batch(sample("s", "instances", "{\"sleeping\":1}")), 400,
            "unknown_field", "samples[0].instances.sleeping"),
        Arguments.of("a source with a space", batch(sample("s", "source", "\"lb 1\"")), 400, "invalid_value",
            "samples[0].source"),
        Arguments.of("the second sample of a batch at fault", batch(sample("s"), sample("s", "cpu", "-1")),
            400, "invalid_value", "samples[1].cpu"),
        Arguments.of("more samples than a batch may hold", batch(sample("s"), sample("s"), sample("s"),
            sample("s"), sample("s"), sample("s")), 413, "batch_too_large", "samples"),
        Arguments.of("a body larger than a batch may be", "{\"samples\":[" + " ".repeat(5000) + "]}", 413,
            "batch_too_large", null));
  }

  @ParameterizedTest(name = "refuses {0}")
  @MethodSource("refusals")
  void refuses(String name, String body, int status, String error, String field) {
    TestNode.Answer answer = node.post("/v1/metrics", body);

    assertThat(answer.status()).isEqualTo(status);
    assertThat(answer.body().get("error").asText()).isEqualTo(error);
    if (field == null) {
      assertThat(answer.body().get("field").isNull()).isTrue();
    } else {
      assertThat(answer.body().get("field").asText()).isEqualTo(field);
    }
    assertThat(answer.body().get("detail").asText()).isNotBlank();
  }

  @Test
  void refusesABodyThatIsNotJson() {
    TestNode.Answer answer = node.post("/v1/metrics", batch(sample("s")), "text/plain");

    assertThat(answer.status()).isEqualTo(415);
    assertThat(answer.body().get("error").asText()).isEqualTo("unsupported_media_type");
  }

  @Test
  void refusesABodyWithoutAContentType() {
    TestNode.Answer answer = node.post("/v1/metrics", batch(sample("s")), null);

    assertThat(answer.status()).isEqualTo(415);
  }

  @Test
  void namesEveryProblemOfABatch() {
    TestNode.Answer answer = node.post("/v1/metrics", batch(sample("s", "requests", "-1", "cpu", "2")));

    assertThat(answer.body().get("errors")).extracting(e -> e.get("field").asText())
        .containsExactly("samples[0].requests", "samples[0].cpu");
  }

  @Test
  void aRefusedBatchAppliesNothingNotEvenItsValidSamples() {
    TestNode.Answer refused = node.post("/v1/metrics",
        batch(sample("atomic"), sample("atomic-too"), sample("atomic", "requests", "-5")));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(node.get("/v1/services/atomic").status()).isEqualTo(404);
    assertThat(node.get("/v1/services/atomic-too").status()).isEqualTo(404);
  }

  @Test
  void anAcceptedBatchIsAcknowledgedAndARetryIsRecognised() {
    String body = batch(sample("accepted"), sample("accepted", "priority", "\"sheddable\""),
        sample("accepted-other"));

    TestNode.Answer first = node.post("/v1/metrics", body);
    TestNode.Answer retry = node.post("/v1/metrics", body);

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body().get("accepted").asInt()).isEqualTo(3);
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.body().get("accepted").asInt()).isZero();
    assertThat(retry.body().get("duplicates").asInt()).isEqualTo(3);
    assertThat(node.get("/v1/services/accepted").body().get("samplesRecorded").asLong()).isEqualTo(2);
    assertThat(node.get("/v1/services/accepted-other").body().get("samplesRecorded").asLong()).isEqualTo(1);
  }

  @Test
  void optionalFieldsMayBeLeftOut() {
    String minimal = "{\"service\":\"minimal\",\"at\":\"" + now()
        + "\",\"periodSeconds\":1,\"priority\":\"critical\",\"requests\":10}";

    TestNode.Answer answer = node.post("/v1/metrics", batch(minimal));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body().get("accepted").asInt()).isEqualTo(1);
  }

  @Test
  void otherMethodsOnTheIngestPathAreRefusedAsJson() {
    TestNode.Answer answer = node.get("/v1/metrics");

    assertThat(answer.status()).isEqualTo(405);
    assertThat(answer.body().get("error").asText()).isEqualTo("method_not_allowed");
  }

  @Test
  void anUnknownPathIsNotFoundAsJson() {
    TestNode.Answer answer = node.get("/v2/nothing");

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.body().get("error").asText()).isEqualTo("not_found");
  }

}
