package io.ballast.controller.simulation;

/** The static-at-peak baseline: a constant count sized for the window's highest demand. */
public final class StaticPeak implements Autoscaler {

  public static final String NAME = "static-peak";

  private final int instances;

  public StaticPeak(Workload workload, SimulationConfig config) {
    this.instances = Math.max(config.minInstances(), Math.min(config.maxInstances(), workload.peakDemand()));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int initialInstances() {
    return instances;
  }

  @Override
  public int metricDelay() {
    return 0;
  }

  @Override
  public int decide(int t, Telemetry telemetry) {
    return instances;
  }

  @Override
  public double admitFraction(int c) {
    return 1;
  }
}
