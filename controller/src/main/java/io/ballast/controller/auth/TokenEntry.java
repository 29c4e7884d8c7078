package io.ballast.controller.auth;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One configured token: its public {@code id} (the middle of {@code bt_<id>_<secret>}), the {@code name} of
 * whom it was given to, its {@code role}, and the {@link TokenHash} of the whole token. Never the token.
 */
public record TokenEntry(String id, String name, Role role, TokenHash hash) {

  /** Names: 1 to 64 letters, digits, '.', '_', '@' or '-', so that they are safe in messages and logs. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  private static final Set<String> KEYS = Set.of("id", "name", "role", "hash");

  public TokenEntry {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(hash, "hash");
    if (id == null || !BearerToken.ID.matcher(id).matches()) {
      throw new IllegalArgumentException("id must be 8 lowercase hex characters, was '" + id + "'");
    }
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name must be 1 to 64 letters, digits, '.', '_', '@' or '-', was '" + name + "'");
    }
  }

  /** The HOCON line to add to a tokens file for a token with this id, name and role. */
  public static String hocon(String id, String name, Role role, String storedHash) {
    return "{ id = \"" + id + "\", name = \"" + name + "\", role = " + role.configName() + ", hash = \"" + storedHash
        + "\" }";
  }

  /**
   * Reads the list at {@code key} of {@code config}; {@code path} is how messages name that list (for
   * example {@code ballast.auth.tokens}), so that each problem names the element and field at fault. Ids must
   * be unique within the list.
   */
  static List<TokenEntry> readList(String path, Config config, String key) {
    if (!config.hasPath(key)) {
      return List.of();
    }
    List<? extends ConfigValue> values;
    try {
      values = config.getList(key);
    } catch (ConfigException.WrongType e) {
      throw new IllegalArgumentException(path + ": must be a list of { id, name, role, hash }");
    }
    List<TokenEntry> entries = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < values.size(); i++) {
      String at = path + "[" + i + "]";
      if (values.get(i).valueType() != ConfigValueType.OBJECT) {
        throw new IllegalArgumentException(at + ": must be an object { id, name, role, hash }");
      }
      TokenEntry entry = read(at, ((ConfigObject) values.get(i)).toConfig());
      Integer before = seen.putIfAbsent(entry.id(), i);
      if (before != null) {
        throw new IllegalArgumentException(at + ".id: '" + entry.id() + "' is already the id of " + path + "["
            + before + "]");
      }
      entries.add(entry);
    }
    return List.copyOf(entries);
  }

  private static TokenEntry read(String at, Config c) {
    for (String key : c.root().keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(at + "." + key + ": unknown setting; known settings are "
            + new TreeSet<>(KEYS));
      }
    }
    String id = string(at, c, "id");
    if (!BearerToken.ID.matcher(id).matches()) {
      throw new IllegalArgumentException(at + ".id: must be 8 lowercase hex characters, was '" + id + "'");
    }
    String name = string(at, c, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(at + ".name: must be 1 to 64 letters, digits, '.', '_', '@' or '-', was '"
          + name + "'");
    }
    String role = string(at, c, "role");
    Role parsed = Role.fromConfigName(role).orElseThrow(() -> new IllegalArgumentException(
        at + ".role: must be one of " + Role.NAMES + ", was '" + role + "'"));
    TokenHash hash;
    try {
      hash = TokenHash.parse(string(at, c, "hash"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ".hash: " + e.getMessage());
    }
    return new TokenEntry(id, name, parsed, hash);
  }

  private static String string(String at, Config c, String key) {
    if (!c.hasPath(key)) {
      throw new IllegalArgumentException(at + "." + key + ": missing; every token needs id, name, role and hash");
    }
    ConfigValue value = c.getValue(key);
    if (value.valueType() != ConfigValueType.STRING) {
      throw new IllegalArgumentException(at + "." + key + ": must be a string");
    }
    return c.getString(key);
  }
}
