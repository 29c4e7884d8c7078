package io.ballast.controller.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web page, served by the node itself: {@code /ui/} is a single page (HTML, one script, one stylesheet) and
 * the uPlot charting library from its WebJar on the classpath, so nothing is fetched from anywhere else at run
 * time. The files are static and open; every datum the page shows comes from the API with the token the user logs
 * in with, kept in the tab's session storage and sent as a bearer token (no cookie, so no cross-site request can
 * carry it). A strict Content-Security-Policy allows scripts, styles and requests from this origin only.
 */
public final class UiRoutes extends AllDirectives {

  /** Where the uPlot WebJar keeps its files, by the version on the classpath. */
  static final String UPLOT = "META-INF/resources/webjars/uplot/" + webJarVersion("uplot") + "/dist/";

  private static final ContentType JS = ContentTypes.parse("text/javascript; charset=UTF-8");
  private static final ContentType CSS = ContentTypes.parse("text/css; charset=UTF-8");
  private static final List<HttpHeader> HEADERS = List.of(
      RawHeader.create("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
          + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("X-Frame-Options", "DENY"),
      RawHeader.create("Referrer-Policy", "no-referrer"),
      RawHeader.create("Cache-Control", "no-cache"));

  public Route route() {
    // Paths first, methods inside: a GET that passes would cancel another route's "method not allowed".
    return concat(
        pathSingleSlash(() -> get(() -> redirect(Uri.create("/ui/"), StatusCodes.FOUND))),
        path("ui", () -> get(() -> redirect(Uri.create("/ui/"), StatusCodes.PERMANENT_REDIRECT))),
        pathPrefix("ui", () -> get(() -> respondWithHeaders(HEADERS, () -> concat(
            pathSingleSlash(() -> getFromResource("ui/index.html", ContentTypes.TEXT_HTML_UTF8)),
            path("app.js", () -> getFromResource("ui/app.js", JS)),
            path("app.css", () -> getFromResource("ui/app.css", CSS)),
            pathPrefix("vendor", () -> concat(
                path("uplot.js", () -> getFromResource(UPLOT + "uPlot.iife.min.js", JS)),
                path("uplot.css", () -> getFromResource(UPLOT + "uPlot.min.css", CSS)))))))));
  }

  /** The version of the WebJar {@code org.webjars.npm:<artifact>} on the classpath. */
  static String webJarVersion(String artifact) {
    String path = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
    try (InputStream in = UiRoutes.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the " + artifact + " WebJar is not on the classpath (" + path + ")");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
