package io.ballast.controller.auth;

import java.util.Objects;

/** Who made a request, as far as a token tells: the token's name and its role. */
public record Principal(String name, Role role) {

  public Principal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
  }
}
