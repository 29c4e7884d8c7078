package io.ballast.controller.cli.admin;

/**
 * What the operator gave cannot be used, found before anything was sent: an unreadable file, a malformed
 * setting. The command exits with 2, like a usage error, because nothing reached the controller.
 */
public final class InputException extends Exception {

  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
