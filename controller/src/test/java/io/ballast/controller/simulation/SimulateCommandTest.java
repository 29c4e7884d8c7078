package io.ballast.controller.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.controller.cli.BallastCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** {@code ballast simulate} as an operator runs it. */
class SimulateCommandTest {

  @TempDir
  static Path dir;
  private static Path trace;

  @BeforeAll
  static void writeTraces() throws IOException {
    trace = dir.resolve("trace.csv");
    List<String> lines = new ArrayList<>(List.of(Trace.HEADER));
    for (int t = 0; t < 600; t++) {
      int rps = t < 300 ? 10 : 30;
      lines.add(t + "," + rps + ".0000," + rps);
    }
    Files.write(trace, lines);
    Files.writeString(dir.resolve("bad-header.csv"), "time,rps,count\n0,1,1\n");
    Files.writeString(dir.resolve("not-a-number.csv"), Trace.HEADER + "\n0,1.0,1\n1,1.0,many\n");
    Files.writeString(dir.resolve("backwards.csv"), Trace.HEADER + "\n0,1.0,1\n5,1.0,1\n3,1.0,1\n");
  }

  @Test
  void aRunPrintsTheTableAndTheAmplitudeAndWritesTheFiles() throws IOException {
    Path out = dir.resolve("ok");

    Result r = simulate("--trace", trace.toString(), "--policies", "static-peak,oracle", "--boot-seconds", "30",
        "--warmup-seconds", "0", "--out", out.toString());

    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.err).isEmpty();
    assertThat(r.out.lines().findFirst()).get().asString().startsWith("policy ").contains("theta_u", "ttc_max_s");
    assertThat(r.out).contains("static-peak", "oracle", "amplitude factor ");
    assertThat(Files.readAllLines(out.resolve("report.csv"))).first().isEqualTo(
        "policy,theta_u,theta_o,tau_u,tau_o,instability,jitter,slo_violation_s,slo_violation_s_high,"
            + "goodput_high,goodput_low,shed_low,wasted_shed,instance_hours,actions,ttc_median_s,ttc_max_s");
    assertThat(Files.readAllLines(out.resolve("report.csv"))).hasSize(3);
    assertThat(out.resolve("series-static-peak.csv")).exists();
    assertThat(out.resolve("series-oracle.csv")).exists();
  }

  @Test
  void theTablesColumnsAreAligned() {
    Result r = simulate("--trace", trace.toString(), "--policies", "oracle,static-peak", "--from", "100",
        "--out", dir.resolve("aligned").toString());

    List<String> table = r.out.lines().limit(3).toList();
    assertThat(table).extracting(String::length).containsOnly(table.get(0).length());
  }

  static Stream<Arguments> badArguments() {
    return Stream.of(
        Arguments.of("an unknown policy is named", List.of("--policies", "oracle,magic"),
            "unknown policy 'magic'"),
        Arguments.of("a policy listed twice is refused", List.of("--policies", "oracle,oracle"),
            "policy 'oracle' is listed twice"),
        Arguments.of("a negative boot time is refused", List.of("--boot-seconds", "-5"),
            "--boot-seconds must be >= 0, was -5"),
        Arguments.of("a negative warm-up is refused", List.of("--warmup-seconds", "-1"),
            "--warmup-seconds must be >= 0"),
        Arguments.of("a high fraction above one is refused", List.of("--high-fraction", "1.5"),
            "--high-fraction must be within [0, 1], was 1.5"),
        Arguments.of("a negative high fraction is refused", List.of("--high-fraction", "-0.1"),
            "--high-fraction must be within [0, 1]"),
        Arguments.of("zero peak instances are refused", List.of("--peak-instances", "0"),
            "--peak-instances must be >= 1"),
        Arguments.of("more peak instances than the maximum are refused", List.of("--peak-instances", "501"),
            "peak instances must be within [1, 500]"),
        Arguments.of("a window ending before it starts is refused", List.of("--from", "300", "--to", "300"),
            "--from (300) must be less than --to (300)"),
        Arguments.of("a negative start is refused", List.of("--from", "-1"), "--from must be >= 0"),
        Arguments.of("a window without data is refused", List.of("--from", "5000", "--to", "6000"),
            "the window [5000, 6000) holds no trace data"),
        Arguments.of("a metric delay for an unknown policy is refused", List.of("--metric-delay", "oracle=3"),
            "--metric-delay: unknown live policy 'oracle'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badArguments")
  void badArgumentsGiveOneMessageAndExitTwo(String name, List<String> extra, String message) {
    List<String> args = new ArrayList<>(List.of("--trace", trace.toString(), "--out", dir.resolve("x").toString()));
    args.addAll(extra);

    Result r = simulate(args.toArray(String[]::new));

    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).startsWith("ballast simulate: ").contains(message);
    assertThat(r.err.lines()).hasSize(1);
    assertThat(r.out).isEmpty();
  }

  static Stream<Arguments> badTraces() {
    return Stream.of(
        Arguments.of("a missing trace file is named", "missing.csv", "missing.csv does not exist"),
        Arguments.of("a bad header is refused on line 1", "bad-header.csv",
            "bad-header.csv:1: header must be 't_seconds,requests_per_second,count'"),
        Arguments.of("a non-numeric field is refused with its line", "not-a-number.csv",
            "not-a-number.csv:3: count 'many' is not a whole number"),
        Arguments.of("times that do not increase are refused with the line", "backwards.csv",
            "backwards.csv:4: t_seconds 3 does not increase"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTraces")
  void aMalformedOrMissingTraceGivesOneMessageAndExitTwo(String name, String file, String message) {
    Result r = simulate("--trace", dir.resolve(file).toString(), "--out", dir.resolve("y").toString());

    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).startsWith("ballast simulate: ").contains(message);
    assertThat(r.err.lines()).hasSize(1);
  }

  @Test
  void aMissingRequiredOptionIsReportedByTheParser() {
    Result r = simulate("--trace", trace.toString());

    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).contains("Missing required option: '--out=DIR'");
  }

  @Test
  void aPolicyConfigFileIsAppliedAndCheckedBeforeAnythingRuns() throws IOException {
    Path conf = dir.resolve("bad-policies.conf");
    Files.writeString(conf, "hpa { sync-period = soon }\n");

    Result r = simulate("--trace", trace.toString(), "--policy-config", conf.toString(), "--out",
        dir.resolve("z").toString());

    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).contains("bad-policies.conf: hpa.sync-period");
    assertThat(dir.resolve("z")).doesNotExist();
  }

  private record Result(int exit, String out, String err) {}

  private static Result simulate(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new BallastCli());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    String[] full = new String[args.length + 1];
    full[0] = "simulate";
    System.arraycopy(args, 0, full, 1, args.length);
    int exit = cli.execute(full);
    return new Result(exit, out.toString(), err.toString());
  }
}
