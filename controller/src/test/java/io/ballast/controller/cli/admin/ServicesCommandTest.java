package io.ballast.controller.cli.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServicesCommandTest {

  static final String SERVICES = """
      {"services":[
        {"id":"checkout","instances":{"ready":8,"warming":2,"booting":1,"draining":0},"desiredInstances":12,
         "mode":"PANIC","admission":[{"priority":"critical","admitFraction":1.0},
                                     {"priority":"sheddable","admitFraction":0.25}],
         "lastDecision":{"at":"2026-11-27T08:00:02.500Z","from":10,"to":12,"mode":"PANIC",
           "reason":{"code":"PANIC"},
           "explanation":"requests per instance 142.5 vs target 100.0 recommends 15; limited by max-instances: 12"}},
        {"id":"search","instances":{"ready":3,"warming":0,"booting":0,"draining":1},"desiredInstances":3,
         "mode":"NORMAL","admission":[],"lastDecision":null}],
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
  void every_service_is_a_row_with_what_is_shed_and_the_last_decision_cut_to_fit() {
    api.stubFor(get("/v1/services").willReturn(okJson(SERVICES)));

    Ballast.Run run = Ballast.run("services", "--url", api.baseUrl(), "--token", "abc");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("""
        ID        READY  WARMING  BOOTING  DESIRED  MODE    SHED           LAST DECISION
        checkout  8      2        1        12       PANIC   sheddable 75%  requests per instance 142.5 vs target 100.0 recommends 15;…
        search    3      0        0        3        NORMAL  -              -
        """);
    api.verify(getRequestedFor(urlEqualTo("/v1/services")).withHeader("Authorization", equalTo("Bearer abc")));
  }

  @Test
  void an_unavailable_journal_is_said_below_the_table() {
    api.stubFor(get("/v1/services").willReturn(okJson("""
        {"services":[],"journal":{"available":false,"since":"2026-11-27T07:00:00.9Z","detail":"cassandra down"}}""")));

    Ballast.Run run = Ballast.run("services", "--url", api.baseUrl());

    assertThat(run.out()).isEqualTo("""
        no services yet

        journal unavailable since 2026-11-27T07:00:00Z: cassandra down
        """);
  }

  @Test
  void json_prints_the_answer_as_it_came_pretty_printed() throws Exception {
    api.stubFor(get("/v1/services").willReturn(okJson(SERVICES)));

    Ballast.Run run = Ballast.run("services", "--url", api.baseUrl(), "--json");

    assertThat(run.exit()).isZero();
    JsonNode printed = ApiClient.JSON.readTree(run.out());
    assertThat(printed).isEqualTo(ApiClient.JSON.readTree(SERVICES));
    assertThat(run.out()).contains("\n  \"services\" : [");
  }
}
