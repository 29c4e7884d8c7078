package io.ballast.controller.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ballast policy show|set}: the policy a service runs, read and changed at run time. A policy set here
 * is recorded as a {@code PolicySet} event with who set it and why, and replaces the configured one.
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
    description = "Show or replace a service's scaling and shedding policy.",
    subcommands = {PolicyCommand.Show.class, PolicyCommand.SetPolicy.class})
public final class PolicyCommand {

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = {"Print a service's policy as key = value lines (valid HOCON: save it, edit it, and give it "
          + "back with policy set --file), or the API's JSON with --json."},
      exitCodeListHeading = "%nExit status:%n", exitCodeList = {ApiOptions.EXIT_OK, ApiOptions.EXIT_API_ERROR,
          ApiOptions.EXIT_BAD_INPUT, ApiOptions.EXIT_UNREACHABLE})
  public static final class Show implements Callable<Integer> {

    @Mixin
    ApiOptions api;

    @Parameters(index = "0", paramLabel = "ID", description = "The service.")
    String id;

    @Override
    public Integer call() {
      return api.run((client, out) -> {
        JsonNode answer = client.get(ApiClient.path("v1", "services", id, "policy"));
        if (api.json()) {
          ApiOptions.printJson(out, answer);
          return;
        }
        String setAt = Phrases.instant(answer.get("setAt"));
        out.println("# policy of " + answer.path("service").asText(id) + ", set by "
            + answer.path("setBy").asText("?") + (setAt == null ? "" : " at " + setAt));
        PolicyText.lines(answer.path("policy")).forEach(out::println);
      });
    }
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = {"Replace a service's policy, from a file or by changing settings of the one in force.",
          "With --file, FILE (JSON or HOCON, settings as in configuration: min-instances, "
              + "targets.requests-per-instance, ...) replaces the whole policy. policy show output is a valid FILE.",
          "With KEY=VALUE settings (e.g. min-instances=4 targets.requests-per-instance=120), the policy in force "
              + "is read, these settings are changed in it, and the whole result is sent, since the API replaces "
              + "the policy. Values that look like numbers, true/false, null or JSON are taken as such. A change "
              + "made by someone else between the read and the write is replaced: check with policy show.",
          "The controller checks the result as a whole and names the setting at fault."},
      exitCodeListHeading = "%nExit status:%n", exitCodeList = {ApiOptions.EXIT_OK, ApiOptions.EXIT_API_ERROR,
          ApiOptions.EXIT_BAD_INPUT, ApiOptions.EXIT_UNREACHABLE})
  public static final class SetPolicy implements Callable<Integer> {

    @Mixin
    ApiOptions api;

    @Parameters(index = "0", paramLabel = "ID", description = "The service.")
    String id;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "KEY=VALUE",
        description = "Settings to change in the policy in force.")
    List<String> settings = List.of();

    @Option(names = "--file", paramLabel = "FILE", description = "The whole new policy, as JSON or HOCON.")
    Path file;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (recorded).")
    String reason;

    @Override
    public Integer call() {
      return api.run((client, out) -> {
        if (reason.isBlank()) {
          throw new InputException("--reason must say why");
        }
        if ((file == null) == settings.isEmpty()) {
          throw new InputException("give either --file FILE or KEY=VALUE settings" + (file == null ? "" : ", not both"));
        }
        String path = ApiClient.path("v1", "services", id, "policy");
        JsonNode before = null;
        ObjectNode policy;
        if (file != null) {
          policy = PolicyText.read(file);
        } else {
          PolicyText.apply(null, settings); // Malformed settings fail before anything is sent.
          before = client.get(path).path("policy");
          policy = PolicyText.apply(before, settings);
        }
        ObjectNode body = ApiClient.JSON.createObjectNode();
        body.set("policy", policy);
        body.put("reason", reason.strip());
        JsonNode answer = client.put(path, body);
        if (api.json()) {
          ApiOptions.printJson(out, answer);
          return;
        }
        JsonNode previous = answer.hasNonNull("previous") ? answer.get("previous") : before;
        report(answer, previous, out);
      });
    }

    private void report(JsonNode answer, JsonNode previous, PrintWriter out) {
      out.println("policy of " + answer.path("service").asText(id) + " set by " + answer.path("setBy").asText("?"));
      if (previous == null) {
        return;
      }
      Map<String, JsonNode> was = PolicyText.flatten(previous);
      Map<String, JsonNode> now = PolicyText.flatten(answer.path("policy"));
      Set<String> keys = new LinkedHashSet<>(was.keySet());
      keys.addAll(now.keySet());
      Table changes = new Table();
      for (String key : keys) {
        JsonNode a = was.get(key);
        JsonNode b = now.get(key);
        if (!Objects.equals(unset(a), unset(b))) {
          changes.row("  " + key, (a == null ? "(unset)" : PolicyText.hocon(a)) + " → "
              + (b == null ? "(unset)" : PolicyText.hocon(b)));
        }
      }
      if (changes.isEmpty()) {
        out.println("  no setting changed");
      } else {
        changes.print(out);
      }
    }

    /** A setting left out and one set to null are both unset. */
    private static JsonNode unset(JsonNode value) {
      return value == null || value.isNull() ? null : value;
    }
  }
}
