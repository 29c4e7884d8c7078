package io.ballast.controller.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ballast services}: every service at a glance, from {@code GET /v1/services}. */
@Command(name = "services", mixinStandardHelpOptions = true,
    description = "List every service: instances, desired count, mode, what is shed, and the last decision.",
    exitCodeListHeading = "%nExit status:%n", exitCodeList = {ApiOptions.EXIT_OK, ApiOptions.EXIT_API_ERROR,
        ApiOptions.EXIT_BAD_INPUT, ApiOptions.EXIT_UNREACHABLE})
public final class ServicesCommand implements Callable<Integer> {

  @Mixin
  ApiOptions api;

  @Override
  public Integer call() {
    return api.run((client, out) -> {
      JsonNode answer = client.get(ApiClient.path("v1", "services"));
      if (api.json()) {
        ApiOptions.printJson(out, answer);
        return;
      }
      Table table = new Table("ID", "READY", "WARMING", "BOOTING", "DESIRED", "MODE", "SHED", "LAST DECISION");
      for (JsonNode service : answer.path("services")) {
        JsonNode instances = service.path("instances");
        table.row(Phrases.text(service, "id"), instances.path("ready").asText(null),
            instances.path("warming").asText(null), instances.path("booting").asText(null),
            Phrases.text(service, "desiredInstances"), Phrases.text(service, "mode"),
            Phrases.shed(service.path("admission")),
            Phrases.truncate(Phrases.text(service.path("lastDecision"), "explanation"), Phrases.EXPLANATION_WIDTH));
      }
      if (table.isEmpty()) {
        out.println("no services yet");
      } else {
        table.print(out);
      }
      String journal = Phrases.journalTrouble(answer.path("journal"));
      if (journal != null) {
        out.println();
        out.println(journal);
      }
    });
  }
}
