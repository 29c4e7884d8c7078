package io.ballast.controller.cli;

import io.ballast.controller.auth.BearerToken;
import io.ballast.controller.auth.Role;
import io.ballast.controller.auth.TokenEntry;
import io.ballast.controller.auth.TokenHash;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bin/ballast token create}: makes an API token, offline; a node learns it from its tokens file. */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Make API tokens (see ballast.auth in config/auth.conf).",
    subcommands = {TokenCommand.Create.class})
public final class TokenCommand {

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Make a token and print it on standard output, once: it is stored nowhere, only its hash is.",
          "Standard error gets the line to add to the tokens file (ballast.auth.tokens-file), inside tokens = [ ... ]."})
  static final class Create implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--name", required = true, paramLabel = "NAME",
        description = "Whom the token is for: 1 to 64 letters, digits, '.', '_', '@' or '-'. Shown in refusals and logs.")
    String name;

    @Option(names = "--role", required = true, paramLabel = "ROLE",
        description = "viewer, operator, admin or ingest.")
    String role;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!TokenEntry.NAME.matcher(name).matches()) {
        err.println("ballast token create: --name must be 1 to 64 letters, digits, '.', '_', '@' or '-', was '"
            + name + "'");
        return 2;
      }
      Optional<Role> parsed = Role.fromConfigName(role);
      if (parsed.isEmpty()) {
        err.println("ballast token create: --role must be one of " + Role.NAMES + ", was '" + role + "'");
        return 2;
      }
      BearerToken token = BearerToken.generate();
      out.println(token.value());
      out.flush();
      err.println("# Add to the tokens file, inside tokens = [ ... ]; the token above is not stored anywhere:");
      err.println(TokenEntry.hocon(token.id(), name, parsed.get(), TokenHash.create(token.value())));
      err.flush();
      return 0;
    }
  }
}
