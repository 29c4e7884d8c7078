package io.ballast.controller.it;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** The environment that puts a node on one journal or the other, the way an operator selects it. */
final class Journals {

  private Journals() {}

  /**
   * For {@code cassandra}: a running server, and a keyspace of the test's own (created at start), so that runs
   * never see each other's services.
   */
  static Map<String, String> environment(String journal, String test) throws Exception {
    Map<String, String> env = new HashMap<>();
    if (journal.equals("cassandra")) {
      CassandraServer.ensureRunning();
      env.put("BALLAST_JOURNAL", "cassandra");
      env.put("BALLAST_CASSANDRA_CREATE_SCHEMA", "on");
      env.put("BALLAST_CASSANDRA_KEYSPACE",
          ("it_" + test + "_" + Long.toString(System.currentTimeMillis(), 36)).toLowerCase(Locale.ROOT));
    }
    return env;
  }
}
