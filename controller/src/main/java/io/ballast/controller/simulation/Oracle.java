package io.ballast.controller.simulation;

/**
 * The oracle baseline: it knows the demand of every second and launches B + W seconds ahead, so every second
 * has d_t instances ready. Deciding at the end of second t it asks for the highest demand of seconds
 * t + 1 … t + 1 + B + W: an instance launched now is ready at the end of that range, and one already running is
 * kept as long as any second in it needs it. The lower bound of cost at zero under-provisioning.
 */
public final class Oracle implements Autoscaler {

  public static final String NAME = "oracle";

  private final int[] ahead;

  public Oracle(Workload workload, SimulationConfig config) {
    int n = workload.length();
    int lead = config.bootSeconds() + config.warmupSeconds();
    // ahead[t] = max demand over [t, t + lead]: a sliding maximum, one pass from the end with a monotone deque.
    ahead = new int[n];
    int[] deque = new int[n];
    int first = 0;
    int last = 0;
    for (int t = n - 1; t >= 0; t--) {
      while (last > first && workload.demand(deque[last - 1]) <= workload.demand(t)) {
        last--;
      }
      deque[last++] = t;
      while (deque[first] > t + lead) {
        first++;
      }
      ahead[t] = Math.max(config.minInstances(), Math.min(config.maxInstances(), workload.demand(deque[first])));
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int initialInstances() {
    return ahead[0];
  }

  @Override
  public int metricDelay() {
    return 0;
  }

  @Override
  public int decide(int t, Telemetry telemetry) {
    return t + 1 < ahead.length ? ahead[t + 1] : ahead[t];
  }

  @Override
  public double admitFraction(int c) {
    return 1;
  }
}
