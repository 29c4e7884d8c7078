package io.ballast.controller.ingest;

import io.ballast.controller.http.ApiError;
import java.util.List;

/** A batch that is refused whole: nothing of it is applied. {@code tooLarge} answers 413, anything else 400. */
public final class BatchRejected extends Exception {

  private final transient List<ApiError> problems;
  private final boolean tooLarge;

  BatchRejected(List<ApiError> problems, boolean tooLarge) {
    super(problems.get(0).field() + ": " + problems.get(0).detail(), null, false, false);
    this.problems = List.copyOf(problems);
    this.tooLarge = tooLarge;
  }

  static BatchRejected of(String error, String field, String detail) {
    return new BatchRejected(List.of(new ApiError(error, field, detail)), false);
  }

  public ApiError body() {
    return ApiError.of(problems);
  }

  public boolean tooLarge() {
    return tooLarge;
  }
}
