package io.ballast.controller.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ballast history ID}: what a service recorded, oldest first, one line per event, from
 * {@code GET /v1/services/{id}/events}. The journal is the truth of what happened, so this is where an
 * operator reconstructs an incident.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
    description = {"Show a service's recorded events, oldest first: decisions, shed levels, policy and override "
        + "changes, writes to the target, and more, one line each.",
        "--from and --to (inclusive) take a sequence number (101) or an ISO-8601 instant (2026-11-25T10:00:00Z). "
            + "Without --all, one page is shown and the next page's --from is printed."},
    exitCodeListHeading = "%nExit status:%n", exitCodeList = {ApiOptions.EXIT_OK, ApiOptions.EXIT_API_ERROR,
        ApiOptions.EXIT_BAD_INPUT, ApiOptions.EXIT_UNREACHABLE})
public final class HistoryCommand implements Callable<Integer> {

  @Mixin
  ApiOptions api;

  @Parameters(index = "0", paramLabel = "ID", description = "The service.")
  String id;

  @Option(names = "--from", paramLabel = "SEQ|INSTANT", description = "First event: a sequence number or an instant.")
  String from;

  @Option(names = "--to", paramLabel = "SEQ|INSTANT", description = "Last event: a sequence number or an instant.")
  String to;

  @Option(names = "--limit", paramLabel = "N", description = "Events per page, 1 to 1000 (default: the API's, 100).")
  Integer limit;

  @Option(names = "--all", description = "Follow the pages to the end (or to --to).")
  boolean all;

  @Override
  public Integer call() {
    return api.run((client, out) -> {
      if (limit != null && (limit < 1 || limit > 1000)) {
        throw new InputException("--limit must be within 1 to 1000, was " + limit);
      }
      String path = ApiClient.path("v1", "services", id, "events");
      String start = from;
      JsonNode page = client.get(path, query(start));
      ArrayNode events = ApiClient.JSON.createArrayNode();
      page.path("events").forEach(events::add);
      while (all && page.path("next").hasNonNull("from")) {
        String next = page.get("next").get("from").asText();
        if (next.equals(start)) {
          break; // Never loop on a page that does not advance.
        }
        start = next;
        page = client.get(path, query(start));
        page.path("events").forEach(events::add);
      }
      if (api.json()) {
        if (all) {
          ObjectNode whole = ApiClient.JSON.createObjectNode();
          whole.put("id", page.path("id").asText(id));
          whole.set("events", events);
          whole.putNull("next");
          ApiOptions.printJson(out, whole);
        } else {
          ApiOptions.printJson(out, page);
        }
        return;
      }
      if (events.isEmpty()) {
        out.println("no events");
      } else {
        Table table = new Table("SEQ", "RECORDED", "TYPE", "SUMMARY");
        for (JsonNode e : events) {
          String type = Phrases.text(e, "type");
          table.row(Phrases.text(e, "seq"), Phrases.instant(e.get("recordedAt")), type,
              EventSummary.of(type, e.path("event")));
        }
        table.print(out);
      }
      if (!all && page.path("next").hasNonNull("from")) {
        out.println();
        out.println("more events follow: --from " + page.get("next").get("from").asText() + " for the next page, "
            + "or --all");
      }
    });
  }

  private Map<String, String> query(String start) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("from", start);
    query.put("to", to);
    query.put("limit", limit == null ? null : limit.toString());
    return query;
  }
}
