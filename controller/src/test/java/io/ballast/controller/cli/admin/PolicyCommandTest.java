package io.ballast.controller.cli.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCommandTest {

  private static final String POLICY = """
      {"kind":"ballast","min-instances":2,"max-instances":40,
       "targets":{"requests-per-instance":100,"cpu-utilization":null},
       "stable-window":"60s",
       "scale-up":{"stabilization-window":"0s","policies":[{"type":"pods","value":4,"period":"15s"}],"select":"max"},
       "panic":{"enabled":true,"threshold":2.0},
       "metric-outage":{"hold-for":"2m","floor":null}}""";

  private static final String CURRENT = """
      {"service":"checkout","policy":%s,"setBy":"alice","setAt":"2026-11-27T08:00:00.5Z"}""".formatted(POLICY);

  /** Numbers equal by value, so 2 and 2.0 are the same setting. */
  private static final Comparator<JsonNode> NUMERIC = (a, b) -> a.isNumber() && b.isNumber()
      ? Double.compare(a.asDouble(), b.asDouble()) : a.equals(b) ? 0 : 1;

  private final WireMockServer api = new WireMockServer(wireMockConfig().dynamicPort());

  @TempDir
  Path dir;

  @BeforeEach
  void start() {
    api.start();
  }

  @AfterEach
  void stop() {
    api.stop();
  }

  private JsonNode json(String text) throws IOException {
    return ApiClient.JSON.readTree(text);
  }

  /** The PUT answer: the policy sent, as if accepted, with what it replaced. */
  private void acceptPut(String previous) {
    api.stubFor(put("/v1/services/checkout/policy").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withTransformers("response-template")
        .withBody("{\"service\":\"checkout\",\"policy\":{{{jsonPath request.body '$.policy'}}},\"previous\":"
            + previous + ",\"setBy\":\"alice\"}")));
  }

  private JsonNode sentBody() throws IOException {
    List<LoggedRequest> puts = api.findAll(putRequestedFor(urlEqualTo("/v1/services/checkout/policy")));
    assertThat(puts).hasSize(1);
    return json(puts.get(0).getBodyAsString());
  }

  @Test
  void show_prints_key_value_lines_that_read_back_as_hocon() {
    api.stubFor(get("/v1/services/checkout/policy").willReturn(okJson(CURRENT)));

    Ballast.Run run = Ballast.run("policy", "show", "checkout", "--url", api.baseUrl());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("""
        # policy of checkout, set by alice at 2026-11-27T08:00:00Z
        kind = ballast
        min-instances = 2
        max-instances = 40
        targets.requests-per-instance = 100
        targets.cpu-utilization = null
        stable-window = 60s
        scale-up.stabilization-window = 0s
        scale-up.policies = [{"type":"pods","value":4,"period":"15s"}]
        scale-up.select = max
        panic.enabled = true
        panic.threshold = 2.0
        metric-outage.hold-for = 2m
        metric-outage.floor = null
        """);
  }

  @Test
  void show_output_given_back_as_a_file_is_the_same_policy() throws Exception {
    api.stubFor(get("/v1/services/checkout/policy").willReturn(okJson(CURRENT)));
    Path file = dir.resolve("checkout.conf");
    Files.writeString(file, Ballast.run("policy", "show", "checkout", "--url", api.baseUrl()).out());

    // HOCON orders keys and writes 2.0 as 2: the same policy all the same.
    assertThat(PolicyText.read(file).equals(NUMERIC, json(POLICY))).isTrue();
  }

  @Test
  void show_with_json_prints_the_answer() throws IOException {
    api.stubFor(get("/v1/services/checkout/policy").willReturn(okJson(CURRENT)));

    Ballast.Run run = Ballast.run("policy", "show", "checkout", "--url", api.baseUrl(), "--json");

    assertThat(json(run.out())).isEqualTo(json(CURRENT));
  }

  @Test
  void key_value_settings_are_merged_onto_the_policy_in_force_and_the_whole_policy_is_put() throws IOException {
    api.stubFor(get("/v1/services/checkout/policy").willReturn(okJson(CURRENT)));
    acceptPut(POLICY);

    Ballast.Run run = Ballast.run("policy", "set", "checkout", "min-instances=4", "targets.requests-per-instance=120",
        "panic.enabled=false", "shedding.instance-capacity-rps=125.5", "metric-outage.floor=3", "stable-window=90s",
        "--reason", "new instance type", "--url", api.baseUrl(), "--token", "abc");

    assertThat(run.exit()).as(run.err()).isZero();
    api.verify(getRequestedFor(urlEqualTo("/v1/services/checkout/policy")).withHeader("Authorization",
        equalTo("Bearer abc")));
    JsonNode expected = json("""
        {"kind":"ballast","min-instances":4,"max-instances":40,
         "targets":{"requests-per-instance":120,"cpu-utilization":null},
         "stable-window":"90s",
         "scale-up":{"stabilization-window":"0s","policies":[{"type":"pods","value":4,"period":"15s"}],"select":"max"},
         "panic":{"enabled":false,"threshold":2.0},
         "metric-outage":{"hold-for":"2m","floor":3},
         "shedding":{"instance-capacity-rps":125.5}}""");
    ObjectNode body = ApiClient.JSON.createObjectNode();
    body.set("policy", expected);
    assertThat(sentBody()).isEqualTo(body.put("reason", "new instance type"));
    assertThat(run.out()).isEqualTo("""
        policy of checkout set by alice
          min-instances                   2 → 4
          targets.requests-per-instance   100 → 120
          stable-window                   60s → 90s
          panic.enabled                   true → false
          metric-outage.floor             null → 3
          shedding.instance-capacity-rps  (unset) → 125.5
        """);
  }

  @Test
  void a_hocon_file_is_sent_as_json() throws IOException {
    Path file = dir.resolve("checkout.conf");
    Files.writeString(file, """
        # the checkout policy
        kind = ballast
        min-instances = 3
        max-instances = 30
        targets { requests-per-instance = 120 }
        scale-down {
          stabilization-window = 5m
          policies = [{type = percent, value = 50, period = 15s}]
        }
        panic.enabled = on
        """);
    acceptPut("null");

    Ballast.Run run = Ballast.run("policy", "set", "checkout", "--file", file.toString(), "--reason", "tuned",
        "--url", api.baseUrl());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(sentBody()).isEqualTo(json("""
        {"policy":{"kind":"ballast","min-instances":3,"max-instances":30,"targets":{"requests-per-instance":120},
          "scale-down":{"stabilization-window":"5m","policies":[{"type":"percent","value":50,"period":"15s"}]},
          "panic":{"enabled":"on"}},
         "reason":"tuned"}"""));
    assertThat(api.findAll(getRequestedFor(urlEqualTo("/v1/services/checkout/policy")))).isEmpty();
  }

  @Test
  void a_json_file_keeps_its_order_and_numbers() throws IOException {
    Path file = dir.resolve("checkout.json");
    Files.writeString(file, "{\"policy\":{\"kind\":\"hpa\",\"min-instances\":1,\"max-instances\":5,"
        + "\"tolerance\":0.1}}");
    acceptPut("null");

    Ballast.Run run = Ballast.run("policy", "set", "checkout", "--file", file.toString(), "--reason", "to hpa",
        "--url", api.baseUrl());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(api.findAll(putRequestedFor(urlEqualTo("/v1/services/checkout/policy"))).get(0).getBodyAsString())
        .isEqualTo("{\"policy\":{\"kind\":\"hpa\",\"min-instances\":1,\"max-instances\":5,\"tolerance\":0.1},"
            + "\"reason\":\"to hpa\"}");
  }

  @Test
  void a_setting_the_api_refuses_exits_1_naming_it() throws IOException {
    api.stubFor(get("/v1/services/checkout/policy").willReturn(okJson(CURRENT)));
    api.stubFor(put("/v1/services/checkout/policy").willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json").withBody("{\"error\":\"invalid_policy\","
            + "\"field\":\"min-instances\",\"detail\":\"min-instances (50) must be <= max-instances (40)\"}")));

    Ballast.Run run = Ballast.run("policy", "set", "checkout", "min-instances=50", "--reason", "r",
        "--url", api.baseUrl());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("ballast: 400 invalid_policy: min-instances (50) must be <= max-instances (40) "
        + "(field: min-instances)\n");
  }

  @Test
  void an_unreadable_file_exits_2_and_sends_nothing() {
    Ballast.Run run = Ballast.run("policy", "set", "checkout", "--file", dir.resolve("missing.conf").toString(),
        "--reason", "r", "--url", api.baseUrl());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("ballast: cannot read --file");
    assertThat(api.getAllServeEvents()).isEmpty();
  }

  @Test
  void a_file_that_is_neither_json_nor_hocon_exits_2() throws IOException {
    Path file = dir.resolve("broken.conf");
    Files.writeString(file, "targets { requests-per-instance = ");

    Ballast.Run run = Ballast.run("policy", "set", "checkout", "--file", file.toString(), "--reason", "r",
        "--url", api.baseUrl());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("is neither JSON nor valid HOCON");
  }

  @Test
  void a_file_and_settings_together_exit_2() throws IOException {
    Path file = dir.resolve("p.conf");
    Files.writeString(file, "min-instances = 2");

    Ballast.Run run = Ballast.run("policy", "set", "checkout", "min-instances=3", "--file", file.toString(),
        "--reason", "r", "--url", api.baseUrl());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("not both");
    assertThat(api.getAllServeEvents()).isEmpty();
  }

  @Test
  void a_malformed_setting_exits_2_before_reading_the_policy() {
    Ballast.Run run = Ballast.run("policy", "set", "checkout", "min-instances", "--reason", "r", "--url", api.baseUrl());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("ballast: 'min-instances' is not KEY=VALUE\n");
    assertThat(api.getAllServeEvents()).isEmpty();
  }

  @Test
  void a_setting_inside_a_value_that_is_not_a_group_exits_2() {
    api.stubFor(get("/v1/services/checkout/policy").willReturn(okJson(CURRENT)));

    Ballast.Run run = Ballast.run("policy", "set", "checkout", "min-instances.x=1", "--reason", "r",
        "--url", api.baseUrl());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("cannot set min-instances.x: min-instances is 2, not a group of settings");
  }

  @Test
  void values_are_typed_by_how_they_look() throws Exception {
    assertThat(PolicyText.value("4").isInt()).isTrue();
    assertThat(PolicyText.value("0.5").isDouble()).isTrue();
    assertThat(PolicyText.value("1e3").isDouble()).isTrue();
    assertThat(PolicyText.value("true").isBoolean()).isTrue();
    assertThat(PolicyText.value("null").isNull()).isTrue();
    assertThat(PolicyText.value("\"42\"").asText()).isEqualTo("42");
    assertThat(PolicyText.value("15s").asText()).isEqualTo("15s");
    assertThat(PolicyText.value("[{\"type\":\"pods\",\"value\":4}]").isArray()).isTrue();
  }
}
