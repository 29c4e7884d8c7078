package io.ballast.controller.simulation;

import io.ballast.controller.policy.Policies;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ballast simulate}: compares autoscaling and shedding policies on a traffic trace. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = {"Replay a request-rate trace against autoscaling and shedding policies in a deterministic "
        + "1-s simulation, and compare them (evaluation.md §2 metrics).",
        "Writes DIR/report.csv (one row per policy) and DIR/series-POLICY.csv (one row per second), and prints "
            + "the report and the amplitude factor the trace was scaled by.",
        "Exit status: 0 on success, 2 for bad arguments or a malformed trace, 1 when a policy or the output fails."})
public final class SimulateCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--trace", required = true, paramLabel = "FILE",
      description = "CSV trace with the header t_seconds,requests_per_second,count.")
  Path trace;

  @Option(names = "--from", paramLabel = "SECONDS", description = "First trace second to simulate (default: the trace's start).")
  Long from;

  @Option(names = "--to", paramLabel = "SECONDS", description = "Trace second to stop before (default: the trace's end).")
  Long to;

  @Option(names = "--policies", split = ",", paramLabel = "NAME",
      description = "Comma-separated policies (default: all): ballast, hpa, knative, aws-target-tracking, "
          + "static-peak, oracle.")
  List<String> policies = Benchmark.POLICIES;

  @Option(names = "--boot-seconds", paramLabel = "N", defaultValue = "120",
      description = "Seconds an instance boots before it serves (default: ${DEFAULT-VALUE}).")
  int bootSeconds;

  @Option(names = "--warmup-seconds", paramLabel = "N", defaultValue = "60",
      description = "Seconds an instance's capacity ramps from 30%% to 100%% (default: ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--high-fraction", paramLabel = "F", defaultValue = "0.5",
      description = "Share of requests in the HIGH priority class, in [0, 1] (default: ${DEFAULT-VALUE}).")
  double highFraction;

  @Option(names = "--peak-instances", paramLabel = "N", defaultValue = "40",
      description = "Scale the trace so its p99 per-second rate needs N instances at the SLO (default: ${DEFAULT-VALUE}).")
  int peakInstances;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the report and series files.")
  Path out;

  @Option(names = "--policy-config", paramLabel = "FILE",
      description = "HOCON file with a block per live policy (ballast, hpa, knative, aws-target-tracking) whose "
          + "settings replace the simulation's.")
  Path policyConfig;

  @Option(names = "--metric-delay", paramLabel = "POLICY=SECONDS",
      description = "How old the window a live policy decides from is (defaults: ballast=2, knative=1, hpa=15, "
          + "aws-target-tracking=60). Repeatable.")
  Map<String, Integer> metricDelays = Map.of();

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    try {
      List<String> names = validate();
      SimulationConfig config = SimulationConfig.defaults()
          .withLifecycle(bootSeconds, warmupSeconds)
          .withHighFraction(highFraction)
          .withPeakInstances(peakInstances)
          .withMetricDelays(metricDelays);
      SimulationPolicies settings = SimulationPolicies.defaults(config);
      if (policyConfig != null) {
        settings = settings.overriddenBy(policyConfig);
      }
      Workload workload = Workload.of(Trace.read(trace), from, to, config);
      Policies live = new Policies();
      List<Autoscaler> autoscalers = new ArrayList<>();
      for (String name : names) {
        autoscalers.add(Benchmark.autoscaler(name, workload, config, settings, live));
      }
      List<PolicyReport> reports = Benchmark.run(workload, config, autoscalers, out);
      stdout.print(ReportFiles.table(reports));
      stdout.println(summary(workload, config, names.size()));
      stdout.flush();
      return 0;
    } catch (InvalidInputException e) {
      stderr.println("ballast simulate: " + e.getMessage());
      return 2;
    } catch (IllegalStateException e) {
      stderr.println("ballast simulate: " + e.getMessage());
      return 1;
    } catch (IOException | UncheckedIOException e) {
      stderr.println("ballast simulate: cannot write to " + out + ": " + e.getMessage());
      return 1;
    } finally {
      stderr.flush();
    }
  }

  private List<String> validate() {
    Set<String> names = new LinkedHashSet<>();
    for (String raw : policies) {
      String name = raw.strip();
      if (!Benchmark.POLICIES.contains(name)) {
        throw new InvalidInputException("unknown policy '" + name + "'; one of " + Benchmark.POLICIES);
      }
      if (!names.add(name)) {
        throw new InvalidInputException("policy '" + name + "' is listed twice");
      }
    }
    nonNegative("--boot-seconds", bootSeconds);
    nonNegative("--warmup-seconds", warmupSeconds);
    if (peakInstances < 1) {
      throw new InvalidInputException("--peak-instances must be >= 1, was " + peakInstances);
    }
    if (!(highFraction >= 0 && highFraction <= 1)) {
      throw new InvalidInputException("--high-fraction must be within [0, 1], was " + highFraction);
    }
    if (from != null) {
      nonNegative("--from", from);
    }
    if (to != null) {
      nonNegative("--to", to);
    }
    if (from != null && to != null && from >= to) {
      throw new InvalidInputException("--from (" + from + ") must be less than --to (" + to + ")");
    }
    for (Map.Entry<String, Integer> e : metricDelays.entrySet()) {
      if (!SimulationPolicies.NAMES.contains(e.getKey())) {
        throw new InvalidInputException("--metric-delay: unknown live policy '" + e.getKey() + "'; one of "
            + SimulationPolicies.NAMES);
      }
      nonNegative("--metric-delay " + e.getKey(), e.getValue());
    }
    return List.copyOf(names);
  }

  private static void nonNegative(String option, long value) {
    if (value < 0) {
      throw new InvalidInputException(option + " must be >= 0, was " + value);
    }
  }

  private String summary(Workload w, SimulationConfig config, int policyCount) {
    Amplitude a = w.amplitude();
    return String.format(Locale.ROOT,
        "amplitude factor %.6f: the window's p99 of %.0f requests/s scaled to %.1f requests/s, which needs %d "
            + "instances of %.0f requests/s at p%s <= %.0f ms%n"
            + "simulated %d s of trace time %d..%d (%d gaps of %d s skipped); boot %d s, warm-up %d s, "
            + "HIGH share %s%n"
            + "wrote %s and %d series files",
        a.factor(), a.p99Rps(), a.targetRps(), a.instances(), config.instanceCapacityRps(),
        Decimals.format(config.sloQuantile() * 100, 0), config.sloLatencyMs(), w.length(), w.traceSecond(0),
        w.traceSecond(w.length() - 1), w.gaps(), w.gapSeconds(), config.bootSeconds(), config.warmupSeconds(),
        config.highFraction(), out.resolve(ReportFiles.REPORT), policyCount);
  }
}
