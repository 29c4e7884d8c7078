package io.ballast.controller.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ballast.controller.Settings;
import io.ballast.controller.http.ApiError;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.Sample;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a {@code POST /v1/metrics} body into validated samples, or refuses it whole. Every problem is
 * reported with the JSON path of the field at fault; the batch is all or nothing.
 */
public final class BatchReader {

  /** Sources: 1 to 128 characters of letters, digits and {@code . _ : / @ -}, starting alphanumeric. */
  public static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}");
  public static final String DEFAULT_SOURCE = "default";
  static final long MAX_COUNT = 1_000_000_000_000L;
  static final int MAX_PERIOD_SECONDS = 3600;
  static final int MAX_INSTANCES = 1_000_000;
  private static final int MAX_REPORTED_PROBLEMS = 20;

  private static final Set<String> SAMPLE_FIELDS = Set.of("service", "at", "periodSeconds", "priority", "requests",
      "shed", "errors", "latencyP50Ms", "latencyP99Ms", "concurrency", "cpu", "instances", "source");
  private static final Set<String> INSTANCE_FIELDS = Set.of("ready", "warming", "booting", "draining");

  // NaN and Infinity are read as numbers so that validation can name the field they are in.
  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private final IngestSettings settings;

  public BatchReader(IngestSettings settings) {
    this.settings = settings;
  }

  public List<IngestSample> read(byte[] body, Instant now) throws BatchRejected {
    JsonNode root = parse(body);
    if (!root.isObject()) {
      throw BatchRejected.of("wrong_type", "", "the body must be a JSON object with a \"samples\" array");
    }
    Problems problems = new Problems();
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("samples")) {
        problems.add("unknown_field", name, "unknown field; the body has only \"samples\"");
      }
    }
    JsonNode samples = root.get("samples");
    if (samples == null || samples.isNull()) {
      problems.add("missing_field", "samples", "required: an array of samples");
      throw problems.rejection();
    }
    if (!samples.isArray()) {
      problems.add("wrong_type", "samples", "must be an array of samples");
      throw problems.rejection();
    }
    if (samples.isEmpty()) {
      problems.add("invalid_value", "samples", "must hold at least one sample");
    }
    if (samples.size() > settings.maxBatchSamples()) {
      throw new BatchRejected(List.of(new ApiError("batch_too_large", "samples", "holds " + samples.size()
          + " samples; at most " + settings.maxBatchSamples() + " are taken in one batch")), true);
    }
    List<IngestSample> read = new ArrayList<>(samples.size());
    for (int i = 0; i < samples.size(); i++) {
      IngestSample sample = sample(samples.get(i), "samples[" + i + "]", now, problems);
      if (sample != null) {
        read.add(sample);
      }
    }
    if (!problems.isEmpty()) {
      throw problems.rejection();
    }
    return read;
  }

  private static JsonNode parse(byte[] body) throws BatchRejected {
    try {
      JsonNode root = STRICT.readTree(body);
      if (root == null || root.isMissingNode()) {
        throw BatchRejected.of("malformed_json", null, "the body is empty; send a JSON object with a \"samples\" array");
      }
      return root;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw BatchRejected.of("malformed_json", null, e.getOriginalMessage() + where);
    } catch (IOException e) {
      throw BatchRejected.of("malformed_json", null, e.getMessage());
    }
  }

  private IngestSample sample(JsonNode node, String path, Instant now, Problems problems) {
    if (!node.isObject()) {
      problems.add("wrong_type", path, "must be an object");
      return null;
    }
    int before = problems.size();
    unknownFields(node, path, SAMPLE_FIELDS, problems);

    String service = requiredString(node, path, "service", problems);
    if (service != null && !Settings.SERVICE_ID.matcher(service).matches()) {
      problems.add("invalid_value", path + ".service", "'" + service + "' is not a valid service id: use 1 to 63 "
          + "lowercase letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    Instant at = timestamp(node, path, now, problems);
    Long period = integer(node, path, "periodSeconds", true, 1, MAX_PERIOD_SECONDS, problems);
    String priority = requiredString(node, path, "priority", problems);
    if (priority != null && !settings.priorityClasses().contains(priority)) {
      problems.add("invalid_value", path + ".priority",
          "unknown priority class '" + priority + "'; the configured classes are " + settings.priorityClasses());
    }
    Long requests = integer(node, path, "requests", true, 0, MAX_COUNT, problems);
    Long shed = integer(node, path, "shed", false, 0, MAX_COUNT, problems);
    Long errors = integer(node, path, "errors", false, 0, MAX_COUNT, problems);
    if (requests != null && shed != null && shed > requests) {
      problems.add("invalid_value", path + ".shed", "must be <= requests (" + requests + "), was " + shed
          + ": requests counts every request offered, shed ones included");
    }
    if (requests != null && errors != null && errors > requests) {
      problems.add("invalid_value", path + ".errors", "must be <= requests (" + requests + "), was " + errors);
    }
    Double p50 = decimal(node, path, "latencyP50Ms", 0, Double.MAX_VALUE, problems);
    Double p99 = decimal(node, path, "latencyP99Ms", 0, Double.MAX_VALUE, problems);
    if (p50 != null && p99 != null && p99 < p50) {
      problems.add("invalid_value", path + ".latencyP99Ms", "must be >= latencyP50Ms (" + p50 + "), was " + p99);
    }
    Double concurrency = decimal(node, path, "concurrency", 0, Double.MAX_VALUE, problems);
    Double cpu = decimal(node, path, "cpu", 0, 1, problems);
    InstanceCounts instances = instances(node, path, problems);
    String source = optionalString(node, path, "source", problems);
    if (source != null && !SOURCE.matcher(source).matches()) {
      problems.add("invalid_value", path + ".source", "'" + source + "' is not a valid source: use 1 to 128 "
          + "letters, digits, '.', '_', ':', '/', '@' or '-', starting with a letter or digit");
    }
    if (problems.size() > before) {
      return null;
    }
    return new IngestSample(service, new Sample(at, period.intValue(), priority,
        source == null ? DEFAULT_SOURCE : source, requests, shed == null ? 0 : shed, errors == null ? 0 : errors,
        p50, p99, concurrency, cpu, instances));
  }

  private Instant timestamp(JsonNode node, String path, Instant now, Problems problems) {
    String text = requiredString(node, path, "at", problems);
    if (text == null) {
      return null;
    }
    Instant at;
    try {
      at = Instant.parse(text);
    } catch (DateTimeParseException e) {
      problems.add("invalid_value", path + ".at",
          "'" + text + "' is not an ISO-8601 timestamp with a zone, such as 2026-11-25T10:00:01Z");
      return null;
    }
    if (at.isBefore(now.minus(settings.maxSampleAge()))) {
      problems.add("invalid_value", path + ".at", text + " is more than " + settings.maxSampleAge()
          + " in the past (ballast.ingest.max-sample-age)");
      return null;
    }
    if (at.isAfter(now.plus(settings.maxClockSkew()))) {
      problems.add("invalid_value", path + ".at", text + " is more than " + settings.maxClockSkew()
          + " in the future (ballast.ingest.max-clock-skew); check the sender's clock");
      return null;
    }
    return at;
  }

  private static InstanceCounts instances(JsonNode node, String path, Problems problems) {
    JsonNode value = node.get("instances");
    if (value == null || value.isNull()) {
      return null;
    }
    String at = path + ".instances";
    if (!value.isObject()) {
      problems.add("wrong_type", at, "must be an object like {\"ready\":10,\"warming\":2,\"booting\":1}");
      return null;
    }
    int before = problems.size();
    unknownFields(value, at, INSTANCE_FIELDS, problems);
    Long ready = integer(value, at, "ready", false, 0, MAX_INSTANCES, problems);
    Long warming = integer(value, at, "warming", false, 0, MAX_INSTANCES, problems);
    Long booting = integer(value, at, "booting", false, 0, MAX_INSTANCES, problems);
    Long draining = integer(value, at, "draining", false, 0, MAX_INSTANCES, problems);
    if (problems.size() > before) {
      return null;
    }
    return new InstanceCounts(orZero(ready), orZero(warming), orZero(booting), orZero(draining));
  }

  private static int orZero(Long value) {
    return value == null ? 0 : value.intValue();
  }

  private static void unknownFields(JsonNode node, String path, Set<String> known, Problems problems) {
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      String name = fields.next().getKey();
      if (!known.contains(name)) {
        problems.add("unknown_field", path + "." + name, "unknown field; known fields are " + known.stream().sorted().toList());
      }
    }
  }

  private static String requiredString(JsonNode node, String path, String name, Problems problems) {
    String value = optionalString(node, path, name, problems);
    if (value == null && !problems.has(path + "." + name)) {
      problems.add("missing_field", path + "." + name, "required");
    }
    return value;
  }

  private static String optionalString(JsonNode node, String path, String name, Problems problems) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      problems.add("wrong_type", path + "." + name, "must be a string, was " + describe(value));
      return null;
    }
    return value.textValue();
  }

  private static Long integer(
      JsonNode node, String path, String name, boolean required, long min, long max, Problems problems) {
    JsonNode value = node.get(name);
    String field = path + "." + name;
    if (value == null || value.isNull()) {
      if (required) {
        problems.add("missing_field", field, "required");
      }
      return null;
    }
    if (!value.isIntegralNumber()) {
      problems.add("wrong_type", field, "must be an integer, was " + describe(value));
      return null;
    }
    if (!value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
      problems.add("invalid_value", field, "must be within [" + min + ", " + max + "], was " + value.asText());
      return null;
    }
    return value.longValue();
  }

  private static Double decimal(JsonNode node, String path, String name, double min, double max, Problems problems) {
    JsonNode value = node.get(name);
    String field = path + "." + name;
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber()) {
      problems.add("wrong_type", field, "must be a number, was " + describe(value));
      return null;
    }
    double d = value.doubleValue();
    if (!Double.isFinite(d)) {
      problems.add("invalid_value", field, "must be a finite number, was " + value.asText());
      return null;
    }
    if (d < min || d > max) {
      String range = max == Double.MAX_VALUE ? ">= " + min : "within [" + min + ", " + max + "]";
      problems.add("invalid_value", field, "must be " + range + ", was " + value.asText());
      return null;
    }
    return d;
  }

  private static String describe(JsonNode value) {
    if (value.isTextual()) {
      return "the string \"" + value.textValue() + "\"";
    }
    return switch (value.getNodeType()) {
      case BOOLEAN -> "the boolean " + value.asText();
      case NUMBER -> "the number " + value.asText();
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> value.getNodeType().name().toLowerCase();
    };
  }

  /** The problems found so far; the batch is refused if there is any. */
  private static final class Problems {
    private final List<ApiError> found = new ArrayList<>();
    private int total;

    void add(String error, String field, String detail) {
      total++;
      if (found.size() < MAX_REPORTED_PROBLEMS) {
        found.add(new ApiError(error, field, detail));
      }
    }

    boolean has(String field) {
      return found.stream().anyMatch(p -> field.equals(p.field()));
    }

    int size() {
      return total;
    }

    boolean isEmpty() {
      return total == 0;
    }

    BatchRejected rejection() {
      return new BatchRejected(found, false);
    }
  }
}
