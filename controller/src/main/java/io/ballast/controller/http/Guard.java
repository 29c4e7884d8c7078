package io.ballast.controller.http;

import io.ballast.controller.auth.Principal;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.Route;

/** Lets a request through to {@code inner} when its token may call {@code endpoint}; answers 401 or 403 otherwise. */
@FunctionalInterface
public interface Guard {

  Route allow(Endpoint endpoint, Function<Principal, Route> inner);
}
