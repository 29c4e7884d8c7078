package io.ballast.controller.cli.admin;

/**
 * The controller answered, with an error: its HTTP status, the machine-readable {@code error} code, the
 * {@code field} at fault (or {@code null}) and the text a person can act on. The command exits with 1.
 */
public final class ApiException extends Exception {

  private final int status;
  private final String error;
  private final String field;
  private final String detail;

  public ApiException(int status, String error, String field, String detail) {
    super(status + " " + error + (detail == null || detail.isBlank() ? "" : ": " + detail)
        + (field == null ? "" : " (field: " + field + ")"));
    this.status = status;
    this.error = error;
    this.field = field;
    this.detail = detail;
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }

  public String field() {
    return field;
  }

  public String detail() {
    return detail;
  }
}
