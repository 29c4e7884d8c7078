package io.ballast.controller.shedding;

/**
 * A runtime API exchange with HAProxy failed: it could not be reached, did not answer in time, or answered
 * with an error. The message names the address, the command and HAProxy's own answer, so an operator can
 * repeat the command by hand (for example with {@code socat}) and see the same thing.
 */
public final class HaproxyException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String address;
  private final String command;
  private final String answer;

  HaproxyException(String address, String command, String answer) {
    super("HAProxy at " + address + " refused '" + command + "': " + oneLine(answer));
    this.address = address;
    this.command = command;
    this.answer = answer;
  }

  HaproxyException(String address, String command, String problem, Throwable cause) {
    super("HAProxy at " + address + " failed '" + command + "': " + problem, cause);
    this.address = address;
    this.command = command;
    this.answer = null;
  }

  /** The runtime API address the command went to. */
  public String address() {
    return address;
  }

  /** The command (or ';'-separated commands) that failed. */
  public String command() {
    return command;
  }

  /** HAProxy's answer when it answered with an error; null when the failure was in getting an answer at all. */
  public String answer() {
    return answer;
  }

  private static String oneLine(String answer) {
    String text = answer.strip().replaceAll("\\s*\\n\\s*", " | ");
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }
}
