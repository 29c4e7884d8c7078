package io.ballast.controller.cli.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where the controller is and how to talk to it, shared by every operator command; and the one place that
 * turns what went wrong into an exit status and a line on stderr, so all commands fail alike.
 */
public final class ApiOptions {

  /** The exit statuses every operator command documents, as its {@code exitCodeList}. */
  static final String EXIT_OK = "0:Success.";
  static final String EXIT_API_ERROR = "1:The controller answered with an error.";
  static final String EXIT_BAD_INPUT = "2:Bad usage or input (unreadable file, bad duration); nothing was sent.";
  static final String EXIT_UNREACHABLE = "3:The controller could not be reached (refused, timed out, TLS failed).";

  static final int API_ERROR = 1;
  static final int BAD_INPUT = 2;
  static final int UNREACHABLE = 3;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:BALLAST_URL:-http://127.0.0.1:8080}",
      description = "The controller's HTTP API (default: $BALLAST_URL, else http://127.0.0.1:8080).")
  String url;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:BALLAST_TOKEN}",
      description = "Bearer token (default: $BALLAST_TOKEN). Prefer --token-file: a command line is visible to "
          + "other users of the machine.")
  String token;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "Read the bearer token from the first line of FILE (e.g. data/admin.token); wins over --token.")
  Path tokenFile;

  @Option(names = "--cacert", paramLabel = "FILE",
      description = "Trust only these certificates for https: a PEM file, or a PKCS12 or JKS trust store.")
  Path cacert;

  @Option(names = "--cacert-password", paramLabel = "PASSWORD", defaultValue = "${env:BALLAST_CACERT_PASSWORD}",
      description = "Password of a PKCS12 or JKS --cacert (default: $BALLAST_CACERT_PASSWORD, else none or "
          + "\"changeit\").")
  String cacertPassword;

  @Option(names = "--json", description = "Print the API's JSON answer, pretty-printed, instead of text.")
  boolean json;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationParameter.class,
      description = "Give up on connecting or on an answer after this long (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  /** What a command does with the API; it prints to {@code out}. */
  @FunctionalInterface
  interface Request {
    void run(ApiClient api, PrintWriter out) throws ApiException, UnreachableException, InputException;
  }

  /** Runs {@code request} against the controller and returns the exit status. */
  int run(Request request) {
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    ApiClient api = null;
    try {
      api = client();
      request.run(api, out);
      return 0;
    } catch (ApiException e) {
      String hint = e.status() == 401 && api != null && !api.hasToken()
          ? "; no token was sent: give --token-file FILE, --token or $BALLAST_TOKEN" : "";
      err.println("ballast: " + e.getMessage() + hint);
      return API_ERROR;
    } catch (UnreachableException e) {
      err.println("ballast: " + e.getMessage());
      return UNREACHABLE;
    } catch (InputException e) {
      err.println("ballast: " + e.getMessage());
      return BAD_INPUT;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Whether to print JSON for scripts rather than text for people. */
  boolean json() {
    return json;
  }

  /** Prints an answer as the API gave it, pretty-printed. */
  static void printJson(PrintWriter out, JsonNode answer) {
    try {
      out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render a JSON tree", e);
    }
  }

  ApiClient client() throws InputException {
    URI base;
    try {
      base = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new InputException("--url " + url + " is not a URL: " + e.getMessage(), e);
    }
    if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))
        || base.getHost() == null) {
      throw new InputException("--url " + url + " must be an http:// or https:// URL with a host");
    }
    if (base.getQuery() != null || base.getFragment() != null) {
      throw new InputException("--url " + url + " must not have a query or fragment");
    }
    SSLContext ssl = cacert == null ? null : TrustedCertificates.sslContext(cacert, cacertPassword);
    return new ApiClient(base, bearerToken(), ssl, timeout);
  }

  private String bearerToken() throws InputException {
    if (tokenFile == null) {
      return token == null || token.isBlank() ? null : token.strip();
    }
    String line;
    try (BufferedReader reader = Files.newBufferedReader(tokenFile, StandardCharsets.UTF_8)) {
      line = reader.readLine();
    } catch (IOException e) {
      throw new InputException("cannot read --token-file " + tokenFile + ": " + e, e);
    }
    if (line == null || line.isBlank()) {
      throw new InputException("--token-file " + tokenFile + " is empty: its first line should be the token");
    }
    return line.strip();
  }
}
