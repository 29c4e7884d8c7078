package io.ballast.controller.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ballast overrides list|set|cancel}: an operator's temporary word over the policy. Every override
 * needs a reason and expires by itself, so a forgotten pin or pause cannot outlive the incident it was for.
 */
@Command(name = "overrides", mixinStandardHelpOptions = true,
    description = "List, set or cancel a service's temporary overrides (pin, bounds, freeze, shed, pause).",
    subcommands = {OverridesCommand.ListOverrides.class, OverridesCommand.SetOverride.class,
        OverridesCommand.CancelOverride.class})
public final class OverridesCommand {

  /** Active overrides as a table: ID, OVERRIDE, SET BY, EXPIRES, REASON. */
  static Table table(JsonNode overrides) {
    Table table = new Table("ID", "OVERRIDE", "SET BY", "EXPIRES", "REASON");
    for (JsonNode o : overrides) {
      table.row(Phrases.text(o, "id"), Phrases.override(o), Phrases.text(o, "setBy"),
          Phrases.instant(o.get("expiresAt")), Phrases.text(o, "reason"));
    }
    return table;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a service's active overrides.",
      exitCodeListHeading = "%nExit status:%n", exitCodeList = {ApiOptions.EXIT_OK, ApiOptions.EXIT_API_ERROR,
          ApiOptions.EXIT_BAD_INPUT, ApiOptions.EXIT_UNREACHABLE})
  public static final class ListOverrides implements Callable<Integer> {

    @Mixin
    ApiOptions api;

    @Parameters(index = "0", paramLabel = "ID", description = "The service.")
    String id;

    @Override
    public Integer call() {
      return api.run((client, out) -> {
        JsonNode answer = client.get(ApiClient.path("v1", "services", id, "overrides"));
        if (api.json()) {
          ApiOptions.printJson(out, answer);
          return;
        }
        JsonNode overrides = answer.path("overrides");
        if (overrides.isArray() && !overrides.isEmpty()) {
          table(overrides).print(out);
        } else {
          out.println("no active overrides for " + id);
        }
      });
    }
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = {"Set an override on a service until its TTL runs out or it is cancelled.",
          "Exactly one kind: --pin, --min/--max, --freeze-scale-in/--freeze-scale-out, --admit, or --pause. "
              + "--reason and --ttl are required."},
      exitCodeListHeading = "%nExit status:%n", exitCodeList = {ApiOptions.EXIT_OK, ApiOptions.EXIT_API_ERROR,
          ApiOptions.EXIT_BAD_INPUT, ApiOptions.EXIT_UNREACHABLE})
  public static final class SetOverride implements Callable<Integer> {

    @Mixin
    ApiOptions api;

    @Parameters(index = "0", paramLabel = "ID", description = "The service.")
    String id;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "%nOverride (exactly one kind):%n")
    Kind kind;

    @Option(names = "--reason", required = true, paramLabel = "TEXT",
        description = "Why: recorded with the override and shown to everyone.")
    String reason;

    @Option(names = "--ttl", required = true, paramLabel = "DURATION", converter = DurationParameter.class,
        description = "How long it lasts: 90s, 30m, 2h, 1d, or ISO-8601 such as PT30M.")
    Duration ttl;

    /** The kinds, one of which is given. */
    static final class Kind {
      @Option(names = "--pin", paramLabel = "N", description = "Pin: hold exactly N instances.")
      Integer pin;

      @ArgGroup(exclusive = false)
      Bounds bounds;

      @ArgGroup(exclusive = false)
      Freeze freeze;

      @Option(names = "--admit", paramLabel = "CLASS=FRACTION", split = ",",
          description = "Shed: admit only FRACTION (0 to 1) of a priority class's requests (0 sheds "
              + "all of it); repeatable, or comma-separated.")
      Map<String, Double> admit;

      @Option(names = "--pause", description = "Pause: write nothing to the service's target.")
      boolean pause;
    }

    static final class Bounds {
      @Option(names = "--min", paramLabel = "N", required = false, description = "Bounds: at least N instances (with or without --max).")
      Integer min;

      @Option(names = "--max", paramLabel = "N", required = false, description = "Bounds: at most N instances (with or without --min).")
      Integer max;
    }

