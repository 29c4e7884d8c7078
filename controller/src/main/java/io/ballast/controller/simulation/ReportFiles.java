package io.ballast.controller.simulation;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's output: {@code report.csv} (one row per policy, {@link PolicyReport#COLUMNS}),
 * {@code series-POLICY.csv} (one row per simulated second) and the aligned table printed by the command.
 * Every number goes through {@link Decimals}, and lines end in '\n', so equal inputs give byte-identical files on
 * any machine and locale.
 */
public final class ReportFiles {

  public static final String REPORT = "report.csv";
  public static final List<String> SERIES_COLUMNS = List.of("t", "supply", "demand", "offered", "shed", "served",
      "p99_ms", "demand_high", "dropped", "billed", "desired");

  private ReportFiles() {}

  public static Path seriesFile(Path dir, String policy) {
    return dir.resolve("series-" + policy + ".csv");
  }

  public static void writeReport(Path dir, List<PolicyReport> reports) throws IOException {
    try (Writer w = Files.newBufferedWriter(dir.resolve(REPORT), StandardCharsets.UTF_8)) {
      w.write(String.join(",", PolicyReport.COLUMNS));
      w.write('\n');
      for (PolicyReport r : reports) {
        w.write(String.join(",", r.cells()));
        w.write('\n');
      }
    }
  }

  /**
   * t is the trace time of the second (so skipped gaps show as jumps); supply, served and dropped have 3
   * decimals, p99 one (empty when nothing was served).
   */
  public static void writeSeries(Path dir, Workload workload, Run run) throws IOException {
    try (BufferedWriter w = new BufferedWriter(
        Files.newBufferedWriter(seriesFile(dir, run.name()), StandardCharsets.UTF_8), 1 << 16)) {
      w.write(String.join(",", SERIES_COLUMNS));
      w.write('\n');
      StringBuilder row = new StringBuilder(96);
      for (int t = 0; t < workload.length(); t++) {
        row.setLength(0);
        row.append(workload.traceSecond(t)).append(',');
        Decimals.append(row, run.supply()[t], 3).append(',');
        row.append(workload.demand(t)).append(',');
        row.append(workload.arrivals(t)).append(',');
        row.append(run.shed()[t]).append(',');
        Decimals.append(row, run.served()[t], 3).append(',');
        Decimals.append(row, run.p99Ms()[t], 1).append(',');
        row.append(workload.demandHigh(t)).append(',');
        Decimals.append(row, run.dropped()[t], 3).append(',');
        row.append(run.billed()[t]).append(',');
        row.append(run.desired()[t]).append('\n');
        w.append(row);
      }
    }
  }

  /** The report as a table with aligned columns: names left, numbers right, undefined values as "-". */
  public static String table(List<PolicyReport> reports) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(PolicyReport.COLUMNS);
    for (PolicyReport r : reports) {
      rows.add(r.cells().stream().map(c -> c.isEmpty() ? "-" : c).toList());
    }
    int[] width = new int[PolicyReport.COLUMNS.size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        String pad = " ".repeat(width[i] - cell.length());
        out.append(i == 0 ? cell + pad : pad + cell);
        out.append(i == row.size() - 1 ? "\n" : "  ");
      }
    }
    return out.toString();
  }
}
