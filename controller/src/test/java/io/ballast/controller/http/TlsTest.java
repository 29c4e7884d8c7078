package io.ballast.controller.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.typesafe.config.ConfigFactory;
import io.ballast.controller.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** HTTPS with a keystore made by the JDK's keytool: served to a client that trusts it, refused when it is wrong. */
class TlsTest {

  private static final String PASSWORD = "correct-horse-battery-staple";
  private static final String WRONG = "tr0ub4dor-and-3";

  @TempDir
  static Path dir;
  private static Path keystore;
  private static Path certificatesOnly;

  @BeforeAll
  static void makeKeystores() throws Exception {
    keystore = dir.resolve("ballast.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "ballast", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor()).as(output).isZero();

    certificatesOnly = dir.resolve("certificates.p12");
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ballast", certificate());
    try (OutputStream out = Files.newOutputStream(certificatesOnly)) {
      store.store(out, PASSWORD.toCharArray());
    }
  }

  @Test
  void a_node_with_tls_serves_https_to_a_client_that_trusts_its_certificate(@TempDir Path data) throws Exception {
    try (TestNode node = new TestNode(data, tls(keystore, PASSWORD) + "\nballast.auth.enabled = off")) {
      URI https = URI.create(node.baseUri().replaceFirst("^http://", "https://") + "/v1/services");

      HttpResponse<String> answer = trusting().send(HttpRequest.newBuilder(https).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.sslSession()).hasValueSatisfying(
          session -> assertThat(session.getProtocol()).isIn("TLSv1.3", "TLSv1.2"));

      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create(node.baseUri() + "/v1/services"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void a_node_with_a_wrong_keystore_password_does_not_start_and_does_not_repeat_it(@TempDir Path data) {
    Throwable refused = catchThrowable(() -> new TestNode(data, tls(keystore, WRONG) + "\nballast.auth.enabled = off")
        .close());

    assertThat(refused).isInstanceOf(io.ballast.controller.Settings.InvalidSettingsException.class)
        .hasMessageContaining("ballast.http.tls.keystore-password")
        .hasMessageContaining(keystore.toString());
    for (Throwable t = refused; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(WRONG).doesNotContain(PASSWORD);
    }
  }

  @Test
  void tls_is_off_by_default() {
    assertThat(Tls.serverContext(ConfigFactory.parseResources("http.conf").resolve().getConfig("ballast.http")))
        .isEmpty();
  }

  static Stream<Arguments> badKeystores() {
    return Stream.of(
        Arguments.of("a keystore that does not exist", "keystore = \"" + dir.resolve("nope.p12") + "\", keystore-password = \""
            + PASSWORD + "\"", "ballast.http.tls.keystore: ", "is not a readable file"),
        Arguments.of("a wrong password", "keystore = \"" + keystore + "\", keystore-password = \"" + WRONG + "\"",
            "ballast.http.tls.keystore-password: ", "wrong password"),
        Arguments.of("a keystore without a private key", "keystore = \"" + certificatesOnly + "\", keystore-password = \""
            + PASSWORD + "\"", "ballast.http.tls.keystore: ", "holds no private key"),
        Arguments.of("a file that is not a keystore", "keystore = \"" + dir.resolve("not.p12") + "\", keystore-password = \""
            + PASSWORD + "\"", "ballast.http.tls.keystore: ", "cannot read"),
        Arguments.of("no keystore", "keystore-password = \"" + PASSWORD + "\"", "ballast.http.tls.keystore: ",
            "BALLAST_TLS_KEYSTORE"),
        Arguments.of("no password", "keystore = \"" + keystore + "\"", "ballast.http.tls.keystore-password: ",
            "BALLAST_TLS_KEYSTORE_PASSWORD"),
        Arguments.of("an unknown keystore type", "keystore = \"" + keystore + "\", keystore-password = \"" + PASSWORD
            + "\", keystore-type = XYZ", "ballast.http.tls.keystore-type: ", "'XYZ'"));
  }

  @ParameterizedTest(name = "{0} is refused naming the setting")
  @MethodSource("badKeystores")
  void a_bad_keystore_is_refused_naming_the_setting(String description, String settings, String setting,
      String problem) throws IOException {
    Files.writeString(dir.resolve("not.p12"), "not a keystore");

    assertThatThrownBy(() -> Tls.serverContext(ConfigFactory.parseString("tls { enabled = on, " + settings + " }")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(setting)
        .hasMessageContaining(problem)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD).doesNotContain(WRONG));
  }

  private static String tls(Path store, String password) {
    return "ballast.http.tls { enabled = on, keystore = \"" + store + "\", keystore-password = \"" + password + "\" }";
  }

  private static Certificate certificate() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    return store.getCertificate("ballast");
  }

  /** A client that trusts the keystore's certificate, and only it. */
  private static HttpClient trusting() throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("ballast", certificate());
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
  }
}
