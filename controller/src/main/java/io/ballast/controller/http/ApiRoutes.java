package io.ballast.controller.http;

import java.util.Locale;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole HTTP API: the given routes, with every rejection and failure answered as an {@link ApiError}
 * JSON body rather than Pekko's plain-text defaults.
 */
public final class ApiRoutes extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(ApiRoutes.class);

  public Route wrap(Route first, Route... more) {
    return handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> concat(first, more)));
  }

  private static RejectionHandler rejections() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(ApiRoutes::asJson);
  }

  private static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .matchAny(e -> {
          log.error("request failed", e);
          return Directives.complete(Json.error(StatusCodes.INTERNAL_SERVER_ERROR,
              new ApiError("internal_error", null, "the request failed inside Ballast; see the node's log")));
        })
        .build();
  }

  private static HttpResponse asJson(HttpResponse response) {
    if (response.entity().getContentType().mediaType().isApplication()
        && response.entity().getContentType().mediaType().subType().equals("json")) {
      return response;
    }
    String detail = response.entity() instanceof HttpEntity.Strict strict ? strict.getData().utf8String() : "";
    String code = switch (response.status().intValue()) {
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "too_large";
      case 415 -> "unsupported_media_type";
      default -> response.status().reason().toLowerCase(Locale.ROOT).replace(' ', '_');
    };
    return Json.error(response.status(), new ApiError(code, null, detail)).addHeaders(response.getHeaders());
  }
}
