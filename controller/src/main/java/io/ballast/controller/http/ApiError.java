package io.ballast.controller.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The body of every error answer: a machine-readable {@code error} code, the {@code field} at fault (a
 * JSON path such as {@code samples[3].requests}, a query parameter, or {@code null}), and a
 * {@code detail} a person can act on. When a request has several problems, {@code errors} lists them
 * all (the first is repeated at the top).
 */
public record ApiError(
    String error, String field, String detail, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ApiError> errors) {

  public ApiError(String error, String field, String detail) {
    this(error, field, detail, List.of());
  }

  public static ApiError of(List<ApiError> problems) {
    ApiError first = problems.get(0);
    return new ApiError(first.error(), first.field(), first.detail(), problems.size() > 1 ? problems : List.of());
  }
}
