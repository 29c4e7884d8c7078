package io.ballast.controller.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ballast what-if ID}: a recorded range re-run under another policy by the node
 * ({@code POST /v1/services/{id}/what-if}), printed side by side with the recorded policy re-run the same way and
 * with what was recorded, then the windows where the other policy decided otherwise.
 */
@Command(name = "what-if", mixinStandardHelpOptions = true,
    description = {"Re-run a recorded range (--from..--to, ISO-8601 instants, at most 7 days) under another policy "
        + "through the simulator's service model, and compare it side by side with the recorded policy re-run the "
        + "same way: instance-hours, SLO-violation seconds per class, requests shed, scale changes, and the windows "
        + "decided differently.",
        "The other policy is --policy KIND (ballast, hpa, knative, aws-target-tracking) with KEY=VALUE settings over "
            + "that kind's defaults, or --file FILE (a whole policy, JSON or HOCON), or only KEY=VALUE settings, "
            + "which change the policy that was recorded in force (e.g. tolerance-up=0.2 "
            + "scale-down.stabilization-window=60s)."},
    exitCodeListHeading = "%nExit status:%n", exitCodeList = {ApiOptions.EXIT_OK, ApiOptions.EXIT_API_ERROR,
        ApiOptions.EXIT_BAD_INPUT, ApiOptions.EXIT_UNREACHABLE})
public final class WhatIfCommand implements Callable<Integer> {

  @Mixin
  ApiOptions api;

  @Parameters(index = "0", paramLabel = "ID", description = "The service.")
  String id;

  @Parameters(index = "1..*", arity = "0..*", paramLabel = "KEY=VALUE",
      description = "Settings: over --policy's kind defaults, or, without --policy and --file, over the recorded policy.")
  List<String> settings = List.of();

  @Option(names = "--from", required = true, paramLabel = "INSTANT", description = "Start of the range.")
  String from;

  @Option(names = "--to", required = true, paramLabel = "INSTANT", description = "End of the range.")
  String to;

  @Option(names = "--policy", paramLabel = "KIND", description = "Re-run under this kind of policy.")
  String kind;

  @Option(names = "--file", paramLabel = "FILE", description = "Re-run under the whole policy in FILE.")
  Path file;

  @Option(names = "--boot", paramLabel = "DURATION", converter = DurationParameter.class,
      description = "How long a new instance boots before it serves (default 120s).")
  Duration boot;

  @Option(names = "--warmup", paramLabel = "DURATION", converter = DurationParameter.class,
      description = "How long it then warms up to full capacity (default 60s).")
  Duration warmup;

  @Option(names = "--capacity", paramLabel = "RPS",
      description = "Requests per second one ready instance serves (default: what the recorded policy says).")
  Double capacity;

  @Option(names = "--slo-latency", paramLabel = "DURATION", converter = DurationParameter.class,
      description = "The p99 response time a request must not exceed (default 300ms).")
  Duration sloLatency;

  @Option(names = "--metric-delay", paramLabel = "DURATION", converter = DurationParameter.class,
      description = "How old the metrics both policies decide from are (default per kind: ballast 2s, knative 1s, "
          + "hpa 15s, aws-target-tracking 60s).")
  Duration metricDelay;

  @Option(names = "--differences", paramLabel = "N", defaultValue = "20",
      description = "Show at most N windows decided differently (default 20).")
  int differences;

  @Override
  public Integer call() {
    return api.run((client, out) -> {
      if (kind != null && file != null) {
        throw new InputException("give --policy KIND or --file FILE, not both");
      }
      if (file != null && !settings.isEmpty()) {
        throw new InputException("KEY=VALUE settings go with --policy or alone, not with --file");
      }
      if (kind == null && file == null && settings.isEmpty()) {
        throw new InputException("say what to re-run under: --policy KIND, --file FILE or KEY=VALUE settings");
      }
      if (differences < 0) {
        throw new InputException("--differences must be >= 0, was " + differences);
      }
      ObjectNode body = ApiClient.JSON.createObjectNode();
      body.put("from", instant("--from", from));
      body.put("to", instant("--to", to));
      if (file != null) {
        body.set("policy", PolicyText.read(file));
      } else if (kind != null) {
        ObjectNode policy = ApiClient.JSON.createObjectNode().put("kind", kind);
        body.set("policy", PolicyText.apply(policy, settings));
      } else {
        body.set("changes", PolicyText.apply(null, settings));
      }
      ObjectNode model = body.putObject("model");
      if (boot != null) {
        model.put("bootSeconds", boot.toSeconds());
      }
      if (warmup != null) {
        model.put("warmupSeconds", warmup.toSeconds());
      }
      if (capacity != null) {
        model.put("capacityRps", capacity);
      }
      if (sloLatency != null) {
        model.put("sloLatencyMs", sloLatency.toMillis());
      }
      if (metricDelay != null) {
        model.put("metricDelaySeconds", metricDelay.toSeconds());
      }
      body.put("series", api.json());
      JsonNode answer = client.post(ApiClient.path("v1", "services", id, "what-if"), body);
      if (api.json()) {
        ApiOptions.printJson(out, answer);
        return;
      }
      print(out, answer.path("whatIf"));
    });
  }

  private static String instant(String option, String text) throws InputException {
    try {
      return Instant.parse(text).toString();
    } catch (DateTimeParseException e) {
      throw new InputException(option + " must be an ISO-8601 instant such as 2026-11-25T10:00:00Z, was '" + text + "'");
    }
  }

