package io.ballast.controller.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a token may do. Viewers read, operators also change what the controller does, admins do everything;
 * ingest only posts metrics, so that the credential spread to every metrics shipper cannot read or steer.
 */
public enum Role {
  VIEWER, OPERATOR, ADMIN, INGEST;

  /** "viewer, operator, admin, ingest": for error messages. */
  public static final String NAMES = Arrays.stream(values()).map(Role::configName).collect(Collectors.joining(", "));

  /** The name in configuration and messages: lowercase. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> fromConfigName(String name) {
    return Arrays.stream(values()).filter(r -> r.configName().equals(name)).findFirst();
  }

  /** Whether a holder of this role may do what needs {@code required}. */
  public boolean allows(Role required) {
    return switch (this) {
      case ADMIN -> true;
      case OPERATOR -> required == OPERATOR || required == VIEWER;
      case VIEWER -> required == VIEWER;
      case INGEST -> required == INGEST;
    };
  }
}
