package io.ballast.controller.cli.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every operator command shares: the token, the URL, TLS trust, timeouts, and exit statuses. */
class ApiOptionsTest {

  private static final String SERVICES = "{\"services\":[],\"journal\":{\"available\":true}}";

  @TempDir
  static Path keys;

  private final WireMockServer api = new WireMockServer(wireMockConfig().dynamicPort());

  @BeforeAll
  static void makeCertificates() throws Exception {
    // A server key for localhost, its certificate as PEM, a PKCS12 trust store holding it, and a stranger's.
    keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
        "-keystore", "server.p12", "-storepass", "changeit", "-keypass", "changeit");
    keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", "server.p12", "-storepass", "changeit",
        "-file", "server.pem");
    keytool("-importcert", "-noprompt", "-alias", "ballast", "-file", "server.pem", "-storetype", "PKCS12",
        "-keystore", "trust.p12", "-storepass", "s3cret");
    keytool("-genkeypair", "-alias", "other", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-storetype", "PKCS12", "-keystore", "other.p12", "-storepass", "changeit",
        "-keypass", "changeit");
    keytool("-exportcert", "-rfc", "-alias", "other", "-keystore", "other.p12", "-storepass", "changeit",
        "-file", "other.pem");
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(keys.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }

  @BeforeEach
  void start() {
    api.start();
    api.stubFor(get("/v1/services").willReturn(okJson(SERVICES)));
  }

  @AfterEach
  void stop() {
    api.stop();
  }

  @Test
  void the_token_is_sent_as_a_bearer_token() {
    assertThat(Ballast.run("services", "--url", api.baseUrl(), "--token", "abc").exit()).isZero();

    api.verify(getRequestedFor(urlEqualTo("/v1/services")).withHeader("Authorization", equalTo("Bearer abc"))
        .withHeader("Accept", equalTo("application/json")));
  }

  @Test
  void a_token_file_gives_its_first_line_and_wins_over_token(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("admin.token");
    Files.writeString(file, "  from-the-file  \nsecond line is ignored\n");

    Ballast.Run run = Ballast.run("services", "--url", api.baseUrl(), "--token", "abc", "--token-file", file.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    api.verify(getRequestedFor(urlEqualTo("/v1/services"))
        .withHeader("Authorization", equalTo("Bearer from-the-file")));
  }

  @Test
  void an_unreadable_token_file_exits_2_and_sends_nothing(@TempDir Path dir) {
    Ballast.Run run = Ballast.run("services", "--url", api.baseUrl(), "--token-file",
        dir.resolve("missing.token").toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("ballast: cannot read --token-file");
    assertThat(api.getAllServeEvents()).isEmpty();
  }

  @Test
  void an_empty_token_file_exits_2(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("admin.token");
    Files.writeString(file, "\n");

    Ballast.Run run = Ballast.run("services", "--url", api.baseUrl(), "--token-file", file.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("is empty");
  }

  @Test
  void without_a_token_no_authorization_is_sent_and_a_401_says_how_to_give_one() {
    api.stubFor(get("/v1/services").willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":\"unauthorized\",\"field\":null,\"detail\":\"a bearer token is required\"}")));

    Ballast.Run run = Ballast.run("services", "--url", api.baseUrl());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).startsWith("ballast: 401 unauthorized: a bearer token is required; no token was sent");
    api.verify(getRequestedFor(urlEqualTo("/v1/services")).withHeader("Authorization", absent()));
  }

  @Test
  void a_403_exits_1_with_the_api_message() {
    api.stubFor(get("/v1/services").willReturn(aResponse().withStatus(403)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":\"forbidden\",\"field\":null,\"detail\":\"viewer may not do this\"}")));

    Ballast.Run run = Ballast.run("services", "--url", api.baseUrl(), "--token", "abc");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("ballast: 403 forbidden: viewer may not do this\n");
  }

  @Test
  void an_error_in_the_read_apis_detail_shape_is_shown_too() {
    api.stubFor(get("/v1/services").willReturn(aResponse().withStatus(503)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":\"journal_unavailable\",\"field\":null,\"detail\":\"send the request again\"}")));

    Ballast.Run run = Ballast.run("services", "--url", api.baseUrl());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("ballast: 503 journal_unavailable: send the request again\n");
  }

  @Test
  void a_proxy_answering_html_is_an_api_error_with_its_status() {
    api.stubFor(get("/v1/services").willReturn(aResponse().withStatus(502).withBody("<html>Bad Gateway</html>")));

    Ballast.Run run = Ballast.run("services", "--url", api.baseUrl());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("ballast: 502 http_502: <html>Bad Gateway</html>\n");
  }

  @Test
  void a_refused_connection_exits_3_naming_the_url() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }

    Ballast.Run run = Ballast.run("services", "--url", "http://127.0.0.1:" + port);

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.err()).isEqualTo(
        "ballast: cannot reach the controller at http://127.0.0.1:" + port + ": connection refused\n");
  }

  @Test
  void no_answer_within_the_timeout_exits_3() {
    api.stubFor(get("/v1/services").willReturn(okJson(SERVICES).withFixedDelay(3_000)));

    Ballast.Run run = Ballast.run("services", "--url", api.baseUrl(), "--timeout", "300ms");

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.err()).isEqualTo("ballast: cannot reach the controller at " + api.baseUrl()
        + ": no answer within 300ms\n");
  }

  @Test
  void a_url_that_is_not_http_exits_2() {
    Ballast.Run run = Ballast.run("services", "--url", "ftp://example.com");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("must be an http:// or https:// URL");
  }

  @Test
  void a_url_with_a_path_keeps_it_as_a_prefix() {
    api.stubFor(get("/ballast/v1/services").willReturn(okJson(SERVICES)));

    assertThat(Ballast.run("services", "--url", api.baseUrl() + "/ballast/").exit()).isZero();

    api.verify(getRequestedFor(urlEqualTo("/ballast/v1/services")));
  }

  @Test
  void service_ids_are_percent_encoded_in_the_path() {
    api.stubFor(get("/v1/services/a%20b%2Fc/overrides").willReturn(okJson("{\"overrides\":[]}")));

    Ballast.Run run = Ballast.run("overrides", "list", "a b/c", "--url", api.baseUrl());

    assertThat(run.exit()).as(run.err()).isZero();
    api.verify(getRequestedFor(urlEqualTo("/v1/services/a%20b%2Fc/overrides")));
  }

  @Test
  void https_is_trusted_through_a_pem_cacert() {
    try (Https https = new Https()) {
      Ballast.Run run = Ballast.run("services", "--url", https.url(), "--cacert", keys.resolve("server.pem").toString());

      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out()).isEqualTo("no services yet\n");
    }
  }

  @Test
  void https_is_trusted_through_a_pkcs12_trust_store_with_its_password() {
    try (Https https = new Https()) {
      Ballast.Run run = Ballast.run("services", "--url", https.url(), "--cacert", keys.resolve("trust.p12").toString(),
          "--cacert-password", "s3cret");

      assertThat(run.exit()).as(run.err()).isZero();
    }
  }

  @Test
  void a_server_certificate_the_cacert_did_not_sign_exits_3() {
    try (Https https = new Https()) {
      Ballast.Run run = Ballast.run("services", "--url", https.url(), "--cacert", keys.resolve("other.pem").toString());

      assertThat(run.exit()).isEqualTo(3);
      assertThat(run.err()).startsWith("ballast: cannot reach the controller at " + https.url() + ": TLS failed");
    }
  }

  @Test
  void a_cacert_that_is_no_certificate_exits_2(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("ca.pem");
    Files.writeString(file, "not a certificate");

    Ballast.Run run = Ballast.run("services", "--url", "https://localhost:1", "--cacert", file.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("is neither a PEM certificate nor a PKCS12 or JKS trust store");
  }

  /** WireMock over https with the test's localhost key. */
  private static final class Https implements AutoCloseable {
    private final WireMockServer server = new WireMockServer(wireMockConfig().httpDisabled(true).dynamicHttpsPort()
        .keystorePath(keys.resolve("server.p12").toString()).keystoreType("PKCS12").keystorePassword("changeit")
        .keyManagerPassword("changeit"));

    Https() {
      server.start();
      server.stubFor(get("/v1/services").willReturn(okJson(SERVICES)));
    }

    String url() {
      return "https://localhost:" + server.httpsPort();
    }

    @Override
    public void close() {
      server.stop();
    }
  }
}