  private void print(PrintWriter out, JsonNode r) {
    JsonNode model = r.path("model");
    String high = model.path("high").asText();
    List<String> low = ApiClient.JSON.convertValue(model.path("low"), ApiClient.JSON.getTypeFactory()
        .constructCollectionType(List.class, String.class));
    String lowName = low.isEmpty() ? "other" : String.join("+", low);
    out.println(id + ", " + Phrases.instant(r.get("from")) + " to " + Phrases.instant(r.get("to")) + ": "
        + r.path("windows").asInt() + " recorded windows, " + r.path("seconds").asLong() + " s simulated"
        + (r.path("gaps").asInt() > 0 ? " (" + r.path("gapSeconds").asLong() + " s without metrics skipped)" : ""));
    out.println("model: " + Phrases.number(model.path("capacityRps").asDouble()) + " req/s per ready instance, boot "
        + model.path("bootSeconds").asInt() + " s, warm-up " + model.path("warmupSeconds").asInt() + " s, SLO p"
        + Phrases.number(100 * model.path("sloQuantile").asDouble()) + " <= "
        + Phrases.number(model.path("sloLatencyMs").asDouble()) + " ms, from " + model.path("initialInstances").asInt()
        + " instances; high class " + high + ", low " + lowName);
    if (r.path("policyChanges").asInt() > 0) {
      out.println("note: the policy was changed " + r.path("policyChanges").asInt() + " time(s) within the range; "
          + "the baseline runs the one in force at its start");
    }
    out.println();
    JsonNode rec = side(r, "recorded");
    JsonNode base = side(r, "baseline");
    JsonNode cand = side(r, "candidate");
    Table table = new Table("", "RECORDED", "BASELINE (" + base.path("policy").asText() + ")",
        "CANDIDATE (" + cand.path("policy").asText() + ")");
    table.row("instance-hours", hours(rec), hours(base), hours(cand));
    table.row("SLO-violation seconds", rec.path("sloViolationSeconds").asText(),
        base.path("sloViolationSeconds").asText(), cand.path("sloViolationSeconds").asText());
    for (String c : List.of(high, lowName)) {
      table.row("  " + c, byClass(rec, "sloViolationSecondsByClass", c), byClass(base, "sloViolationSecondsByClass", c),
          byClass(cand, "sloViolationSecondsByClass", c));
    }
    for (String c : List.of(high, lowName)) {
      table.row("requests shed, " + c, shed(rec, c), shed(base, c), shed(cand, c));
    }
    table.row("scale changes", rec.path("scaleChanges").asText(), base.path("scaleChanges").asText(),
        cand.path("scaleChanges").asText());
    table.row("peak instances", rec.path("peakInstances").asText(), base.path("peakInstances").asText(),
        cand.path("peakInstances").asText());
    table.row("time to capacity, median/max", ttc(rec), ttc(base), ttc(cand));
    table.print(out);
    out.println();
    int windows = r.path("windows").asInt();
    out.println("the recorded policy, re-run, asked for the recorded count in " + r.path("baselineMatchesRecorded").asInt()
        + " of " + windows + " windows");
    int differing = r.path("differing").asInt();
    if (differing == 0) {
      out.println("the candidate decided every window as the baseline did");
      return;
    }
    out.println("the candidate decided otherwise in " + differing + " of " + windows + " windows"
        + (differences < differing && differences > 0 ? "; the first " + Math.min(differences,
            r.path("differences").size()) + ":" : ":"));
    Table diff = new Table("WINDOW END", "BASELINE", "CANDIDATE");
    int shown = 0;
    for (JsonNode d : r.path("differences")) {
      if (shown++ >= differences) {
        break;
      }
      diff.row(Phrases.instant(d.get("windowEnd")), decision(d.get("baseline")), decision(d.get("candidate")));
    }
    diff.print(out);
  }

  private static JsonNode side(JsonNode r, String side) {
    for (JsonNode s : r.path("summary")) {
      if (s.path("side").asText().equals(side)) {
        return s;
      }
    }
    return ApiClient.JSON.missingNode();
  }

  private static String hours(JsonNode side) {
    return String.format(Locale.ROOT, "%.3f", side.path("instanceHours").asDouble());
  }

  private static String byClass(JsonNode side, String field, String c) {
    return side.path(field).path(c).asText("-");
  }

  private static String shed(JsonNode side, String c) {
    long shed = side.path("shed").path(c).asLong();
    long offered = side.path("offered").path(c).asLong();
    return offered > 0 ? shed + " (" + Phrases.number(100.0 * shed / offered) + " %)" : Long.toString(shed);
  }

  private static String ttc(JsonNode side) {
    if (!side.hasNonNull("ttcMedianSeconds")) {
      return "-";
    }
    return Phrases.number(side.path("ttcMedianSeconds").asDouble()) + " / "
        + Phrases.number(side.path("ttcMaxSeconds").asDouble()) + " s";
  }

  private static String decision(JsonNode side) {
    StringBuilder s = new StringBuilder().append(side.path("desired").asInt()).append(" instances");
    double shedHigh = side.path("shedHigh").asDouble();
    double shedLow = side.path("shedLow").asDouble();
    if (shedHigh > 0 || shedLow > 0) {
      s.append(", shed ").append(Phrases.number(100 * shedLow)).append(" % low");
      if (shedHigh > 0) {
        s.append(" ").append(Phrases.number(100 * shedHigh)).append(" % high");
      }
    }
    return s.append(" (").append(Phrases.words(side.path("reason").asText())).append(")").toString();
  }
}
