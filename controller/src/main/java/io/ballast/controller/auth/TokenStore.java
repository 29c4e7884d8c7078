package io.ballast.controller.auth;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tokens a node accepts: those of {@code ballast.auth.tokens} and those of the tokens file.
 *
 * <p>The file is how tokens are revoked without a restart: {@link #authenticate} looks at its modification
 * time and size at most once per {@code reload-interval} (on the calling thread, before it answers, so the
 * first request after an edit already sees it; no thread of its own to stop) and re-reads it when either
 * changed. A file that no longer reads or validates, or has gone, leaves the tokens as they were and is
 * logged as an error; to revoke everything, empty its list.
 *
 * <p>Messages and logs name tokens by their id and name only, never the token or its hash.
 */
public final class TokenStore {

  private static final Logger log = LoggerFactory.getLogger(TokenStore.class);
  /** Compared against when a token's id is unknown or it is malformed, so that such a request costs the same. */
  private static final TokenHash DECOY = TokenHash.parse(TokenHash.create(BearerToken.generate().value()));
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final List<TokenEntry> inline;
  private final Path file;
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final AtomicBoolean checking = new AtomicBoolean();
  private final LongAdder comparisons = new LongAdder();
  private volatile Tokens current;
  private volatile Stamp rejected;
  private volatile String lastReloadProblem;
  private volatile long nextCheck;

  /** What the store accepts, and the state of the file it was read from. */
  private record Tokens(Map<String, TokenEntry> byId, Stamp stamp) {}

  private record Stamp(FileTime modified, long size) {}

  /** What {@link #bootstrap} left in the data directory; the token files may be gone if someone removed them. */
  public record Bootstrap(Path tokensFile, Path adminToken, Path ingestToken, boolean created) {}

  TokenStore(AuthSettings settings, LongSupplier nanoTime) {
    this.inline = settings.tokens();
    this.file = settings.tokensFile();
    this.intervalNanos = settings.reloadInterval().toNanos();
    this.nanoTime = nanoTime;
    Stamp stamp = null;
    if (file != null) {
      try {
        stamp = stamp(file);
      } catch (IOException e) {
        throw new IllegalArgumentException("ballast.auth.tokens-file: cannot read " + file + ": " + describe(e), e);
      }
    }
    this.current = new Tokens(load(), stamp);
    this.nextCheck = nanoTime.getAsLong() + intervalNanos;
  }

  /** The store of {@code settings}; a problem with a token or the file is an IllegalArgumentException naming it. */
  public static TokenStore create(AuthSettings settings) {
    return new TokenStore(settings, System::nanoTime);
  }

  /**
   * The store of a node: that of {@code settings}, or, when they configure no token at all, the one that
   * {@link #bootstrap} keeps in {@code dataDir} (and logs where its tokens are).
   */
  public static TokenStore open(AuthSettings settings, Path dataDir) {
    if (!settings.configuresNoTokens()) {
      return create(settings);
    }
    Bootstrap b = bootstrap(dataDir);
    if (b.created()) {
      log.warn("no tokens are configured (ballast.auth.tokens, ballast.auth.tokens-file): made an admin token in {} "
          + "and an ingest token in {}; {} holds their hashes and is the tokens file from now on", b.adminToken(),
          b.ingestToken(), b.tokensFile());
    } else {
      log.info("no tokens are configured: using the tokens file {} made on an earlier start (tokens in {} and {})",
          b.tokensFile(), b.adminToken(), b.ingestToken());
    }
    return create(settings.withTokensFile(b.tokensFile()));
  }

  /**
   * Who {@code bearerToken} belongs to, or empty when it is malformed, unknown or revoked. Every call hashes
   * once and compares in constant time, whichever of these it is.
   */
  public Optional<Principal> authenticate(String bearerToken) {
    reloadWhenDue();
    Map<String, TokenEntry> byId = current.byId();
    TokenEntry entry = BearerToken.parse(bearerToken).map(t -> byId.get(t.id())).orElse(null);
    comparisons.increment();
    if (entry == null) {
      DECOY.matches(bearerToken);
      return Optional.empty();
    }
    return entry.hash().matches(bearerToken) ? Optional.of(new Principal(entry.name(), entry.role())) : Optional.empty();
  }

  /** How many tokens are accepted now. */
  public int size() {
    return current.byId().size();
  }

  /** Hash comparisons made so far: one per {@link #authenticate}, found or not. */
  long comparisons() {
    return comparisons.sum();
  }

  /** Why the last reload of the file was refused, or empty if the last one worked (or none was needed). */
  Optional<String> lastReloadProblem() {
    return Optional.ofNullable(lastReloadProblem);
  }

  private void reloadWhenDue() {
    if (file == null) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (now - nextCheck < 0 || !checking.compareAndSet(false, true)) {
      return;
    }
    try {
      nextCheck = now + intervalNanos;
      reloadIfChanged();
    } finally {
      checking.set(false);
    }
  }

  private void reloadIfChanged() {
    Stamp stamp;
    try {
      stamp = stamp(file);
    } catch (IOException e) {
      refuse(null, "ballast.auth.tokens-file: cannot read " + file + ": " + describe(e));
      return;
    }
    if (stamp.equals(current.stamp())) {
      rejected = null;
      lastReloadProblem = null;
      return;
    }
    if (stamp.equals(rejected)) {
      return;
    }
    try {
      Map<String, TokenEntry> byId = load();
      current = new Tokens(byId, stamp);
      rejected = null;
      lastReloadProblem = null;
      log.info("re-read the tokens file {}: {} tokens accepted", file, byId.size());
    } catch (IllegalArgumentException e) {
      refuse(stamp, e.getMessage());
    }
  }

  private void refuse(Stamp stamp, String problem) {
    if (!problem.equals(lastReloadProblem)) {
      log.error("{}; keeping the {} tokens accepted before", problem, current.byId().size());
    }
    rejected = stamp;
    lastReloadProblem = problem;
  }

  /** The inline tokens and those of the file, as one map by id; throws when they do not read or ids clash. */
  private Map<String, TokenEntry> load() {
    Map<String, TokenEntry> byId = new HashMap<>();
    Map<String, Integer> inlineIndex = new HashMap<>();
    for (int i = 0; i < inline.size(); i++) {
      byId.put(inline.get(i).id(), inline.get(i));
      inlineIndex.put(inline.get(i).id(), i);
    }
    if (file == null) {
      return Map.copyOf(byId);
    }
    String prefix = "ballast.auth.tokens-file: " + file + ": ";
    List<TokenEntry> fromFile;
    try {
      fromFile = TokenEntry.readList("tokens", parse(file), "tokens");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(prefix + e.getMessage(), e);
    }
    for (int i = 0; i < fromFile.size(); i++) {
      TokenEntry entry = fromFile.get(i);
      if (byId.putIfAbsent(entry.id(), entry) != null) {
        throw new IllegalArgumentException(prefix + "tokens[" + i + "].id: '" + entry.id()
            + "' is already the id of ballast.auth.tokens[" + inlineIndex.get(entry.id()) + "]");
      }
    }
    return Map.copyOf(byId);
  }

  /** The file as HOCON; a syntax error is reported by line only, because the parser quotes what it read. */
  private static Config parse(Path file) {
    try {
      Config config = ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF)).resolve();
      if (!config.hasPath("tokens")) {
        throw new IllegalArgumentException("tokens: missing; the file must hold tokens = [ ... ]");
      }
      return config;
    } catch (ConfigException.IO e) {
      throw new IllegalArgumentException("cannot read it", e);
    } catch (ConfigException e) {
      int line = e.origin() == null ? -1 : e.origin().lineNumber();
      throw new IllegalArgumentException(line > 0 ? "line " + line + ": not valid HOCON" : "not valid HOCON");
    }
  }

  private static Stamp stamp(Path file) throws IOException {
    return new Stamp(Files.getLastModifiedTime(file), Files.size(file));
  }

  private static String describe(IOException e) {
    return e instanceof NoSuchFileException ? "no such file" : e.toString();
  }

  /**
   * The zero-configuration path for development: a node with authentication on and no token configured
   * anywhere makes an admin and an ingest token, writes them in plain text to {@code admin.token} and
   * {@code ingest.token} in {@code dataDir} (readable by their owner only) and their hashes to
   * {@code tokens.conf}, which is its tokens file from then on. Idempotent: a {@code tokens.conf} already
   * there is used as it is (it may have been edited), and token files already there are reused.
   * In production, configure tokens and leave this unused.
   */
  public static Bootstrap bootstrap(Path dataDir) {
    Path tokensFile = dataDir.resolve("tokens.conf");
    Path adminFile = dataDir.resolve("admin.token");
    Path ingestFile = dataDir.resolve("ingest.token");
    try {
      Files.createDirectories(dataDir);
      if (Files.exists(tokensFile)) {
        return new Bootstrap(tokensFile, adminFile, ingestFile, false);
      }
      BearerToken admin = tokenIn(adminFile, null);
      BearerToken ingest = tokenIn(ingestFile, admin.id());
      String conf = """
          # Made by Ballast on its first start, because no token was configured (ballast.auth.tokens,
          # ballast.auth.tokens-file). The tokens themselves are in admin.token and ingest.token next to this
          # file; move them somewhere safe. Add tokens with `ballast token create --name NAME --role ROLE`;
          # delete a line to revoke its token (a running node re-reads this file within reload-interval).
          tokens = [
            %s
            %s
          ]
          """.formatted(
          TokenEntry.hocon(admin.id(), "bootstrap-admin", Role.ADMIN, TokenHash.create(admin.value())),
          TokenEntry.hocon(ingest.id(), "bootstrap-ingest", Role.INGEST, TokenHash.create(ingest.value())));
      Path temp = dataDir.resolve("tokens.conf.tmp");
      Files.deleteIfExists(temp);
      writePrivate(temp, conf);
      Files.move(temp, tokensFile, StandardCopyOption.ATOMIC_MOVE);
      return new Bootstrap(tokensFile, adminFile, ingestFile, true);
    } catch (IOException e) {
      throw new IllegalArgumentException("ballast.persistence.data-dir: cannot keep the bootstrap tokens in " + dataDir
          + ": " + e, e);
    }
  }

  /** The token in {@code file}, made and written there if there is none; its id differs from {@code otherId}. */
  private static BearerToken tokenIn(Path file, String otherId) throws IOException {
    if (Files.exists(file)) {
      BearerToken token = BearerToken.parse(Files.readString(file, StandardCharsets.UTF_8).strip())
          .orElseThrow(() -> new IllegalArgumentException("ballast.persistence.data-dir: " + file
              + " does not hold a Ballast token; delete it to have a new one made"));
      if (token.id().equals(otherId)) {
        throw new IllegalArgumentException("ballast.persistence.data-dir: " + file
            + " holds a token with the same id as the admin token; delete it to have a new one made");
      }
      restrict(file);
      return token;
    }
    BearerToken token;
    do {
      token = BearerToken.generate();
    } while (token.id().equals(otherId));
    writePrivate(file, token.value() + "\n");
    return token;
  }

  /** Creates {@code file} readable and writable by its owner only, from the start, and writes {@code text}. */
  private static void writePrivate(Path file, String text) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static void restrict(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: its own access control applies.
    }
  }
}
