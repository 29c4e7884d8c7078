package io.ballast.controller.cli.admin;

/**
 * No answer came from the controller: connection refused, unknown host, timeout or a failed TLS handshake.
 * Kept apart from {@link ApiException} so scripts can tell "the controller said no" (exit 1) from "nobody
 * answered" (exit 3), which calls for a retry or a different {@code --url}.
 */
public final class UnreachableException extends Exception {

  public UnreachableException(String url, String reason, Throwable cause) {
    super("cannot reach the controller at " + url + ": " + reason, cause);
  }
}
