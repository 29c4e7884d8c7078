package io.ballast.controller.simulation;

import io.ballast.controller.policy.Policy;
import io.ballast.persistence.policy.PolicySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs several autoscalers over one workload and writes the report and series files. Each run is written as it
 * finishes and then dropped, so memory stays at one run's series however many policies are compared.
 */
public final class Benchmark {

  /** Every strategy the command knows, in default order: the live policies, then the baselines. */
  public static final List<String> POLICIES = List.of("ballast", "hpa", "knative", "aws-target-tracking",
      StaticPeak.NAME, Oracle.NAME);

  private Benchmark() {}

  /**
   * The autoscaler named {@code name}: a live policy decided by {@code policies} with its simulation settings
   * and metric delay, starting from the first second's demand; or a baseline.
   */
  public static Autoscaler autoscaler(String name, Workload workload, SimulationConfig config,
      SimulationPolicies settings, Policy<PolicySettings> policies) {
    return switch (name) {
      case StaticPeak.NAME -> new StaticPeak(workload, config);
      case Oracle.NAME -> new Oracle(workload, config);
      default -> {
        if (!SimulationPolicies.NAMES.contains(name)) {
          throw new InvalidInputException("unknown policy '" + name + "'; one of " + POLICIES);
        }
        yield new LivePolicy(name, policies, settings.forName(name), config.metricDelay(name),
            Math.max(config.minInstances(), Math.min(config.maxInstances(), workload.demand(0))));
      }
    };
  }

  /**
   * Runs each autoscaler in turn, writing its series file as it finishes and {@code report.csv} at the end.
   *
   * @throws IllegalStateException naming the policy when one fails
   */
  public static List<PolicyReport> run(Workload workload, SimulationConfig config, List<Autoscaler> autoscalers,
      Path dir) throws IOException {
    Files.createDirectories(dir);
    List<PolicyReport> reports = new ArrayList<>();
    for (Autoscaler autoscaler : autoscalers) {
      Run run;
      try {
        run = Simulation.run(workload, config, autoscaler);
      } catch (RuntimeException e) {
        throw new IllegalStateException("policy '" + autoscaler.name() + "' failed: " + e, e);
      }
      ReportFiles.writeSeries(dir, workload, run);
      reports.add(run.report());
    }
    ReportFiles.writeReport(dir, reports);
    return reports;
  }
}
