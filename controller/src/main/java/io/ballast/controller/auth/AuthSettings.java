package io.ballast.controller.auth;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code ballast.auth}: whether requests need a token, the tokens given inline, the tokens file (re-read when
 * it changes, so that a token is revoked without a restart) and how often to look at it.
 */
public record AuthSettings(boolean enabled, List<TokenEntry> tokens, Path tokensFile, Duration reloadInterval) {

  public AuthSettings {
    tokens = List.copyOf(tokens);
    Objects.requireNonNull(reloadInterval, "reloadInterval");
    if (reloadInterval.isNegative() || reloadInterval.isZero()) {
      throw new IllegalArgumentException("ballast.auth.reload-interval: must be positive, was " + reloadInterval);
    }
  }

  /** No authentication: every request acts as an anonymous admin. For tests and trusted networks only. */
  public static AuthSettings disabled() {
    return new AuthSettings(false, List.of(), null, Duration.ofSeconds(2));
  }

  /** Neither inline tokens nor a tokens file: the node bootstraps its own (see {@link TokenStore#bootstrap}). */
  public boolean configuresNoTokens() {
    return tokens.isEmpty() && tokensFile == null;
  }

  public AuthSettings withTokensFile(Path file) {
    return new AuthSettings(enabled, tokens, file, reloadInterval);
  }

  /** Reads the {@code ballast.auth} block; a problem names the setting in full. */
  public static AuthSettings read(Config auth) {
    boolean enabled = setting("enabled", "on or off", () -> auth.getBoolean("enabled"));
    String file = auth.hasPath("tokens-file")
        ? setting("tokens-file", "a file name", () -> auth.getString("tokens-file")).strip() : "";
    Duration interval = setting("reload-interval", "a duration such as 2s", () -> auth.getDuration("reload-interval"));
    return new AuthSettings(enabled, TokenEntry.readList("ballast.auth.tokens", auth, "tokens"),
        file.isEmpty() ? null : Path.of(file).toAbsolutePath(), interval);
  }

  private static <T> T setting(String key, String expected, Supplier<T> read) {
    try {
      return read.get();
    } catch (ConfigException.Missing e) {
      throw new IllegalArgumentException("ballast.auth." + key + ": missing; must be " + expected, e);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("ballast.auth." + key + ": must be " + expected, e);
    }
  }
}
