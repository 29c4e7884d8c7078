package io.ballast.controller.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.controller.simulation.InstancePool.Instance;
import io.ballast.controller.simulation.InstancePool.State;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The instance lifecycle of evaluation.md §5.2 with B = 3 s, W = 4 s, D = 2 s. */
class SimulationInstancesTest {

  private static final SimulationConfig CONFIG = config(3, 4, 0);

  static Stream<Arguments> lifecycle() {
    return Stream.of(
        Arguments.of("in its first second a new instance boots and serves nothing", 1, State.BOOTING, 0.0),
        Arguments.of("in its third second it still boots", 3, State.BOOTING, 0.0),
        Arguments.of("after B seconds it warms up at 30 % of capacity", 4, State.WARMING, 0.3),
        Arguments.of("one second later the ramp is a quarter of the way to full", 5, State.WARMING, 0.475),
        Arguments.of("in its last warming second it is at 82.5 %", 7, State.WARMING, 0.825),
        Arguments.of("after B + W seconds it is ready at full capacity", 8, State.READY, 1.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lifecycle")
  void aNewInstanceBootsThenWarmsUpLinearlyThenServes(String name, int second, State state, double fraction) {
    InstancePool pool = new InstancePool(CONFIG, 1);
    pool.resize(2);
    for (int t = 1; t <= second; t++) {
      pool.advance(t);
    }

    Instance launched = pool.instances().get(1);
    assertThat(launched.state()).isEqualTo(state);
    assertThat(launched.capacityFraction()).isCloseTo(fraction, within(1e-12));
    assertThat(pool.supply()).isCloseTo(1 + fraction, within(1e-12));
    assertThat(pool.billed()).isEqualTo(2);
  }

  @Test
  void withoutWarmUpAnInstanceIsReadyRightAfterBooting() {
    InstancePool pool = new InstancePool(config(3, 0, 0), 1);
    pool.resize(2);
    for (int t = 1; t <= 4; t++) {
      pool.advance(t);
    }

    assertThat(pool.instances().get(1).state()).isEqualTo(State.READY);
  }

  @Test
  void scaleInDrainsTheYoungestFirstAndRemovesItAfterTheDrainTime() {
    InstancePool pool = new InstancePool(CONFIG, 3);
    pool.resize(2);
    pool.advance(1);

    assertThat(pool.instances()).extracting(Instance::id, Instance::state)
        .containsExactly(tuple(0, State.READY), tuple(1, State.READY), tuple(2, State.DRAINING));
    assertThat(pool.supply()).isEqualTo(2);
    assertThat(pool.billed()).isEqualTo(3);

    pool.advance(2);
    assertThat(pool.billed()).isEqualTo(3);
    pool.advance(3);
    assertThat(pool.instances()).extracting(Instance::id).containsExactly(0, 1);
  }

  @Test
  void bootingInstancesAreCancelledBeforeAnyIsDrained() {
    InstancePool pool = new InstancePool(CONFIG, 2);
    pool.resize(4);
    pool.advance(1);
    pool.resize(1);
    pool.advance(2);

    assertThat(pool.instances()).extracting(Instance::id, Instance::state)
        .containsExactly(tuple(0, State.READY), tuple(1, State.DRAINING));
    assertThat(pool.provisioned()).isEqualTo(1);
  }

  @Test
  void aWarmingInstanceIsDrainedLikeAReadyOne() {
    InstancePool pool = new InstancePool(CONFIG, 1);
    pool.resize(2);
    for (int t = 1; t <= 5; t++) {
      pool.advance(t);
    }
    pool.resize(1);
    pool.advance(6);

    assertThat(pool.instances()).extracting(Instance::id, Instance::state)
        .containsExactly(tuple(0, State.READY), tuple(1, State.DRAINING));
    assertThat(pool.supply()).isEqualTo(1);
  }

  @Test
  void anInstanceRemovedBeforeTheBillingMinimumIsBilledTheMinimum() {
    InstancePool pool = new InstancePool(config(3, 4, 60), 1);
    pool.resize(2);
    pool.advance(1);
    pool.resize(1);

    // Launched at second 1, cancelled at the end of it: billed 1 s, topped up to 60.
    assertThat(pool.billingTopUpSeconds()).isEqualTo(59);
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }

  private static SimulationConfig config(int boot, int warmup, int billingMinimum) {
    return new SimulationConfig(boot, warmup, 2, 100, 1, 500, 0.5, 40, 10, 300, 0.99, 60, 0.9, billingMinimum,
        Map.of());
  }
}
