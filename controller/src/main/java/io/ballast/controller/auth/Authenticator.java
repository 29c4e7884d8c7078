package io.ballast.controller.auth;

import io.ballast.controller.http.ApiError;
import io.ballast.controller.http.Endpoint;
import io.ballast.controller.http.Guard;
import io.ballast.controller.http.Json;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call a route: {@code authorize(Role.OPERATOR, principal -> ...)} lets a request through with a
 * bearer token whose role allows {@code OPERATOR}, and answers 401 (no or unknown token) or 403 (a known
 * token with too small a role) in the API's JSON error shape. The token is never repeated in an answer or
 * a log line.
 */
public final class Authenticator extends AllDirectives implements Guard {

  /** Who every request is when authentication is off. */
  public static final Principal ANONYMOUS = new Principal("anonymous", Role.ADMIN);

  private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
  private static final WWWAuthenticate CHALLENGE = WWWAuthenticate.create(HttpChallenge.create("Bearer", "ballast"));
  private static final String BEARER = "bearer ";

  private final boolean enabled;
  private final TokenStore store;

  /** {@code store} may be null when {@code settings} turn authentication off. */
  public Authenticator(AuthSettings settings, TokenStore store) {
    if (settings.enabled() && store == null) {
      throw new IllegalArgumentException("authentication is on (ballast.auth.enabled) but there is no token store");
    }
    this.enabled = settings.enabled();
    this.store = store;
  }

  /**
   * Runs {@code inner} for a request whose token allows {@code required} ({@code null}: any valid token); answers
   * 401 or 403 otherwise.
   */
  public Route authorize(Role required, Function<Principal, Route> inner) {
    if (!enabled) {
      return inner.apply(ANONYMOUS);
    }
    return optionalHeaderValueByName("Authorization", header -> {
      if (header.isEmpty()) {
        return complete(unauthorized("missing: send Authorization: Bearer <token>"));
      }
      Optional<String> token = bearer(header.get());
      if (token.isEmpty()) {
        return complete(unauthorized("not a bearer token: send Authorization: Bearer <token>"));
      }
      Optional<Principal> principal = store.authenticate(token.get());
      if (principal.isEmpty()) {
        return complete(unauthorized("unknown or revoked token"));
      }
      Principal p = principal.get();
      if (required != null && !p.role().allows(required)) {
        log.debug("refused '{}' (role {}) on a route that needs role {}", p.name(), p.role().configName(),
            required.configName());
        return complete(Json.error(StatusCodes.FORBIDDEN, new ApiError("forbidden", null, "this needs role "
            + required.configName() + "; the token of '" + p.name() + "' has role " + p.role().configName())));
      }
      return inner.apply(p);
    });
  }

  @Override
  public Route allow(Endpoint endpoint, Function<Principal, Route> inner) {
    return endpoint.open() ? inner.apply(ANONYMOUS) : authorize(endpoint.role(), inner);
  }

  private static Optional<String> bearer(String header) {
    if (header.length() <= BEARER.length()
        || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return Optional.empty();
    }
    String token = header.substring(BEARER.length()).strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  private static HttpResponse unauthorized(String why) {
    return Json.error(StatusCodes.UNAUTHORIZED, new ApiError("unauthorized", "Authorization", why)).addHeader(CHALLENGE);
  }
}
