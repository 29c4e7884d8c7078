package io.ballast.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator CLI as an operator runs it: {@code bin/ballast <command>} processes against a node started with
 * {@code bin/ballast run}, authenticated with the admin token the node made for itself.
 */
class CliIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path LOGS = Path.of("target", "it-logs");
  private static Path data;
  private static NodeProcess node;

  @BeforeAll
  static void start() throws Exception {
    data = Files.createTempDirectory("ballast-cli");
    Files.createDirectories(LOGS);
    node = NodeProcess.start(data, LOGS.resolve("cli.log"), Map.of("BALLAST_WINDOW", "1s",
        "BALLAST_WINDOW_GRACE", "1s"));
    for (int s = 0; s < 3; s++) {
      assertThat(node.post("/v1/metrics", "{\"samples\":[{\"service\":\"checkout\",\"at\":\""
          + Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1) + "\",\"periodSeconds\":1,"
          + "\"priority\":\"critical\",\"requests\":800,\"instances\":{\"ready\":4}}]}").status()).isEqualTo(200);
      Thread.sleep(1000);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (node.get("/v1/services/checkout").body().get("lastDecision").isNull()) {
      assertThat(System.nanoTime()).as("a decision within 20 s").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  record Run(int exit, String out, String err) {}

  private static Run ballast(String... args) throws IOException, InterruptedException {
    Path root = Path.of(System.getProperty("ballast.root", "..")).toAbsolutePath().normalize();
    List<String> command = new ArrayList<>();
    command.add(root.resolve("bin/ballast").toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("cli-out", ".txt");
    Path err = Files.createTempFile("cli-err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("BALLAST_NO_BUILD", "1");
    builder.environment().put("BALLAST_URL", "http://127.0.0.1:" + node.httpPort());
    builder.environment().remove("BALLAST_TOKEN");
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bin/ballast %s finished", String.join(" ", args)).isTrue();
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static Run admin(String... args) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--token-file");
    all.add(data.resolve("admin.token").toString());
    return ballast(all.toArray(String[]::new));
  }

  @Test
  void an_operator_lists_and_shows_services_in_tables_and_as_json() throws Exception {
    Run services = admin("services");
    assertThat(services.exit()).as(services.err()).isZero();
    assertThat(services.out()).contains("ID").contains("DESIRED").contains("checkout");

    Run service = admin("service", "checkout");
    assertThat(service.exit()).as(service.err()).isZero();
    assertThat(service.out()).contains("checkout").contains("requests per instance");

    Run json = admin("services", "--json");
    assertThat(json.exit()).isZero();
    assertThat(JSON.readTree(json.out()).get("services").get(0).get("id").asText()).isEqualTo("checkout");
  }

  @Test
  void an_operator_sets_lists_and_cancels_an_override_and_the_history_shows_it() throws Exception {
    Run set = admin("overrides", "set", "checkout", "--pin", "6", "--reason", "cli end to end", "--ttl", "10m");
    assertThat(set.exit()).as(set.err()).isZero();
    Matcher id = Pattern.compile("ovr-[0-9a-f]{12}").matcher(set.out());
    assertThat(id.find()).as(set.out()).isTrue();

    Run listed = admin("overrides", "list", "checkout", "--json");
    assertThat(listed.exit()).isZero();
    assertThat(JSON.readTree(listed.out()).get("overrides").findValuesAsText("id")).contains(id.group());
    assertThat(admin("overrides", "list", "checkout").out()).contains(id.group()).contains("cli end to end");

    Run cancelled = admin("overrides", "cancel", "checkout", id.group(), "--reason", "done");
    assertThat(cancelled.exit()).as(cancelled.err()).isZero();
    Run again = admin("overrides", "cancel", "checkout", id.group());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("404");

    Run history = admin("history", "checkout", "--all");
    assertThat(history.exit()).as(history.err()).isZero();
    assertThat(history.out()).contains("OverrideSet").contains("OverrideCancelled");
  }

  @Test
  void an_operator_replays_a_service_and_sees_its_decisions_reproduced() throws Exception {
    Run replay = admin("replay", "checkout");
    assertThat(replay.exit()).as(replay.err() + replay.out()).isZero();
    assertThat(replay.out()).contains("reproduced: all").contains("WINDOW END").contains("critical 800");

    Run json = admin("replay", "checkout", "--json");
    assertThat(json.exit()).isZero();
    assertThat(JSON.readTree(json.out()).get("reproduction").get("exact").asBoolean()).isTrue();

    Run bad = admin("replay", "checkout", "--at", "noon");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--at");
  }

  @Test
  void a_viewer_re_runs_the_recorded_load_under_hpa_and_sees_both_side_by_side() throws Exception {
    String from = Instant.now().minusSeconds(600).toString();
    String to = Instant.now().toString();
    Run whatIf = admin("what-if", "checkout", "--from", from, "--to", to, "--policy", "hpa",
        "metric=requests-per-instance", "target=150", "--boot", "10s", "--warmup", "5s");
    assertThat(whatIf.exit()).as(whatIf.err() + whatIf.out()).isZero();
    assertThat(whatIf.out()).contains("BASELINE (ballast)").contains("CANDIDATE (hpa)").contains("instance-hours")
        .contains("SLO-violation seconds").contains("requests shed, critical").contains("high class critical");

    Run changes = admin("what-if", "checkout", "--from", from, "--to", to, "targets.requests-per-instance=50",
        "--json");
    assertThat(changes.exit()).as(changes.err()).isZero();
    JsonNode answer = JSON.readTree(changes.out());
    assertThat(answer.get("candidateSettings").get("targets").get("requests-per-instance").asDouble()).isEqualTo(50.0);
    assertThat(answer.get("whatIf").get("series").size()).isEqualTo(answer.get("whatIf").get("windows").asInt());

    Run refused = admin("what-if", "checkout", "--from", from, "--to", to, "--policy", "hpa", "tolerance=3");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("policy.tolerance");

    Run bad = admin("what-if", "checkout", "--from", "yesterday", "--to", to, "--policy", "hpa");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--from");
  }

  @Test
  void an_admin_changes_one_setting_and_a_bad_one_is_refused_by_name() throws Exception {
    Run shown = admin("policy", "show", "checkout");
    assertThat(shown.exit()).as(shown.err()).isZero();
    assertThat(shown.out()).contains("min-instances");

    Run set = admin("policy", "set", "checkout", "min-instances=3", "--reason", "cli end to end");
    assertThat(set.exit()).as(set.err()).isZero();
    JsonNode policy = JSON.readTree(admin("policy", "show", "checkout", "--json").out()).get("policy");
    assertThat(policy.get("min-instances").asInt()).isEqualTo(3);

    Run refused = admin("policy", "set", "checkout", "max-instances=0", "--reason", "too far");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("400").contains("max-instances");
    assertThat(JSON.readTree(admin("policy", "show", "checkout", "--json").out()).get("policy")
        .get("min-instances").asInt()).isEqualTo(3);
  }

  @Test
  void errors_exit_with_their_own_codes() throws Exception {
    Run noToken = ballast("services");
    assertThat(noToken.exit()).isEqualTo(1);
    assertThat(noToken.err()).contains("401");

    Run unreachable = ballast("services", "--url", "http://127.0.0.1:1", "--token", "bt_00000000_x");
    assertThat(unreachable.exit()).isEqualTo(3);
    assertThat(unreachable.err()).contains("127.0.0.1:1");

    Run badTtl = admin("overrides", "set", "checkout", "--pause", "--reason", "r", "--ttl", "forever");
    assertThat(badTtl.exit()).isEqualTo(2);
  }

  @Test
  void a_new_token_is_printed_once_with_its_entry_for_the_tokens_file() throws Exception {
    Run token = ballast("token", "create", "--name", "alice", "--role", "operator");

    assertThat(token.exit()).as(token.err()).isZero();
    assertThat(token.out().strip()).startsWith("bt_");
    assertThat(token.err()).contains("name = \"alice\"").contains("role = operator").contains("sha256:")
        .doesNotContain(token.out().strip());
  }
}
