package io.ballast.controller.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.ballast.controller.PolicyConfig;
import io.ballast.persistence.policy.PolicySettings;
import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** Reading JSON request bodies: the body itself, and a policy within one. */
final class JsonBodies extends AllDirectives {

  /** The largest body taken. */
  static final long MAX_BODY = 256 * 1024;

  private static final JsonBodies DIRECTIVES = new JsonBodies();
  private static final Pattern CHECKED_SETTING = Pattern.compile("([a-z]+): ([a-z][a-z0-9-]*(?:\\.[a-z][a-z0-9-]*)*) (?:must|is) ");

  private JsonBodies() {}

  /** The request's JSON body; anything else is refused here, naming what is wrong. */
  static Route read(Function<JsonNode, Route> inner) {
    return DIRECTIVES.body(inner);
  }

  private Route body(Function<JsonNode, Route> inner) {
    return extractRequestEntity(entity -> {
      if (!entity.getContentType().mediaType().toString().equals("application/json")) {
        return complete(Json.error(StatusCodes.UNSUPPORTED_MEDIA_TYPE, new ApiError("unsupported_media_type",
            "Content-Type", "send the body as application/json, not " + entity.getContentType())));
      }
      return extractStrictEntity(Duration.ofSeconds(10), MAX_BODY, strict -> {
        JsonNode node;
        try {
          node = Json.MAPPER.readTree(strict.getData().toArray());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          return complete(Json.error(StatusCodes.BAD_REQUEST, new ApiError("invalid_json", null,
              "the body is not JSON: " + e.getOriginalMessage())));
        } catch (java.io.IOException e) {
          return complete(Json.error(StatusCodes.BAD_REQUEST, new ApiError("invalid_json", null,
              "the body could not be read: " + e.getMessage())));
        }
        return inner.apply(node);
      });
    });
  }

  /**
   * The policy in the body's field {@code field}, in the shape of the configuration ({@code kind} and its settings),
   * the kind's defaults filling what it leaves out.
   */
  static PolicySettings policy(String field, ObjectNode policy, Config kinds) throws AdminRoutes.BadField {
    try {
      return policy(field, ConfigFactory.parseString(Json.MAPPER.writeValueAsString(policy)), kinds);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AdminRoutes.BadField(field, e.getMessage());
    }
  }

  /** As {@link #policy(String, ObjectNode, Config)}, from a config already built. */
  static PolicySettings policy(String field, Config policy, Config kinds) throws AdminRoutes.BadField {
    try {
      return PolicyConfig.parse(field, policy, kinds);
    } catch (IllegalArgumentException e) {
      String message = e.getMessage() == null ? "is not a valid policy" : e.getMessage();
      // The reader names the setting first: "policy.targets.requests-per-instance: must be > 0".
      int colon = message.indexOf(':');
      int space = message.indexOf(' ');
      int end = colon > 0 && (space < 0 || colon < space) ? colon : space > 0 ? space : message.length();
      String named = message.startsWith(field) ? message.substring(0, end) : field;
      // A setting's own check names it first: "policy: tolerance must be within [0, 1), was 2".
      Matcher setting = CHECKED_SETTING.matcher(message);
      if (named.equals(field) && setting.lookingAt() && setting.group(1).equals(field)) {
        named = field + "." + setting.group(2);
      }
      throw new AdminRoutes.BadField(named, message);
    } catch (ConfigException e) {
      throw new AdminRoutes.BadField(field, e.getMessage());
    }
  }
}
