package io.ballast.controller.cli.admin;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain-text columns aligned with spaces: no colours or borders, so output reads the same in a terminal, a
 * log and a pipe to {@code grep} or {@code awk}. A missing cell shows as {@code -}; the last column is not
 * padded, so no line ends in spaces.
 */
final class Table {

  private static final String GAP = "  ";

  private final List<String> headers;
  private final List<String[]> rows = new ArrayList<>();

  /** With no headers, the table has no header line (key-value sections). */
  Table(String... headers) {
    this.headers = List.of(headers);
  }

  Table row(Object... cells) {
    String[] row = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      row[i] = cells[i] == null || cells[i].toString().isEmpty() ? "-" : cells[i].toString();
    }
    rows.add(row);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void print(PrintWriter out) {
    List<String[]> lines = new ArrayList<>();
    if (!headers.isEmpty()) {
      lines.add(headers.toArray(String[]::new));
    }
    lines.addAll(rows);
    int columns = lines.stream().mapToInt(l -> l.length).max().orElse(0);
    int[] widths = new int[columns];
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    for (String[] line : lines) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < line.length; i++) {
        if (i > 0) {
          text.append(GAP);
        }
        text.append(line[i]);
        if (i < line.length - 1) {
          text.append(" ".repeat(widths[i] - line[i].length()));
        }
      }
      out.println(text.toString().stripTrailing());
    }
  }
}
