package io.ballast.controller.simulation;

import java.util.ArrayList;
import java.util.List;

/**
 * Simulates one autoscaler over a workload, one second a step (evaluation.md §5). Each second: the instances
 * move on in their lifecycle; the second's arrivals are split by class and shed as the autoscaler last asked
 * (cumulative rounding per class); the queue serves what the capacity allows; the second is recorded as
 * telemetry; then the autoscaler decides, and its count takes effect at once. Deterministic: no clock, no
 * randomness, the same workload and autoscaler give the same run.
 *
 * <p>SLO accounting is by the second in which a request's outcome is decided. A second violates the SLO when
 * more than 1 − q of its outcomes violate; outcomes are requests served (violating when R > L), dropped after
 * the timeout (violating), and HIGH requests shed (violating: HIGH is never to be shed). Shedding LOW is a
 * decision measured by the shed rate, not a violation.
 */
public final class Simulation {

  private Simulation() {}

  public static Run run(Workload workload, SimulationConfig config, Autoscaler autoscaler) {
    final int high = ServedSecond.HIGH;
    final int low = ServedSecond.LOW;
    int n = workload.length();
    double[] supply = new double[n];
    int[] shedSeries = new int[n];
    double[] servedSeries = new double[n];
    double[] droppedSeries = new double[n];
    double[] p99 = new double[n];
    int[] billed = new int[n];
    int[] desiredSeries = new int[n];

    InstancePool pool = new InstancePool(config, clamp(autoscaler.initialInstances(), config));
    PriorityFluidQueue queue = new PriorityFluidQueue(config);
    ServedSecond out = new ServedSecond(config.timeoutSeconds());
    Telemetry telemetry = new Telemetry(autoscaler.metricDelay());
    double mu = config.instanceCapacityRps();
    double allowed = 1 - config.sloQuantile();

    int[] offered = new int[ServedSecond.CLASSES];
    int[] shed = new int[ServedSecond.CLASSES];
    double[] shedExact = new double[ServedSecond.CLASSES];
    long[] shedSoFar = new long[ServedSecond.CLASSES];
    long[] offeredTotal = new long[ServedSecond.CLASSES];
    long[] shedTotal = new long[ServedSecond.CLASSES];
    double[] goodput = new double[ServedSecond.CLASSES];
    long violationSeconds = 0;
    long[] classViolationSeconds = new long[ServedSecond.CLASSES];
    double wastedShed = 0;
    long billedSeconds = 0;
    long actions = 0;
    int desired = pool.provisioned();

    for (int t = 0; t < n; t++) {
      if (t > 0) {
        pool.advance(t);
      }
      double capacity = pool.supply() * mu;
      offered[high] = workload.high(t);
      offered[low] = workload.low(t);
      int admitted = 0;
      for (int c = 0; c < ServedSecond.CLASSES; c++) {
        shedExact[c] += (1 - autoscaler.admitFraction(c)) * offered[c];
        long shedNow = (long) Math.floor(shedExact[c]);
        shed[c] = (int) Math.min(offered[c], shedNow - shedSoFar[c]);
        shedSoFar[c] = shedNow;
        queue.arrive(c, t, offered[c] - shed[c]);
        admitted += offered[c] - shed[c];
        offeredTotal[c] += offered[c];
        shedTotal[c] += shed[c];
      }
      queue.serve(t, capacity, admitted, out);

      double outcomes = 0;
      double violating = 0;
      for (int c = 0; c < ServedSecond.CLASSES; c++) {
        goodput[c] += out.withinSlo[c];
        double shedViolating = c == high ? shed[c] : 0;
        double classOutcomes = out.served[c] + out.dropped[c] + shedViolating;
        double classViolating = out.served[c] - out.withinSlo[c] + out.dropped[c] + shedViolating;
        if (classViolating > allowed * classOutcomes) {
          classViolationSeconds[c]++;
        }
        outcomes += classOutcomes;
        violating += classViolating;
      }
      if (violating > allowed * outcomes) {
        violationSeconds++;
      }
      double served = out.totalServed();
      wastedShed += Math.min(shed[low], Math.max(0, config.shedWasteUtilization() * capacity - served));

      supply[t] = pool.supply();
      shedSeries[t] = shed[high] + shed[low];
      servedSeries[t] = served;
      droppedSeries[t] = out.dropped[high] + out.dropped[low];
      p99[t] = out.quantileMs(0.99);
      billed[t] = pool.billed();
      billedSeconds += pool.billed();
      desiredSeries[t] = desired;

      telemetry.record(t, offered, shed, out, capacity, pool.counts());
      int next = autoscaler.decide(t, telemetry);
      if (next >= 0) {
        next = clamp(next, config);
        if (next != desired) {
          desired = next;
          actions++;
          pool.resize(desired);
        }
      }
    }

    Elasticity e = Elasticity.of(n, workload::demand, t -> supply[t]);
    int[] ttc = TimeToCapacity.of(n, workload::demand, t -> supply[t]);
    PolicyReport report = new PolicyReport(autoscaler.name(), e.underAccuracy(), e.overAccuracy(),
        e.underTimeshare(), e.overTimeshare(), e.instability(), e.jitterPerHour(), violationSeconds,
        classViolationSeconds[high], percent(goodput[high], offeredTotal[high]), percent(goodput[low], offeredTotal[low]),
        percent(shedTotal[low], offeredTotal[low]), percent(wastedShed, shedTotal[low]),
        (billedSeconds + pool.billingTopUpSeconds()) / 3600.0, actions, TimeToCapacity.median(ttc),
        TimeToCapacity.max(ttc));
    List<Run.ClassTotals> classes = new ArrayList<>();
    for (int c = 0; c < ServedSecond.CLASSES; c++) {
      classes.add(new Run.ClassTotals(offeredTotal[c], shedTotal[c], classViolationSeconds[c]));
    }
    return new Run(report, supply, shedSeries, servedSeries, droppedSeries, p99, billed, desiredSeries,
        List.copyOf(classes));
  }

  private static int clamp(int instances, SimulationConfig config) {
    return Math.max(config.minInstances(), Math.min(config.maxInstances(), instances));
  }

  private static double percent(double part, double whole) {
    return whole > 0 ? 100 * part / whole : Double.NaN;
  }
}
