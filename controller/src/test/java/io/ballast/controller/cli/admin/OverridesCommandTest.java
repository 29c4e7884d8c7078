package io.ballast.controller.cli.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OverridesCommandTest {

  private static final String PIN = """
      {"id":"ovr-1","kind":"pin","instances":5,"reason":"black friday","setBy":"alice",
       "startsAt":"2026-11-27T08:00:00.123Z","expiresAt":"2026-11-27T10:00:00.456Z"}""";

  private final WireMockServer api = new WireMockServer(wireMockConfig().dynamicPort());

  @BeforeEach
  void start() {
    api.start();
  }

  @AfterEach
  void stop() {
    api.stop();
  }

  private Ballast.Run ballast(String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--url";
    all[args.length + 1] = api.baseUrl();
    all[args.length + 2] = "--token";
    all[args.length + 3] = "t0ken";
    return Ballast.run(all);
  }

  private void created(String json) {
    api.stubFor(post("/v1/services/checkout/overrides").willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody(json)));
  }

  @Test
  void list_shows_each_active_override_in_a_table() {
    api.stubFor(get("/v1/services/checkout/overrides").willReturn(okJson("""
        {"service":"checkout","overrides":[%s,
         {"id":"ovr-2","kind":"shed","admit":{"sheddable":0.0,"sheddable_plus":0.5},"reason":"protect db",
          "setBy":"bob","startsAt":"2026-11-27T08:00:00Z","expiresAt":"2026-11-27T09:00:00Z"}]}""".formatted(PIN))));

    Ballast.Run run = ballast("overrides", "list", "checkout");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEqualTo("""
        ID     OVERRIDE                                 SET BY  EXPIRES               REASON
        ovr-1  pin 5                                    alice   2026-11-27T10:00:00Z  black friday
        ovr-2  shed sheddable 100%, sheddable_plus 50%  bob     2026-11-27T09:00:00Z  protect db
        """);
    api.verify(getRequestedFor(urlEqualTo("/v1/services/checkout/overrides"))
        .withHeader("Authorization", equalTo("Bearer t0ken")));
  }

  @Test
  void list_says_so_when_nothing_is_overridden() {
    api.stubFor(get("/v1/services/checkout/overrides").willReturn(okJson("{\"service\":\"checkout\",\"overrides\":[]}")));

    assertThat(ballast("overrides", "list", "checkout").out()).isEqualTo("no active overrides for checkout\n");
  }

  @Test
  void a_pin_posts_its_count_reason_and_ttl_in_iso_8601() {
    created(PIN);

    Ballast.Run run = ballast("overrides", "set", "checkout", "--pin", "5", "--reason", "black friday", "--ttl", "2h");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("set ovr-1 on checkout: pin 5 until 2026-11-27T10:00:00Z (by alice)\n");
    api.verify(postRequestedFor(urlEqualTo("/v1/services/checkout/overrides"))
        .withHeader("Authorization", equalTo("Bearer t0ken"))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(equalToJson("{\"kind\":\"pin\",\"instances\":5,\"reason\":\"black friday\",\"ttl\":\"PT2H\"}")));
  }

  @Test
  void bounds_send_only_the_bounds_given() {
    created("{\"id\":\"ovr-3\",\"kind\":\"bounds\",\"min\":3,\"reason\":\"r\",\"setBy\":\"alice\"}");

    Ballast.Run run = ballast("overrides", "set", "checkout", "--min", "3", "--reason", "r", "--ttl", "30m");

    assertThat(run.exit()).as(run.err()).isZero();
    api.verify(postRequestedFor(urlEqualTo("/v1/services/checkout/overrides"))
        .withRequestBody(equalToJson("{\"kind\":\"bounds\",\"min\":3,\"reason\":\"r\",\"ttl\":\"PT30M\"}")));
    assertThat(run.out()).isEqualTo("set ovr-3 on checkout: bounds min 3 (by alice)\n");
  }

  @Test
  void both_bounds_go_together() {
    created("{\"id\":\"ovr-3\",\"kind\":\"bounds\",\"min\":3,\"max\":10}");

    assertThat(ballast("overrides", "set", "checkout", "--min", "3", "--max", "10", "--reason", "r", "--ttl", "90s")
        .exit()).isZero();
    api.verify(postRequestedFor(urlEqualTo("/v1/services/checkout/overrides")).withRequestBody(
        equalToJson("{\"kind\":\"bounds\",\"min\":3,\"max\":10,\"reason\":\"r\",\"ttl\":\"PT1M30S\"}")));
  }

  @Test
  void a_freeze_names_each_direction() {
    created("{\"id\":\"ovr-4\",\"kind\":\"freeze\",\"scaleIn\":true,\"scaleOut\":false}");

    Ballast.Run run = ballast("overrides", "set", "checkout", "--freeze-scale-in", "--reason", "deploy", "--ttl", "PT45M");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("freeze scale-in");
    api.verify(postRequestedFor(urlEqualTo("/v1/services/checkout/overrides")).withRequestBody(equalToJson(
        "{\"kind\":\"freeze\",\"scaleIn\":true,\"scaleOut\":false,\"reason\":\"deploy\",\"ttl\":\"PT45M\"}")));
  }

  @Test
  void shed_levels_are_admit_fractions_per_priority_class() {
    created("{\"id\":\"ovr-5\",\"kind\":\"shed\",\"admit\":{\"sheddable\":0.0,\"sheddable_plus\":0.5}}");

    Ballast.Run run = ballast("overrides", "set", "checkout", "--admit", "sheddable=0", "--admit",
        "sheddable_plus=0.5", "--reason", "db on fire", "--ttl", "1d");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("shed sheddable 100%, sheddable_plus 50%");
    api.verify(postRequestedFor(urlEqualTo("/v1/services/checkout/overrides")).withRequestBody(equalToJson(
        "{\"kind\":\"shed\",\"admit\":{\"sheddable\":0.0,\"sheddable_plus\":0.5},\"reason\":\"db on fire\","
            + "\"ttl\":\"PT24H\"}")));
  }

  @Test
  void a_pause_has_no_settings_of_its_own() {
    created("{\"id\":\"ovr-6\",\"kind\":\"pause\"}");

    assertThat(ballast("overrides", "set", "checkout", "--pause", "--reason", "migration", "--ttl", "1h").exit())
        .isZero();
    api.verify(postRequestedFor(urlEqualTo("/v1/services/checkout/overrides")).withRequestBody(
        equalToJson("{\"kind\":\"pause\",\"reason\":\"migration\",\"ttl\":\"PT1H\"}")));
  }

  @Test
  void two_kinds_at_once_are_a_usage_error_and_nothing_is_sent() {
    Ballast.Run run = ballast("overrides", "set", "checkout", "--pin", "5", "--pause", "--reason", "r", "--ttl", "1h");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("mutually exclusive");
    assertThat(api.getAllServeEvents()).isEmpty();
  }

  @Test
  void no_kind_at_all_is_a_usage_error() {
    Ballast.Run run = ballast("overrides", "set", "checkout", "--reason", "r", "--ttl", "1h");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(api.getAllServeEvents()).isEmpty();
  }

  @Test
  void a_missing_reason_is_a_usage_error() {
    Ballast.Run run = ballast("overrides", "set", "checkout", "--pin", "5", "--ttl", "1h");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--reason");
  }

  @Test
  void a_bad_ttl_is_a_usage_error_that_says_what_a_duration_looks_like() {
    Ballast.Run run = ballast("overrides", "set", "checkout", "--pin", "5", "--reason", "r", "--ttl", "soon");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("'soon' is not a duration").contains("30m");
    assertThat(api.getAllServeEvents()).isEmpty();
  }

  @Test
  void an_admit_fraction_above_one_is_refused_locally() {
    Ballast.Run run = ballast("overrides", "set", "checkout", "--admit", "sheddable=1.5", "--reason", "r", "--ttl", "1h");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("within [0, 1]");
    assertThat(api.getAllServeEvents()).isEmpty();
  }

  @Test
  void a_refused_override_exits_1_with_the_api_error_and_its_field() {
    api.stubFor(post("/v1/services/checkout/overrides").willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":\"invalid_override\",\"field\":\"instances\",\"detail\":\"instances must be >= 0\"}")));

    Ballast.Run run = ballast("overrides", "set", "checkout", "--pin", "-1", "--reason", "r", "--ttl", "1h");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo(
        "ballast: 400 invalid_override: instances must be >= 0 (field: instances)\n");
  }

  @Test
  void cancel_deletes_the_override_with_the_reason_in_the_query() {
    api.stubFor(delete(urlPathEqualTo("/v1/services/checkout/overrides/ovr-1"))
        .willReturn(okJson("{\"override\":%s,\"cancelledBy\":\"bob\"}".formatted(PIN))));

    Ballast.Run run = ballast("overrides", "cancel", "checkout", "ovr-1", "--reason", "rolled back & done");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("cancelled ovr-1 on checkout: pin 5 (by bob)\n");
    api.verify(deleteRequestedFor(urlPathEqualTo("/v1/services/checkout/overrides/ovr-1"))
        .withQueryParam("reason", equalTo("rolled back & done"))
        .withHeader("Authorization", equalTo("Bearer t0ken")));
  }

  @Test
  void cancel_of_an_unknown_override_exits_1() {
    api.stubFor(delete(urlPathEqualTo("/v1/services/checkout/overrides/ovr-9")).willReturn(aResponse()
        .withStatus(404).withHeader("Content-Type", "application/json")
        .withBody("{\"error\":\"not_found\",\"field\":null,\"detail\":\"no active override ovr-9\"}")));

    Ballast.Run run = ballast("overrides", "cancel", "checkout", "ovr-9");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("ballast: 404 not_found: no active override ovr-9\n");
    api.verify(deleteRequestedFor(urlEqualTo("/v1/services/checkout/overrides/ovr-9")));
  }

  @Test
  void json_prints_the_created_override_as_the_api_gave_it() {
    created(PIN);

    Ballast.Run run = ballast("overrides", "set", "checkout", "--pin", "5", "--reason", "r", "--ttl", "2h", "--json");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("\"id\" : \"ovr-1\"").contains("\"startsAt\" : \"2026-11-27T08:00:00.123Z\"");
  }
}
