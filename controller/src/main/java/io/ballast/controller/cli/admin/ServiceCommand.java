package io.ballast.controller.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code ballast service ID}: one service as an operator needs it during an incident, from
 * {@code GET /v1/services/{id}}: what it runs, what it was told, what is overriding it, and why it decided
 * what it did.
 */
@Command(name = "service", mixinStandardHelpOptions = true,
    description = {"Show one service: policy and bounds, instances, desired count, mode, what is shed and why, "
        + "actuation (target, circuit, last write and failure), active overrides, and the last decisions that "
        + "changed something, newest first."},
    exitCodeListHeading = "%nExit status:%n", exitCodeList = {ApiOptions.EXIT_OK, ApiOptions.EXIT_API_ERROR,
        ApiOptions.EXIT_BAD_INPUT, ApiOptions.EXIT_UNREACHABLE})
public final class ServiceCommand implements Callable<Integer> {

  @Mixin
  ApiOptions api;

  @Parameters(index = "0", paramLabel = "ID", description = "The service.")
  String id;

  @Override
  public Integer call() {
    return api.run((client, out) -> {
      JsonNode answer = client.get(ApiClient.path("v1", "services", id));
      if (api.json()) {
        ApiOptions.printJson(out, answer);
        return;
      }
      summary(answer).print(out);
      out.println();
      out.println("Overrides");
      JsonNode overrides = answer.path("overrides");
      if (overrides.isArray() && !overrides.isEmpty()) {
        OverridesCommand.table(overrides).print(out);
      } else {
        out.println("none active");
      }
      out.println();
      out.println("Decisions");
      decisions(answer.path("decisions"), out);
    });
  }

  private static Table summary(JsonNode s) {
    Table table = new Table();
    table.row("service", Phrases.text(s, "id"));
    String policy = Phrases.policy(s.get("policy"));
    String setBy = Phrases.text(s, "policySetBy");
    table.row("policy", policy == null ? null : policy + (setBy == null ? "" : " (set by " + setBy + ")"));
    table.row("instances", Phrases.instances(s.get("instances")));
    table.row("desired", Phrases.text(s, "desiredInstances"));
    table.row("mode", Phrases.text(s, "mode"));
    table.row("shedding", shedding(s));
    actuation(s.path("actuation"), table);
    String journal = Phrases.journalTrouble(s.path("journal"));
    if (journal != null) {
      table.row("journal", journal);
    }
    return table;
  }

  private static String shedding(JsonNode s) {
    String shed = Phrases.shed(s.path("admission"));
    JsonNode why = s.path("shedReason");
    String text = shed == null ? "nothing shed" : shed;
    if (why.hasNonNull("code")) {
      text += " (" + Phrases.words(why.get("code").asText()) + ": demand " + Phrases.number(why.path("demandRps")
          .asDouble()) + " rps, capacity " + Phrases.number(why.path("capacityRps").asDouble()) + " rps)";
    }
    return text;
  }

  private static void actuation(JsonNode a, Table table) {
    if (!a.isObject()) {
      return;
    }
    String target = a.hasNonNull("target") ? a.get("target").asText() : "none: decisions are recorded, not written";
    if (a.path("dryRun").asBoolean()) {
      target += " (dry run)";
    }
    table.row("target", target);
    String circuit = a.path("circuit").asText("closed");
    if ("open".equals(circuit) && a.hasNonNull("circuitOpenUntil")) {
      circuit += " until " + Phrases.instant(a.get("circuitOpenUntil"));
    }
    table.row("circuit", circuit);
    JsonNode applied = a.path("lastApplied");
    if (applied.isObject()) {
      table.row("last write", applied.path("desired").asText() + " at " + Phrases.instant(applied.get("at")));
    }
    JsonNode failure = a.path("lastFailure");
    if (failure.isObject()) {
      table.row("last failure", failure.path("error").asText() + " writing " + failure.path("desired").asText()
          + " at " + Phrases.instant(failure.get("at")) + ": " + failure.path("detail").asText()
          + " (attempt " + failure.path("attempt").asText() + ", "
          + (failure.path("willRetry").asBoolean() ? "will retry" : "not retried") + ")");
    }
    if (a.hasNonNull("awaiting")) {
      int shortfall = a.path("shortfall").asInt();
      table.row("awaiting", a.get("awaiting").asText() + " to be ready" + (shortfall > 0 ? ", " + shortfall
          + " short" : ""));
    }
    JsonNode shedFailure = a.path("shedDeliveryFailure");
    if (shedFailure.isObject()) {
      table.row("shed delivery", "failing since " + Phrases.instant(shedFailure.get("at")) + " to "
          + shedFailure.path("target").asText() + ": " + shedFailure.path("detail").asText());
    } else if (a.path("lastShedDelivered").isObject()) {
      JsonNode delivered = a.get("lastShedDelivered");
      table.row("shed delivery", "delivered at " + Phrases.instant(delivered.get("at")) + " to "
          + delivered.path("target").asText());
    }
  }

  private static void decisions(JsonNode decisions, PrintWriter out) {
    if (!decisions.isArray() || decisions.isEmpty()) {
      out.println("none yet");
      return;
    }
    Table table = new Table("AT", "FROM→TO", "MODE", "WHY");
    for (JsonNode d : decisions) {
      table.row(Phrases.instant(d.get("at")), d.path("from").asText() + " → " + d.path("to").asText(),
          Phrases.text(d, "mode"), Phrases.text(d, "explanation"));
    }
    table.print(out);
  }
}
