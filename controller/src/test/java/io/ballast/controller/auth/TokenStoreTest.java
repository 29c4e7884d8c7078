package io.ballast.controller.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TokenStoreTest {

  private static final Duration RELOAD = Duration.ofMillis(100);
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  /** A token made for a test, with its line for a tokens file. */
  record Made(BearerToken token, String hocon) {
    static Made of(String name, Role role) {
      return of(BearerToken.generate(), name, role);
    }

    static Made of(BearerToken token, String name, Role role) {
      return new Made(token, TokenEntry.hocon(token.id(), name, role, TokenHash.create(token.value())));
    }

    String value() {
      return token.value();
    }
  }

  /** Alice's id has letters, so that its uppercase spelling is a different id (a random id can be all digits). */
  private static final Made ALICE =
      Made.of(new BearerToken("a11ce0ab", BearerToken.generate().secret()), "alice", Role.OPERATOR);
  private static final Made BOB = Made.of("bob@example.com", Role.VIEWER);

  // --- roles

  static Stream<Arguments> roles() {
    return Stream.of(
        Arguments.of("admin may do what needs admin", Role.ADMIN, Role.ADMIN, true),
        Arguments.of("admin may do what needs operator", Role.ADMIN, Role.OPERATOR, true),
        Arguments.of("admin may do what needs viewer", Role.ADMIN, Role.VIEWER, true),
        Arguments.of("admin may ingest", Role.ADMIN, Role.INGEST, true),
        Arguments.of("operator may not do what needs admin", Role.OPERATOR, Role.ADMIN, false),
        Arguments.of("operator may do what needs operator", Role.OPERATOR, Role.OPERATOR, true),
        Arguments.of("operator may do what needs viewer", Role.OPERATOR, Role.VIEWER, true),
        Arguments.of("operator may not ingest", Role.OPERATOR, Role.INGEST, false),
        Arguments.of("viewer may not do what needs admin", Role.VIEWER, Role.ADMIN, false),
        Arguments.of("viewer may not do what needs operator", Role.VIEWER, Role.OPERATOR, false),
        Arguments.of("viewer may read", Role.VIEWER, Role.VIEWER, true),
        Arguments.of("viewer may not ingest", Role.VIEWER, Role.INGEST, false),
        Arguments.of("ingest may not do what needs admin", Role.INGEST, Role.ADMIN, false),
        Arguments.of("ingest may not do what needs operator", Role.INGEST, Role.OPERATOR, false),
        Arguments.of("ingest may not read", Role.INGEST, Role.VIEWER, false),
        Arguments.of("ingest may ingest", Role.INGEST, Role.INGEST, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("roles")
  void a_role_allows_what_it_covers(String description, Role holder, Role required, boolean allowed) {
    assertThat(holder.allows(required)).isEqualTo(allowed);
  }

  @Test
  void roles_are_named_in_lowercase() {
    assertThat(Role.NAMES).isEqualTo("viewer, operator, admin, ingest");
    assertThat(Role.fromConfigName("operator")).contains(Role.OPERATOR);
    assertThat(Role.fromConfigName("OPERATOR")).isEmpty();
  }

  // --- authenticate

  @Test
  void a_configured_token_authenticates_as_its_name_and_role() {
    TokenStore store = TokenStore.create(settings("tokens = [" + ALICE.hocon() + ", " + BOB.hocon() + "]"));

    assertThat(store.authenticate(ALICE.value())).contains(new Principal("alice", Role.OPERATOR));
    assertThat(store.authenticate(BOB.value())).contains(new Principal("bob@example.com", Role.VIEWER));
    assertThat(store.size()).isEqualTo(2);
  }

  @Test
  void a_token_with_a_known_id_and_another_secret_is_refused() {
    TokenStore store = TokenStore.create(settings("tokens = [" + ALICE.hocon() + "]"));
    String forged = new BearerToken(ALICE.token().id(), BearerToken.generate().secret()).value();

    assertThat(store.authenticate(forged)).isEmpty();
  }

  @Test
  void a_token_with_an_unknown_id_is_refused_after_the_same_one_hash_comparison() {
    TokenStore store = TokenStore.create(settings("tokens = [" + ALICE.hocon() + "]"));

    long before = store.comparisons();
    assertThat(store.authenticate(BOB.value())).isEmpty();
    assertThat(store.comparisons()).isEqualTo(before + 1);
    assertThat(store.authenticate(ALICE.value())).isPresent();
    assertThat(store.comparisons()).isEqualTo(before + 2);
  }

  static Stream<Arguments> malformed() {
    String good = ALICE.value();
    return Stream.of(
        Arguments.of("an empty string", ""),
        Arguments.of("a word", "hunter2"),
        Arguments.of("a token without its prefix", good.substring(3)),
        Arguments.of("a token with another prefix", "xt" + good.substring(2)),
        Arguments.of("an id in uppercase", "bt_" + ALICE.token().id().toUpperCase() + good.substring(11)),
        Arguments.of("a secret one character short", good.substring(0, good.length() - 1)),
        Arguments.of("a secret one character long", good + "A"),
        Arguments.of("a secret with padding", good.substring(0, good.length() - 1) + "="),
        Arguments.of("a token with a space in it", good.substring(0, 20) + " " + good.substring(21)),
        Arguments.of("a very long header", "bt_" + "a".repeat(10_000)));
  }

  @ParameterizedTest(name = "{0} is refused after one hash comparison")
  @MethodSource("malformed")
  void a_malformed_token_is_refused_after_one_hash_comparison(String description, String token) {
    TokenStore store = TokenStore.create(settings("tokens = [" + ALICE.hocon() + "]"));

    long before = store.comparisons();
    assertThat(store.authenticate(token)).isEmpty();
    assertThat(store.comparisons()).isEqualTo(before + 1);
  }

  // --- configuration

  static Stream<Arguments> badSettings() {
    String hash = TokenHash.create(ALICE.value());
    return Stream.of(
        Arguments.of("an unknown role",
            "tokens = [{ id = \"0a1b2c3d\", name = \"x\", role = root, hash = \"" + hash + "\" }]",
            "ballast.auth.tokens[0].role: must be one of viewer, operator, admin, ingest, was 'root'"),
        Arguments.of("a role in capitals, on the third token",
            "tokens = [" + ALICE.hocon() + ", " + BOB.hocon() + ", { id = \"0a1b2c3d\", name = \"x\", role = Admin, hash = \""
                + hash + "\" }]",
            "ballast.auth.tokens[2].role: must be one of viewer, operator, admin, ingest, was 'Admin'"),
        Arguments.of("a missing hash", "tokens = [{ id = \"0a1b2c3d\", name = \"x\", role = admin }]",
            "ballast.auth.tokens[0].hash: missing"),
        Arguments.of("a missing id", "tokens = [{ name = \"x\", role = admin, hash = \"" + hash + "\" }]",
            "ballast.auth.tokens[0].id: missing"),
        Arguments.of("a bad id", "tokens = [{ id = \"ZZZ\", name = \"x\", role = admin, hash = \"" + hash + "\" }]",
            "ballast.auth.tokens[0].id: must be 8 lowercase hex characters, was 'ZZZ'"),
        Arguments.of("a bad name", "tokens = [{ id = \"0a1b2c3d\", name = \"al ice\", role = admin, hash = \"" + hash + "\" }]",
            "ballast.auth.tokens[0].name: must be 1 to 64"),
        Arguments.of("a bad hash", "tokens = [{ id = \"0a1b2c3d\", name = \"x\", role = admin, hash = \"sha1:abc\" }]",
            "ballast.auth.tokens[0].hash: must be sha256:<salt>:<hash>"),
        Arguments.of("a token where its hash belongs",
            "tokens = [{ id = \"0a1b2c3d\", name = \"x\", role = admin, hash = \"" + ALICE.value() + "\" }]",
            "ballast.auth.tokens[0].hash: holds a token, not its hash"),
        Arguments.of("an unknown field",
            "tokens = [{ id = \"0a1b2c3d\", name = \"x\", role = admin, hash = \"" + hash + "\", secret = \"s\" }]",
            "ballast.auth.tokens[0].secret: unknown setting"),
        Arguments.of("a duplicate id", "tokens = [" + ALICE.hocon() + ", " + ALICE.hocon() + "]",
            "ballast.auth.tokens[1].id: '" + ALICE.token().id() + "' is already the id of ballast.auth.tokens[0]"),
        Arguments.of("a token that is not an object", "tokens = [\"" + hash + "\"]",
            "ballast.auth.tokens[0]: must be an object"),
        Arguments.of("tokens that are not a list", "tokens = 3", "ballast.auth.tokens: must be a list"),
        Arguments.of("a zero reload interval", "reload-interval = 0s", "ballast.auth.reload-interval: must be positive"),
        Arguments.of("a reload interval that is not a duration", "reload-interval = soon",
            "ballast.auth.reload-interval: must be a duration"),
        Arguments.of("enabled that is not a boolean", "enabled = perhaps", "ballast.auth.enabled: must be on or off"));
  }

  @ParameterizedTest(name = "{0} is refused naming the setting")
  @MethodSource("badSettings")
  void a_bad_setting_is_refused_naming_it(String description, String hocon, String expected) {
    assertThatThrownBy(() -> TokenStore.create(settings(hocon)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(ALICE.value()).doesNotContain(ALICE.token().secret()));
  }

  @Test
  void the_shipped_defaults_turn_authentication_on_with_no_tokens() {
    AuthSettings settings = AuthSettings.read(shipped(ConfigFactory.empty()));

    assertThat(settings.reloadInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.configuresNoTokens()).isTrue();
    assertThat(settings.tokensFile()).isNull();
  }

  @Test
  void a_tokens_file_that_does_not_exist_stops_the_start() {
    Path missing = dir.resolve("nope.conf");

    assertThatThrownBy(() -> TokenStore.create(settings("tokens-file = \"" + missing + "\"")))
        .hasMessageContaining("ballast.auth.tokens-file").hasMessageContaining(missing.toString());
  }

  @Test
  void a_bad_entry_in_the_tokens_file_is_named_by_file_and_position() throws IOException {
    Path file = write("tokens.conf", "tokens = [" + ALICE.hocon() + ", { id = \"0a1b2c3d\", name = \"x\", role = root, "
        + "hash = \"" + TokenHash.create(BOB.value()) + "\" }]");

    assertThatThrownBy(() -> TokenStore.create(settings("tokens-file = \"" + file + "\"")))
        .hasMessage("ballast.auth.tokens-file: " + file + ": tokens[1].role: must be one of viewer, operator, admin, "
            + "ingest, was 'root'");
  }

  @Test
  void a_tokens_file_that_is_not_hocon_is_named_by_line_without_quoting_it() throws IOException {
    Path file = write("tokens.conf", "tokens = [\n  " + ALICE.hocon() + "\n  { id = \"" + BOB.value() + "\" \" }\n]");

    assertThatThrownBy(() -> TokenStore.create(settings("tokens-file = \"" + file + "\"")))
        .hasMessageContaining("ballast.auth.tokens-file: " + file + ": line 3: not valid HOCON")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(BOB.token().secret()));
  }

  @Test
  void an_id_in_both_the_file_and_the_configuration_is_refused() throws IOException {
    Path file = write("tokens.conf", "tokens = [" + BOB.hocon() + ", " + ALICE.hocon() + "]");

    assertThatThrownBy(() -> TokenStore.create(settings("tokens = [" + ALICE.hocon() + "]\ntokens-file = \"" + file + "\"")))
        .hasMessageContaining("tokens[1].id: '" + ALICE.token().id() + "' is already the id of ballast.auth.tokens[0]");
  }

  @Test
  void tokens_of_the_configuration_and_of_the_file_are_both_accepted() throws IOException {
    Path file = write("tokens.conf", "tokens = [" + BOB.hocon() + "]");

    TokenStore store = TokenStore.create(settings("tokens = [" + ALICE.hocon() + "]\ntokens-file = \"" + file + "\""));

    assertThat(store.authenticate(ALICE.value())).isPresent();
    assertThat(store.authenticate(BOB.value())).isPresent();
  }

  // --- reload

  @Test
  void a_token_removed_from_the_file_is_refused_after_the_reload_interval() throws IOException {
    Path file = write("tokens.conf", "tokens = [" + ALICE.hocon() + ", " + BOB.hocon() + "]");
    TokenStore store = TokenStore.create(settings(fileSettings(file)));
    assertThat(store.authenticate(ALICE.value())).isPresent();

    write("tokens.conf", "tokens = [" + BOB.hocon() + "]");

    await(() -> store.authenticate(ALICE.value()).isEmpty());
    assertThat(store.authenticate(BOB.value())).isPresent();
    assertThat(store.lastReloadProblem()).isEmpty();
  }

  @Test
  void a_token_added_to_the_file_is_accepted_after_the_reload_interval() throws IOException {
    Path file = write("tokens.conf", "tokens = []");
    TokenStore store = TokenStore.create(settings(fileSettings(file)));
    assertThat(store.authenticate(ALICE.value())).isEmpty();

    write("tokens.conf", "tokens = [" + ALICE.hocon() + "]");

    await(() -> store.authenticate(ALICE.value()).isPresent());
  }

  static Stream<Arguments> breakages() {
    return Stream.of(
        Arguments.of("a file that is not HOCON", "tokens = [ { id = ", "not valid HOCON"),
        Arguments.of("a file with an unknown role",
            "tokens = [{ id = \"0a1b2c3d\", name = \"x\", role = root, hash = \"" + TokenHash.create(BOB.value()) + "\" }]",
            "tokens[0].role"),
        Arguments.of("a file with an id twice", "tokens = [" + BOB.hocon() + ", " + BOB.hocon() + "]", "tokens[1].id"),
        Arguments.of("a file without its list", "token = []", "tokens: missing"),
        Arguments.of("a file that has gone", null, "no such file"));
  }

  @ParameterizedTest(name = "{0} keeps the tokens accepted before")
  @MethodSource("breakages")
  void a_file_that_breaks_keeps_the_tokens_accepted_before(String description, String broken, String problem)
      throws IOException {
    Path file = write("tokens.conf", "tokens = [" + ALICE.hocon() + "]");
    TokenStore store = TokenStore.create(settings(fileSettings(file)));

    if (broken == null) {
      Files.delete(file);
    } else {
      write("tokens.conf", broken);
    }

    await(() -> store.authenticate(ALICE.value()).isPresent() && store.lastReloadProblem().isPresent());
    assertThat(store.lastReloadProblem().get())
        .startsWith("ballast.auth.tokens-file")
        .contains(file.toString())
        .contains(problem)
        .doesNotContain(BOB.token().secret());
    assertThat(store.authenticate(ALICE.value())).contains(new Principal("alice", Role.OPERATOR));

    write("tokens.conf", "tokens = [" + BOB.hocon() + "]");
    await(() -> store.authenticate(BOB.value()).isPresent());
    assertThat(store.authenticate(ALICE.value())).isEmpty();
    assertThat(store.lastReloadProblem()).isEmpty();
  }

  // --- bootstrap

  @Test
  void bootstrap_makes_an_admin_and_an_ingest_token_readable_by_their_owner_only() throws IOException {
    TokenStore.Bootstrap made = TokenStore.bootstrap(dir.resolve("data"));

    assertThat(made.created()).isTrue();
    for (Path file : List.of(made.adminToken(), made.ingestToken(), made.tokensFile())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
          .isEqualTo("rw-------");
    }
    TokenStore store = TokenStore.create(settings(fileSettings(made.tokensFile())));
    assertThat(store.authenticate(read(made.adminToken()))).contains(new Principal("bootstrap-admin", Role.ADMIN));
    assertThat(store.authenticate(read(made.ingestToken()))).contains(new Principal("bootstrap-ingest", Role.INGEST));
    assertThat(Files.readString(made.tokensFile())).doesNotContain(read(made.adminToken()));
  }

  @Test
  void bootstrap_is_idempotent_across_restarts() throws IOException {
    Path data = dir.resolve("data");
    TokenStore.Bootstrap first = TokenStore.bootstrap(data);
    String admin = read(first.adminToken());
    String ingest = read(first.ingestToken());
    String conf = Files.readString(first.tokensFile());

    TokenStore.Bootstrap again = TokenStore.bootstrap(data);

    assertThat(again.created()).isFalse();
    assertThat(again.tokensFile()).isEqualTo(first.tokensFile());
    assertThat(read(again.adminToken())).isEqualTo(admin);
    assertThat(read(again.ingestToken())).isEqualTo(ingest);
    assertThat(Files.readString(again.tokensFile())).isEqualTo(conf);
  }

  @Test
  void bootstrap_reuses_the_token_files_when_the_tokens_file_is_gone() throws IOException {
    Path data = dir.resolve("data");
    TokenStore.Bootstrap first = TokenStore.bootstrap(data);
    String admin = read(first.adminToken());
    Files.delete(first.tokensFile());

    TokenStore.Bootstrap again = TokenStore.bootstrap(data);

    assertThat(again.created()).isTrue();
    assertThat(read(again.adminToken())).isEqualTo(admin);
    assertThat(TokenStore.create(settings(fileSettings(again.tokensFile()))).authenticate(admin)).isPresent();
  }

  @Test
  void a_node_without_tokens_opens_the_bootstrap_store_and_honours_edits_to_it() throws IOException {
    Path data = dir.resolve("data");
    AuthSettings none = settings("reload-interval = 100ms");

    TokenStore store = TokenStore.open(none, data);
    String admin = read(data.resolve("admin.token"));
    String ingest = read(data.resolve("ingest.token"));
    assertThat(store.authenticate(admin)).contains(new Principal("bootstrap-admin", Role.ADMIN));

    String conf = Files.readString(data.resolve("tokens.conf"));
    Files.writeString(data.resolve("tokens.conf"),
        conf.lines().filter(l -> !l.contains("bootstrap-ingest")).reduce("", (a, b) -> a + b + "\n"));
    await(() -> store.authenticate(ingest).isEmpty());

    TokenStore restarted = TokenStore.open(none, data);
    assertThat(restarted.authenticate(admin)).isPresent();
    assertThat(restarted.authenticate(ingest)).isEmpty();
  }

  @Test
  void a_node_with_tokens_leaves_the_data_directory_alone() {
    Path data = dir.resolve("data");

    TokenStore.open(settings("tokens = [" + ALICE.hocon() + "]"), data);

    assertThat(data).doesNotExist();
  }

  // --- helpers

  private static Config shipped(Config over) {
    return over.atPath("ballast.auth").withFallback(ConfigFactory.parseResources("auth.conf")).resolve()
        .getConfig("ballast.auth");
  }

  private static AuthSettings settings(String hocon) {
    return AuthSettings.read(shipped(ConfigFactory.parseString(hocon)));
  }

  private static String fileSettings(Path file) {
    return "tokens-file = \"" + file + "\"\nreload-interval = " + RELOAD.toMillis() + "ms";
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Path temp = dir.resolve(name + ".tmp");
    Files.writeString(temp, text);
    Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file).strip();
  }

  /** Polls {@code condition} until it holds, failing after {@link #WAIT}. */
  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + WAIT);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
