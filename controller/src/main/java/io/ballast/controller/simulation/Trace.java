package io.ballast.controller.simulation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A request-rate trace in the format of {@code shared/traces}: CSV {@code t_seconds,requests_per_second,count},
 * one row per interval, in time order. The interval length is the smallest step between consecutive rows
 * (1, 60 or 3600 s in the shared files; 1 s for a single-row file); a larger step is a gap in the data, not
 * zero load. {@code count} is the truth; {@code requests_per_second} is derived and only checked to be a number.
 */
public final class Trace {

  public static final String HEADER = "t_seconds,requests_per_second,count";

  private final String name;
  private final long[] starts;
  private final long[] counts;
  private final long intervalSeconds;

  private Trace(String name, long[] starts, long[] counts, long intervalSeconds) {
    this.name = name;
    this.starts = starts;
    this.counts = counts;
    this.intervalSeconds = intervalSeconds;
  }

  /** @throws InvalidInputException when the file is missing or malformed, naming the line */
  public static Trace read(Path file) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(file.toString(), in);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("trace file " + file + " does not exist");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trace " + file + ": " + e.getMessage(), e);
    }
  }

  public static Trace parse(String name, BufferedReader in) throws IOException {
    String header = in.readLine();
    if (header == null) {
      throw new InvalidInputException(name + ":1: empty file; expected the header '" + HEADER + "'");
    }
    header = header.replace("\uFEFF", "").strip();
    if (!header.equals(HEADER)) {
      throw new InvalidInputException(name + ":1: header must be '" + HEADER + "', was '" + header + "'");
    }
    long[] starts = new long[1024];
    long[] counts = new long[1024];
    int rows = 0;
    int lineNumber = 1;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.split(",", -1);
      if (fields.length != 3) {
        throw error(name, lineNumber, "expected 3 fields (" + HEADER + "), found " + fields.length);
      }
      long t = whole(name, lineNumber, "t_seconds", fields[0]);
      number(name, lineNumber, fields[1]);
      long count = whole(name, lineNumber, "count", fields[2]);
      if (count < 0) {
        throw error(name, lineNumber, "count must be >= 0, was " + count);
      }
      if (rows > 0 && t <= starts[rows - 1]) {
        throw error(name, lineNumber, "t_seconds " + t + " does not increase (the row before has "
            + starts[rows - 1] + ")");
      }
      if (rows == starts.length) {
        starts = Arrays.copyOf(starts, rows * 2);
        counts = Arrays.copyOf(counts, rows * 2);
      }
      starts[rows] = t;
      counts[rows] = count;
      rows++;
    }
    if (rows == 0) {
      throw new InvalidInputException(name + ": no data rows after the header");
    }
    long interval = Long.MAX_VALUE;
    for (int i = 1; i < rows; i++) {
      interval = Math.min(interval, starts[i] - starts[i - 1]);
    }
    return new Trace(name, Arrays.copyOf(starts, rows), Arrays.copyOf(counts, rows),
        rows == 1 ? 1 : interval);
  }

  private static long whole(String name, int line, String field, String text) {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw error(name, line, field + " '" + text + "' is not a whole number");
    }
  }

  private static void number(String name, int line, String text) {
    double value;
    try {
      value = Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw error(name, line, "requests_per_second '" + text + "' is not a number");
    }
    if (!Double.isFinite(value) || value < 0) {
      throw error(name, line, "requests_per_second must be a finite number >= 0, was '" + text + "'");
    }
  }

  private static InvalidInputException error(String name, int line, String message) {
    return new InvalidInputException(name + ":" + line + ": " + message);
  }

  public String name() {
    return name;
  }

  public int rows() {
    return starts.length;
  }

  public long start(int row) {
    return starts[row];
  }

  public long count(int row) {
    return counts[row];
  }

  public long intervalSeconds() {
    return intervalSeconds;
  }

  /** The first second with data. */
  public long startSeconds() {
    return starts[0];
  }

  /** The end of the last interval (exclusive). */
  public long endSeconds() {
    return starts[starts.length - 1] + intervalSeconds;
  }
}
