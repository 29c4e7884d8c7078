package io.ballast.controller.simulation;

/**
 * A simulation input a user can fix: a bad option, a malformed trace, an empty window. The message names
 * what is wrong (and, for a trace, the file and line), so the command line can print it as it is.
 */
public final class InvalidInputException extends IllegalArgumentException {

  public InvalidInputException(String message) {
    super(message);
  }
}
