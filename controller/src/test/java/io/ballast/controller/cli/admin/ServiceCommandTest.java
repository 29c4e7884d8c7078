package io.ballast.controller.cli.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServiceCommandTest {

  private static final String DETAIL = """
      {"id":"checkout",
       "policy":{"kind":"ballast","min-instances":2,"max-instances":40,"targets":{"requests-per-instance":100}},
       "policySetBy":"alice",
       "instances":{"ready":8,"warming":2,"booting":1,"draining":0},"desiredInstances":12,"mode":"NORMAL",
       "admission":[{"priority":"sheddable","admitFraction":0.25}],
       "shedReason":{"code":"DEFICIT","demandRps":1200.0,"capacityRps":900.0,"deficitRps":300.0,"shedRps":300.0},
       "lastDecision":{"at":"2026-11-27T08:00:02Z","from":10,"to":12,"mode":"NORMAL","reason":{},"explanation":"x"},
       "decisions":[
         {"at":"2026-11-27T08:00:02.250Z","from":10,"to":12,"mode":"NORMAL","reason":{"code":"TRACKING_TARGET"},
          "explanation":"requests per instance 120.0 vs target 100.0 recommends 12"},
         {"at":"2026-11-27T07:58:00Z","from":4,"to":10,"mode":"PANIC","reason":{"code":"PANIC"},
          "explanation":"requests per instance 250.0 vs target 100.0 recommends 10; panic"}],
       "windows":[],"openWindows":[],"samplesRecorded":1234,
       "actuation":{"target":"kubernetes deployment shop/checkout","dryRun":false,
         "lastApplied":{"at":"2026-11-27T08:00:03.1Z","decidedAt":"2026-11-27T08:00:02Z","desired":12,
                        "instances":null,"target":"kubernetes deployment shop/checkout"},
         "lastFailure":{"at":"2026-11-27T07:58:01Z","decidedAt":"2026-11-27T07:58:00Z","desired":10,
                        "error":"THROTTLED","detail":"429 Too Many Requests","target":"k","attempt":1,"willRetry":true},
         "circuit":"closed","circuitOpenUntil":null,"awaiting":12,"unconfirmed":1,"shortfall":2,
         "lastShedDelivered":null,"shedDeliveryFailure":null},
       "overrides":[{"id":"ovr-1","kind":"bounds","min":6,"reason":"sale","setBy":"bob",
                     "startsAt":"2026-11-27T07:00:00Z","expiresAt":"2026-11-27T12:00:00Z"}],
       "journal":{"available":true,"since":"2026-11-27T07:00:00Z","detail":"ok"}}""";

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
  void the_summary_shows_policy_state_actuation_overrides_and_the_last_decisions() {
    api.stubFor(get("/v1/services/checkout").willReturn(okJson(DETAIL)));

    Ballast.Run run = Ballast.run("service", "checkout", "--url", api.baseUrl());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("""
        service       checkout
        policy        ballast, 2..40 instances (set by alice)
        instances     8 ready, 2 warming, 1 booting, 0 draining
        desired       12
        mode          NORMAL
        shedding      sheddable 75% (deficit: demand 1200 rps, capacity 900 rps)
        target        kubernetes deployment shop/checkout
        circuit       closed
        last write    12 at 2026-11-27T08:00:03Z
        last failure  THROTTLED writing 10 at 2026-11-27T07:58:01Z: 429 Too Many Requests (attempt 1, will retry)
        awaiting      12 to be ready, 2 short

        Overrides
        ID     OVERRIDE      SET BY  EXPIRES               REASON
        ovr-1  bounds min 6  bob     2026-11-27T12:00:00Z  sale

        Decisions
        AT                    FROM→TO  MODE    WHY
        2026-11-27T08:00:02Z  10 → 12  NORMAL  requests per instance 120.0 vs target 100.0 recommends 12
        2026-11-27T07:58:00Z  4 → 10   PANIC   requests per instance 250.0 vs target 100.0 recommends 10; panic
        """);
    api.verify(getRequestedFor(urlEqualTo("/v1/services/checkout")));
  }

  @Test
  void a_service_without_decisions_overrides_or_target_says_so() {
    api.stubFor(get("/v1/services/new").willReturn(okJson("""
        {"id":"new","policy":{"kind":"hpa","minInstances":1,"maxInstances":5},"policySetBy":"config",
         "instances":{"ready":0,"warming":0,"booting":0,"draining":0},"desiredInstances":0,"mode":"NORMAL",
         "admission":[],"shedReason":null,"lastDecision":null,"decisions":[],
         "actuation":{"target":null,"dryRun":true,"circuit":"closed","shortfall":0},"overrides":[],
         "journal":{"available":true}}""")));

    Ballast.Run run = Ballast.run("service", "new", "--url", api.baseUrl());

    assertThat(run.out())
        .contains("policy     hpa, 1..5 instances (set by config)")
        .contains("shedding   nothing shed")
        .contains("target     none: decisions are recorded, not written (dry run)")
        .contains("Overrides\nnone active\n")
        .endsWith("Decisions\nnone yet\n");
  }

  @Test
  void an_unknown_service_exits_1_with_the_api_message() {
    api.stubFor(get("/v1/services/nope").willReturn(aResponse().withStatus(404)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":\"not_found\",\"field\":null,\"detail\":\"no service nope\"}")));

    Ballast.Run run = Ballast.run("service", "nope", "--url", api.baseUrl());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("ballast: 404 not_found: no service nope\n");
  }

  @Test
  void json_prints_the_detail_as_it_came() throws Exception {
    api.stubFor(get("/v1/services/checkout").willReturn(okJson(DETAIL)));

    Ballast.Run run = Ballast.run("service", "checkout", "--url", api.baseUrl(), "--json");

    assertThat(ApiClient.JSON.readTree(run.out())).isEqualTo(ApiClient.JSON.readTree(DETAIL));
  }

  @Test
  void a_missing_id_is_a_usage_error() {
    Ballast.Run run = Ballast.run("service", "--url", api.baseUrl());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required parameter: 'ID'");
  }
}
