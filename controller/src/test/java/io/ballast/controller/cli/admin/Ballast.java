package io.ballast.controller.cli.admin;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The operator commands mounted as {@code bin/ballast} mounts them, run with captured output. */
final class Ballast {

  @Command(name = "ballast", subcommands = {ServicesCommand.class, ServiceCommand.class, OverridesCommand.class,
      PolicyCommand.class, HistoryCommand.class})
  static final class Root {}

  /** What one run printed and returned. */
  record Run(int exit, String out, String err) {}

  private Ballast() {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Root());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }
}
