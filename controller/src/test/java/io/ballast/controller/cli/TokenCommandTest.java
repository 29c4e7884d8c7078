package io.ballast.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ballast.controller.auth.AuthSettings;
import io.ballast.controller.auth.Principal;
import io.ballast.controller.auth.Role;
import io.ballast.controller.auth.TokenStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class TokenCommandTest {

  record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new TokenCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void create_prints_the_token_and_the_entry_that_accepts_it() {
    Run run = run("create", "--name", "alice", "--role", "operator");

    assertThat(run.exit()).isZero();
    String token = run.out().strip();
    assertThat(token).matches("bt_[0-9a-f]{8}_[A-Za-z0-9_-]{43}");
    String entry = run.err().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
    assertThat(entry).contains("name = \"alice\"", "role = operator", "hash = \"sha256:").doesNotContain(token);

    var settings = AuthSettings.read(ConfigFactory.parseString("enabled = on, reload-interval = 2s, tokens = [" + entry + "]"));
    assertThat(TokenStore.create(settings).authenticate(token)).contains(new Principal("alice", Role.OPERATOR));
  }

  static Stream<Arguments> badInput() {
    return Stream.of(
        Arguments.of("an unknown role", new String[] {"create", "--name", "alice", "--role", "root"},
            "--role must be one of viewer, operator, admin, ingest, was 'root'"),
        Arguments.of("a name with a space", new String[] {"create", "--name", "al ice", "--role", "admin"},
            "--name must be 1 to 64"),
        Arguments.of("a name too long", new String[] {"create", "--name", "a".repeat(65), "--role", "admin"},
            "--name must be 1 to 64"),
        Arguments.of("no role", new String[] {"create", "--name", "alice"}, "--role"));
  }

  @ParameterizedTest(name = "{0} exits 2 and prints no token")
  @MethodSource("badInput")
  void bad_input_exits_2_and_prints_no_token(String description, String[] args, String message) {
    Run run = run(args);

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains(message);
  }
}
