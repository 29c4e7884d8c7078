package io.ballast.controller.simulation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;

/** Traces written inline for tests. */
final class SimTraces {

  private SimTraces() {}

  /** A trace from CSV rows (without the header). */
  static Trace rows(String... rows) {
    StringBuilder csv = new StringBuilder(Trace.HEADER).append('\n');
    for (String row : rows) {
      csv.append(row).append('\n');
    }
    return parse(csv.toString());
  }

  static Trace parse(String csv) {
    try {
      return Trace.parse("test.csv", new BufferedReader(new StringReader(csv)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A per-second trace holding {@code rps} requests in each of {@code seconds} seconds per level, in turn. */
  static Trace levels(int seconds, long... rps) {
    String[] rows = new String[seconds * rps.length];
    for (int level = 0; level < rps.length; level++) {
      for (int s = 0; s < seconds; s++) {
        int t = level * seconds + s;
        rows[t] = t + "," + rps[level] + ".0000," + rps[level];
      }
    }
    return rows(rows);
  }
}