    static final class Freeze {
      @Option(names = "--freeze-scale-in", required = false, description = "Freeze: the count does not go down.")
      boolean scaleIn;

      @Option(names = "--freeze-scale-out", required = false, description = "Freeze: the count does not go up.")
      boolean scaleOut;
    }

    @Override
    public Integer call() {
      return api.run((client, out) -> {
        JsonNode created = client.post(ApiClient.path("v1", "services", id, "overrides"), body());
        if (api.json()) {
          ApiOptions.printJson(out, created);
          return;
        }
        String until = Phrases.instant(created.get("expiresAt"));
        String by = Phrases.text(created, "setBy");
        out.println("set " + Phrases.text(created, "id") + " on " + id + ": " + Phrases.override(created)
            + (until == null ? "" : " until " + until) + (by == null ? "" : " (by " + by + ")"));
      });
    }

    /** The request body; checks what picocli's groups cannot express. */
    ObjectNode body() throws InputException {
      if (reason.isBlank()) {
        throw new InputException("--reason must say why");
      }
      ObjectNode body = ApiClient.JSON.createObjectNode();
      if (kind.pin != null) {
        body.put("kind", "pin").put("instances", kind.pin);
      } else if (kind.bounds != null) {
        if (kind.bounds.min == null && kind.bounds.max == null) {
          throw new InputException("give --min N, --max N or both");
        }
        body.put("kind", "bounds");
        if (kind.bounds.min != null) {
          body.put("min", kind.bounds.min);
        }
        if (kind.bounds.max != null) {
          body.put("max", kind.bounds.max);
        }
      } else if (kind.freeze != null) {
        if (!kind.freeze.scaleIn && !kind.freeze.scaleOut) {
          throw new InputException("give --freeze-scale-in, --freeze-scale-out or both");
        }
        body.put("kind", "freeze").put("scaleIn", kind.freeze.scaleIn).put("scaleOut", kind.freeze.scaleOut);
      } else if (kind.admit != null) {
        ObjectNode admit = body.put("kind", "shed").putObject("admit");
        for (Map.Entry<String, Double> e : new LinkedHashMap<>(kind.admit).entrySet()) {
          if (!(e.getValue() >= 0 && e.getValue() <= 1)) {
            throw new InputException("--admit " + e.getKey() + "=" + e.getValue()
                + ": the fraction to admit must be within [0, 1]");
          }
          admit.put(e.getKey(), e.getValue());
        }
      } else if (kind.pause) {
        body.put("kind", "pause");
      } else {
        throw new InputException("give one of --pin, --min/--max, --freeze-scale-in/--freeze-scale-out, --admit, "
            + "--pause");
      }
      return body.put("reason", reason.strip()).put("ttl", ttl.toString());
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true,
      description = "Cancel an active override before it expires; the policy is in charge again at once.",
      exitCodeListHeading = "%nExit status:%n", exitCodeList = {ApiOptions.EXIT_OK, ApiOptions.EXIT_API_ERROR,
          ApiOptions.EXIT_BAD_INPUT, ApiOptions.EXIT_UNREACHABLE})
  public static final class CancelOverride implements Callable<Integer> {

    @Mixin
    ApiOptions api;

    @Parameters(index = "0", paramLabel = "ID", description = "The service.")
    String id;

    @Parameters(index = "1", paramLabel = "OVERRIDE_ID", description = "The override, as listed (ovr-…).")
    String overrideId;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why it is cancelled (recorded).")
    String reason;

    @Override
    public Integer call() {
      return api.run((client, out) -> {
        Map<String, String> query = new HashMap<>();
        if (reason != null && !reason.isBlank()) {
          query.put("reason", reason.strip());
        }
        JsonNode answer = client.delete(ApiClient.path("v1", "services", id, "overrides", overrideId), query);
        if (api.json()) {
          ApiOptions.printJson(out, answer);
          return;
        }
        print(answer, out);
      });
    }

    private void print(JsonNode answer, PrintWriter out) {
      JsonNode cancelled = answer.path("override");
      String by = Phrases.text(answer, "cancelledBy");
      out.println("cancelled " + overrideId + " on " + id
          + (cancelled.isObject() ? ": " + Phrases.override(cancelled) : "") + (by == null ? "" : " (by " + by + ")"));
    }
  }
}
