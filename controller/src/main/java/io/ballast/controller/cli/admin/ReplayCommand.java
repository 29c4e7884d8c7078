package io.ballast.controller.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ballast replay ID}: a service's recorded history folded again by the node
 * ({@code GET /v1/services/{id}/replay}): whether the recorded decisions are reproduced, the state at an instant,
 * and the timeline of a range, one line per window.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Replay a service's recorded history: decide every recorded window again with the policy that "
        + "was in force and compare with what was recorded, show the state at --at, and the windows that ended "
        + "within --from..--to (ISO-8601 instants, such as 2026-11-25T10:00:00Z).",
        "Exits 1 when a recorded decision is not reproduced."},
    exitCodeListHeading = "%nExit status:%n", exitCodeList = {ApiOptions.EXIT_OK,
        "1:A recorded decision was not reproduced, or the API refused the request.", ApiOptions.EXIT_BAD_INPUT,
        ApiOptions.EXIT_UNREACHABLE})
public final class ReplayCommand implements Callable<Integer> {

  @Mixin
  ApiOptions api;

  @Parameters(index = "0", paramLabel = "ID", description = "The service.")
  String id;

  @Option(names = "--at", paramLabel = "INSTANT", description = "The instant whose state to show (default: now).")
  String at;

  @Option(names = "--from", paramLabel = "INSTANT", description = "First window end on the timeline.")
  String from;

  @Option(names = "--to", paramLabel = "INSTANT", description = "Last window end on the timeline.")
  String to;

  @Override
  public Integer call() {
    boolean[] exact = {true};
    int status = api.run((client, out) -> {
      Map<String, String> query = new LinkedHashMap<>();
      query.put("at", instant("--at", at));
      query.put("from", instant("--from", from));
      query.put("to", instant("--to", to));
      JsonNode answer = client.get(ApiClient.path("v1", "services", id, "replay"), query);
      JsonNode reproduction = answer.path("reproduction");
      exact[0] = reproduction.path("exact").asBoolean(false);
      if (api.json()) {
        ApiOptions.printJson(out, answer);
        return;
      }
      print(out, answer, reproduction);
    });
    return status == 0 && !exact[0] ? 1 : status;
  }

  private static String instant(String option, String text) throws InputException {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text).toString();
    } catch (DateTimeParseException e) {
      throw new InputException(option + " must be an ISO-8601 instant such as 2026-11-25T10:00:00Z, was '" + text + "'");
    }
  }

  private void print(PrintWriter out, JsonNode answer, JsonNode reproduction) {
    out.println(id + ": " + answer.path("events").asLong() + " events, through seq " + answer.path("lastSeq").asLong());
    int windows = reproduction.path("windows").asInt();
    if (reproduction.path("exact").asBoolean()) {
      out.println("reproduced: all " + windows + " recorded windows decide again exactly as recorded");
    } else {
      out.println("NOT reproduced: " + (windows - reproduction.path("identical").asInt()) + " of " + windows
          + " windows decide differently; first ones:");
      for (JsonNode m : reproduction.path("differing")) {
        out.println("  window ending " + Phrases.instant(m.get("windowEnd")) + " (seq " + m.path("sequenceNr").asLong()
            + "): recorded " + Phrases.compact(m.get("recorded")) + ", replayed " + Phrases.compact(m.get("replayed")));
      }
    }
    JsonNode state = answer.path("stateAt").path("state");
    out.println();
    out.println("state at " + (answer.path("stateAt").hasNonNull("at") ? Phrases.instant(answer.get("stateAt").get("at"))
        : "the end") + " (seq " + answer.path("stateAt").path("seq").asLong() + "): " + Phrases.policy(state.get("policy"))
        + "; desired " + state.path("desiredInstances").asInt() + "; " + Phrases.instances(state.get("instances"))
        + (Phrases.shed(state.get("admission")) == null ? "" : "; shedding " + Phrases.shed(state.get("admission"))));
    JsonNode points = answer.path("timeline").path("windows");
    out.println();
    if (points.isEmpty()) {
      out.println("no windows in the range");
      return;
    }
    Table table = new Table("WINDOW END", "OFFERED RPS", "READY/WARMING", "DESIRED", "SHED", "OVERRIDES", "REASON");
    for (JsonNode p : points) {
      List<String> offered = new ArrayList<>();
      p.path("classes").forEach(c -> offered.add(c.path("priority").asText() + " " + Phrases.number(c.path("offeredRps").asDouble())));
      table.row(Phrases.instant(p.get("windowEnd")), offered.isEmpty() ? "-" : String.join(", ", offered),
          p.path("instances").path("ready").asInt() + "/" + p.path("instances").path("warming").asInt(),
          p.path("from").asInt() == p.path("desired").asInt() ? p.path("desired").asText()
              : p.path("from").asInt() + " -> " + p.path("desired").asInt(),
          Phrases.shed(p.get("admission")), p.path("overrides").isEmpty() ? null : Phrases.compact(p.get("overrides")),
          Phrases.truncate(p.path("explanation").asText(), 80));
    }
    table.print(out);
    if (!answer.path("timeline").path("actuations").isEmpty()) {
      out.println();
      Table writes = new Table("AT", "DESIRED", "OUTCOME", "DETAIL");
      for (JsonNode a : answer.path("timeline").path("actuations")) {
        writes.row(Phrases.instant(a.get("at")), a.path("desired").asText(), Phrases.text(a, "outcome"),
            Phrases.text(a, "detail"));
      }
      writes.print(out);
    }
  }
}
