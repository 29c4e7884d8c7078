package io.ballast.controller.http;

import io.ballast.controller.auth.Role;
import java.util.List;

/**
 * Every endpoint of the API with the role it needs. Routes take their role from here, the OpenAPI document
 * lists exactly these (a test compares them), and the authorization test walks them all.
 *
 * @param role the least role allowed; {@code null}: any valid token, or anyone when {@code open}
 * @param open no token needed (the OpenAPI document itself)
 */
public record Endpoint(String method, String path, Role role, boolean open) {

  Endpoint(String method, String path, Role role) {
    this(method, path, role, false);
  }

  public static final Endpoint INGEST = new Endpoint("POST", "/v1/metrics", Role.INGEST);
  public static final Endpoint REMOTE_WRITE = new Endpoint("POST", "/api/v1/write", Role.INGEST);
  public static final Endpoint SERVICES = new Endpoint("GET", "/v1/services", Role.VIEWER);
  public static final Endpoint SERVICE = new Endpoint("GET", "/v1/services/{id}", Role.VIEWER);
  public static final Endpoint EVENTS = new Endpoint("GET", "/v1/services/{id}/events", Role.VIEWER);
  public static final Endpoint ADMISSION = new Endpoint("GET", "/v1/services/{id}/admission", Role.VIEWER);
  public static final Endpoint ADMISSION_STREAM =
      new Endpoint("GET", "/v1/services/{id}/admission/stream", Role.VIEWER);
  public static final Endpoint ALL_ADMISSION_STREAM = new Endpoint("GET", "/v1/admission/stream", Role.VIEWER);
  public static final Endpoint OVERRIDES = new Endpoint("GET", "/v1/services/{id}/overrides", Role.VIEWER);
  public static final Endpoint SET_OVERRIDE = new Endpoint("POST", "/v1/services/{id}/overrides", Role.OPERATOR);
  public static final Endpoint CANCEL_OVERRIDE =
      new Endpoint("DELETE", "/v1/services/{id}/overrides/{overrideId}", Role.OPERATOR);
  public static final Endpoint POLICY = new Endpoint("GET", "/v1/services/{id}/policy", Role.VIEWER);
  public static final Endpoint SET_POLICY = new Endpoint("PUT", "/v1/services/{id}/policy", Role.ADMIN);
  public static final Endpoint HISTORY = new Endpoint("GET", "/v1/history", Role.VIEWER);
  public static final Endpoint REPLAY = new Endpoint("GET", "/v1/services/{id}/replay", Role.VIEWER);
  public static final Endpoint WHAT_IF = new Endpoint("POST", "/v1/services/{id}/what-if", Role.VIEWER);
  public static final Endpoint METRICS = new Endpoint("GET", "/metrics", Role.VIEWER);
  public static final Endpoint WHOAMI = new Endpoint("GET", "/v1/whoami", null);
  public static final Endpoint OPENAPI = new Endpoint("GET", "/v1/openapi.json", null, true);

  public static final List<Endpoint> ALL = List.of(INGEST, REMOTE_WRITE, SERVICES, SERVICE, EVENTS, ADMISSION, ADMISSION_STREAM,
      ALL_ADMISSION_STREAM, OVERRIDES, SET_OVERRIDE, CANCEL_OVERRIDE, POLICY, SET_POLICY, HISTORY, REPLAY, WHAT_IF, METRICS, WHOAMI, OPENAPI);
}
