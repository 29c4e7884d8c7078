package io.ballast.controller.cli.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HistoryCommandTest {

  private static final String PAGE_1 = """
      {"id":"checkout","events":[
        {"seq":1,"recordedAt":"2026-11-27T08:00:00.123Z","type":"PolicySet","event":{"at":"2026-11-27T08:00:00Z",
          "settings":{"kind":"ballast","min-instances":2,"max-instances":40},"previous":null,"setBy":"config"}},
        {"seq":2,"recordedAt":"2026-11-27T08:00:02Z","type":"ScaleDecided","event":{"at":"2026-11-27T08:00:02Z",
          "from":10,"to":15,"mode":"NORMAL","reason":{"code":"TRACKING_TARGET","signal":"REQUESTS_PER_INSTANCE",
          "observed":142.5,"target":100.0,"recommended":15,"limits":[]}}},
        {"seq":3,"recordedAt":"2026-11-27T08:00:02Z","type":"ShedLevelsChanged","event":{"at":"2026-11-27T08:00:02Z",
          "admission":[{"priority":"sheddable","admitFraction":0.25}],
          "reason":{"code":"DEFICIT","demandRps":1200.0,"capacityRps":900.0,"deficitRps":300.0,"shedRps":300.0}}}],
       "next":{"from":4}}""";

  private static final String PAGE_2 = """
      {"id":"checkout","events":[
        {"seq":4,"recordedAt":"2026-11-27T08:01:00Z","type":"OverrideSet","event":{"at":"2026-11-27T08:01:00Z",
          "override":{"id":"ovr-1","kind":"pin","instances":5,"reason":"black friday","setBy":"alice",
          "startsAt":"2026-11-27T08:01:00Z","expiresAt":"2026-11-27T10:01:00Z"}}},
        {"seq":5,"recordedAt":"2026-11-27T08:01:02Z","type":"ScaleDecided","event":{"at":"2026-11-27T08:01:02Z",
          "from":15,"to":5,"mode":"PANIC","reason":{"code":"SOMETHING_NEW","signal":"NONE","observed":0,"target":0,
          "recommended":-1,"limits":[]}}},
        {"seq":6,"recordedAt":"2026-11-27T08:01:03Z","type":"ScaleFailed","event":{"at":"2026-11-27T08:01:03Z",
          "decidedAt":"2026-11-27T08:01:02Z","desired":5,"error":"UNAVAILABLE","detail":"connection refused",
          "target":"webhook","attempt":2,"willRetry":true}},
        {"seq":7,"recordedAt":"2026-11-27T08:01:04Z","type":"Mystery","event":{"a":1}}],
       "next":null}""";

  private final WireMockServer api = new WireMockServer(wireMockConfig().dynamicPort());

  @BeforeEach
  void start() {
    api.start();
  }

  @AfterEach
  void stop() {
    api.stop();
  }

  @Test
  void one_page_is_a_table_of_one_line_summaries_and_says_where_the_next_starts() {
    api.stubFor(get(urlPathEqualTo("/v1/services/checkout/events")).willReturn(okJson(PAGE_1)));

    Ballast.Run run = Ballast.run("history", "checkout", "--url", api.baseUrl(), "--limit", "3",
        "--from", "2026-11-27T08:00:00Z");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("""
        SEQ  RECORDED              TYPE               SUMMARY
        1    2026-11-27T08:00:00Z  PolicySet          ballast, 2..40 instances set by config
        2    2026-11-27T08:00:02Z  ScaleDecided       10 → 15: requests per instance 142.5 vs target 100.0 recommends 15
        3    2026-11-27T08:00:02Z  ShedLevelsChanged  sheddable 75% (deficit)

        more events follow: --from 4 for the next page, or --all
        """);
    api.verify(getRequestedFor(urlEqualTo("/v1/services/checkout/events?from=2026-11-27T08%3A00%3A00Z&limit=3")));
  }

  @Test
  void all_follows_next_from_to_the_end_and_keeps_to() {
    api.stubFor(get(urlPathEqualTo("/v1/services/checkout/events")).withQueryParam("from", equalTo("4"))
        .willReturn(okJson(PAGE_2)));
    api.stubFor(get(urlEqualTo("/v1/services/checkout/events?to=100")).willReturn(okJson(PAGE_1)));

    Ballast.Run run = Ballast.run("history", "checkout", "--url", api.baseUrl(), "--to", "100", "--all");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("4    2026-11-27T08:01:00Z  OverrideSet        pin 5 by alice: black friday "
            + "(until 2026-11-27T10:01:00Z)")
        .contains("5    2026-11-27T08:01:02Z  ScaleDecided       15 → 5: something new (PANIC)")
        .contains("ScaleFailed        5 failed to webhook: UNAVAILABLE connection refused (attempt 2, will retry)")
        .contains("7    2026-11-27T08:01:04Z  Mystery            {\"a\":1}")
        .doesNotContain("more events follow");
    api.verify(getRequestedFor(urlEqualTo("/v1/services/checkout/events?to=100")));
    api.verify(getRequestedFor(urlEqualTo("/v1/services/checkout/events?from=4&to=100")));
  }

  @Test
  void all_with_json_prints_every_event_in_one_answer() throws Exception {
    api.stubFor(get(urlPathEqualTo("/v1/services/checkout/events")).withQueryParam("from", equalTo("4"))
        .willReturn(okJson(PAGE_2)));
    api.stubFor(get(urlEqualTo("/v1/services/checkout/events")).willReturn(okJson(PAGE_1)));

    Ballast.Run run = Ballast.run("history", "checkout", "--url", api.baseUrl(), "--all", "--json");

    JsonNode printed = ApiClient.JSON.readTree(run.out());
    assertThat(printed.path("events")).hasSize(7);
    assertThat(printed.path("events").get(6).path("seq").asInt()).isEqualTo(7);
    assertThat(printed.get("next").isNull()).isTrue();
  }

  @Test
  void a_limit_out_of_range_exits_2_before_asking() {
    Ballast.Run run = Ballast.run("history", "checkout", "--url", api.baseUrl(), "--limit", "5000");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("ballast: --limit must be within 1 to 1000, was 5000\n");
    assertThat(api.getAllServeEvents()).isEmpty();
  }

  @Test
  void a_bad_parameter_named_by_the_api_exits_1() {
    api.stubFor(get(urlPathEqualTo("/v1/services/checkout/events")).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":\"invalid_parameter\",\"field\":\"from\",\"detail\":\"not a sequence number or "
            + "an ISO-8601 instant\"}")));

    Ballast.Run run = Ballast.run("history", "checkout", "--url", api.baseUrl(), "--from", "yesterday");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo(
        "ballast: 400 invalid_parameter: not a sequence number or an ISO-8601 instant (field: from)\n");
  }
}
