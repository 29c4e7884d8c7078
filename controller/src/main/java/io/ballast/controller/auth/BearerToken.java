package io.ballast.controller.auth;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token as a client sends it: {@code bt_<id>_<secret>}. The id (8 lowercase hex characters) names the
 * configured entry so that a request costs one hash, not one per entry; it is not secret. The secret is 32
 * random bytes, base64url without padding. {@link #toString()} leaves the secret out, so a token in a log
 * line by mistake reveals nothing.
 */
public record BearerToken(String id, String secret) {

  static final Pattern ID = Pattern.compile("[0-9a-f]{8}");
  private static final Pattern FORMAT = Pattern.compile("bt_([0-9a-f]{8})_([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();

  public BearerToken {
    if (!FORMAT.matcher("bt_" + id + "_" + secret).matches()) {
      throw new IllegalArgumentException("not a Ballast token (bt_<8 hex>_<43 base64url>)");
    }
  }

  public static BearerToken generate() {
    byte[] id = new byte[4];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    return new BearerToken(HexFormat.of().formatHex(id), Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
  }

  /** The token, or empty when {@code value} does not have the token format. */
  public static Optional<BearerToken> parse(String value) {
    Matcher m = FORMAT.matcher(value);
    return m.matches() ? Optional.of(new BearerToken(m.group(1), m.group(2))) : Optional.empty();
  }

  /** The token as sent in {@code Authorization: Bearer ...}: the one place the secret is spelled out. */
  public String value() {
    return "bt_" + id + "_" + secret;
  }

  @Override
  public String toString() {
    return "bt_" + id + "_…";
  }
}
