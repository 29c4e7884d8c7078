package io.ballast.controller.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Serves the OpenAPI 3 document of the API ({@code openapi.json} on the classpath), open to anyone: it says what
 * exists, not what is in it. A test holds it to {@link Endpoint#ALL}, so it lists exactly what the routes serve.
 */
public final class OpenApi {

  static final String RESOURCE = "/openapi.json";

  private OpenApi() {}

  public static Route route() {
    byte[] document = document();
    return Directives.path(segment("v1").slash("openapi.json"), () -> Directives.get(() ->
        Directives.complete(HttpEntities.create(ContentTypes.APPLICATION_JSON, document))));
  }

  static byte[] document() {
    try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
