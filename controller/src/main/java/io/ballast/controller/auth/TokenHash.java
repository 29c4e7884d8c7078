package io.ballast.controller.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A token as it is stored: {@code sha256:<salt>:<hash>} (base64url), the hash being SHA-256 of a 16-byte
 * random salt followed by the whole token in UTF-8.
 *
 * <p>A fast salted hash, not a slow password KDF, on purpose: a token is 256 random bits, so there is no
 * dictionary to slow down, and every request verifies one (ingest at thousands per second), which a KDF
 * tuned to cost 100 ms would turn into a denial of service. Comparison is constant-time.
 * {@link #toString()} does not show the hash.
 */
public final class TokenHash {

  private static final String SCHEME = "sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

  private final byte[] salt;
  private final byte[] hash;

  private TokenHash(byte[] salt, byte[] hash) {
    this.salt = salt;
    this.hash = hash;
  }

  /** The stored form of {@code token}, with a fresh salt. */
  public static String create(String token) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return SCHEME + ":" + ENCODE.encodeToString(salt) + ":" + ENCODE.encodeToString(digest(salt, token));
  }

  /**
   * Reads a stored form. The message of the exception says what is wrong without repeating the value (it is
   * a hash, and sometimes a token pasted by mistake).
   */
  public static TokenHash parse(String stored) {
    if (stored.startsWith("bt_")) {
      throw new IllegalArgumentException("holds a token, not its hash; store the hash that `ballast token create` "
          + "prints, and treat this token as leaked");
    }
    String[] parts = stored.split(":", -1);
    if (parts.length != 3 || !parts[0].equals(SCHEME)) {
      throw new IllegalArgumentException("must be sha256:<salt>:<hash> as printed by `ballast token create`");
    }
    byte[] salt = decode(parts[1], SALT_BYTES, "salt");
    byte[] hash = decode(parts[2], HASH_BYTES, "hash");
    return new TokenHash(salt, hash);
  }

  /** Whether {@code token} is the token this was made from; the time taken does not depend on where they differ. */
  public boolean matches(String token) {
    return MessageDigest.isEqual(hash, digest(salt, token));
  }

  @Override
  public String toString() {
    return "TokenHash[sha256]";
  }

  private static byte[] decode(String part, int length, String what) {
    byte[] bytes;
    try {
      bytes = DECODE.decode(part);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the " + what + " of sha256:<salt>:<hash> is not base64url");
    }
    if (bytes.length != length) {
      throw new IllegalArgumentException("the " + what + " of sha256:<salt>:<hash> must be " + length + " bytes, was "
          + bytes.length);
    }
    return bytes;
  }

  private static byte[] digest(byte[] salt, String token) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      return sha.digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
