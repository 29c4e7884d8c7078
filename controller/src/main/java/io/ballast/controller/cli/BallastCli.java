package io.ballast.controller.cli;

import io.ballast.controller.Node;
import io.ballast.controller.cli.admin.HistoryCommand;
import io.ballast.controller.cli.admin.ReplayCommand;
import io.ballast.controller.demo.DemoCommand;
import io.ballast.controller.cli.admin.WhatIfCommand;
import io.ballast.controller.cli.admin.OverridesCommand;
import io.ballast.controller.cli.admin.PolicyCommand;
import io.ballast.controller.cli.admin.ServiceCommand;
import io.ballast.controller.cli.admin.ServicesCommand;
import io.ballast.controller.Settings;
import io.ballast.controller.simulation.SimulateCommand;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code bin/ballast} command line. */
@Command(
    name = "ballast",
    mixinStandardHelpOptions = true,
    version = "ballast 0.1.0",
    description = "Event-sourced autoscaling and load-shedding controller.",
    subcommands = {BallastCli.Run.class, DemoCommand.class, SimulateCommand.class, CassandraSchemaCommand.class,
        ServicesCommand.class, ServiceCommand.class, OverridesCommand.class, PolicyCommand.class,
        HistoryCommand.class, ReplayCommand.class, WhatIfCommand.class, TokenCommand.class, CommandLine.HelpCommand.class})
public final class BallastCli {

  public static void main(String[] args) {
    System.exit(new CommandLine(new BallastCli()).execute(args));
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = {"Start a controller node and keep it running until Ctrl-C or SIGTERM.",
          "Listens on BALLAST_HTTP_HOST:BALLAST_HTTP_PORT (default 127.0.0.1:8080) and keeps the embedded "
              + "journal under BALLAST_DATA_DIR (default ./data)."})
  static final class Run implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:BALLAST_CONFIG}",
        description = "A HOCON file layered over the defaults (default: $BALLAST_CONFIG).")
    Path config;

    @Override
    public Integer call() throws Exception {
      Node.Running node;
      try {
        node = Node.start(Node.configuration(Optional.ofNullable(config)));
      } catch (Settings.InvalidSettingsException e) {
        System.err.println("ballast: invalid configuration: " + e.getMessage());
        return 2;
      }
      // The JVM's shutdown hook (Ctrl-C, SIGTERM) runs Pekko's coordinated shutdown: unbind, drain, stop.
      node.system().getWhenTerminated().toCompletableFuture().join();
      return 0;
    }
  }
}
