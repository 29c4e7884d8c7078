package io.ballast.controller.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import io.ballast.persistence.journal.JournalHealth;
import java.time.Duration;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;

/** JSON answers of the HTTP API: timestamps as ISO-8601 strings, records as objects. */
public final class Json {

  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .addModule(new Jdk8Module())
      .addModule(new ParameterNamesModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
      .build();

  private Json() {}

  public static HttpResponse response(StatusCode status, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render " + body.getClass().getName() + " as JSON", e);
    }
  }

  public static HttpResponse ok(Object body) {
    return response(StatusCodes.OK, body);
  }

  public static HttpResponse error(StatusCode status, ApiError error) {
    return response(status, error);
  }

  /** 404 for a service the journal holds nothing of. */
  public static HttpResponse serviceNotFound(String id) {
    return error(StatusCodes.NOT_FOUND, new ApiError("not_found", "id", "no service '" + id + "' has recorded anything"));
  }

  /** 503 with a Retry-After: the request was not applied and may be sent again. */
  public static HttpResponse unavailable(String detail, Duration retryAfter) {
    return unavailable("unavailable", detail, retryAfter);
  }

  /** 503 with a Retry-After because the journal does not answer. */
  public static HttpResponse journalUnavailable(JournalHealth.Status status, Duration retryAfter) {
    return unavailable("journal_unavailable", "the journal has not answered since " + status.since() + ": "
        + status.detail() + "; nothing was applied, send the request again", retryAfter);
  }

  private static HttpResponse unavailable(String error, String detail, Duration retryAfter) {
    return error(StatusCodes.SERVICE_UNAVAILABLE, new ApiError(error, null, detail))
        .addHeader(RetryAfter.create(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
  }
}
