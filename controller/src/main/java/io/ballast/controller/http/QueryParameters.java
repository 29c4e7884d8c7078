package io.ballast.controller.http;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Query parameters checked the same way on every read endpoint: a rejected one is answered with 400 naming the
 * parameter and what was wrong with it, before anything is read.
 */
final class QueryParameters {

  /** Events per page of the history endpoints, when {@code limit} is not given, and at most. */
  static final int DEFAULT_PAGE = 100;
  static final int MAX_PAGE = 1000;

  private QueryParameters() {}

  /** A parameter that cannot be taken; {@link #response()} is the 400 to answer with. */
  static final class Invalid extends Exception {
    final ApiError error;

    Invalid(String parameter, String detail) {
      super(detail, null, false, false);
      this.error = new ApiError("invalid_parameter", parameter, detail);
    }

    HttpResponse response() {
      return Json.error(StatusCodes.BAD_REQUEST, error);
    }
  }

  /** Refuses any parameter not in {@code names}. */
  static void known(Map<String, String> params, Set<String> names) throws Invalid {
    for (String name : params.keySet()) {
      if (!names.contains(name)) {
        throw new Invalid(name, "is not a parameter of this endpoint; it takes " + new TreeSet<>(names));
      }
    }
  }

  /** The parameter as an ISO-8601 instant, or {@code null} when it is absent. */
  static Instant instant(Map<String, String> params, String name) throws Invalid {
    String text = params.get(name);
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new Invalid(name, "must be an ISO-8601 timestamp such as 2026-11-25T10:00:00Z, was '" + text + "'");
    }
  }

  /** A page size within [1, {@link #MAX_PAGE}]; {@link #DEFAULT_PAGE} when absent. */
  static int limit(String text) throws Invalid {
    if (text == null) {
      return DEFAULT_PAGE;
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= MAX_PAGE) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new Invalid("limit", "must be an integer within [1, " + MAX_PAGE + "], was '" + text + "'");
  }
}
