package io.ballast.controller.simulation;

import static io.ballast.controller.simulation.ServedSecond.HIGH;
import static io.ballast.controller.simulation.ServedSecond.LOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The fluid strict-priority queue of evaluation.md §5.3: μ = 100, timeout 10 s, L = 300 ms. */
class SimulationQueueTest {

  private static final SimulationConfig CONFIG = SimulationConfig.defaults();

  private final PriorityFluidQueue queue = new PriorityFluidQueue(CONFIG);
  private final ServedSecond out = new ServedSecond(CONFIG.timeoutSeconds());

  @Test
  void highIsServedBeforeLowAndLowWaitsForTheNextSecond() {
    queue.arrive(HIGH, 0, 80);
    queue.arrive(LOW, 0, 80);
    queue.serve(0, 100, 160, out);

    assertThat(out.served).containsExactly(80, 20);
    assertThat(queue.queued(LOW)).isEqualTo(60);

    queue.serve(1, 100, 0, out);
    assertThat(out.served[LOW]).isEqualTo(60);
    assertThat(out.withinSlo[LOW]).isZero();
    assertThat(out.quantileMs(LOW, 0.99)).isCloseTo(1010, within(1e-9));
  }

  @Test
  void withinAClassTheOldestAreServedFirst() {
    queue.arrive(LOW, 0, 150);
    queue.serve(0, 100, 150, out);
    queue.arrive(LOW, 1, 100);
    queue.serve(1, 100, 100, out);

    assertThat(out.backlog[LOW][1]).isEqualTo(50);
    assertThat(out.sameMass[LOW]).isEqualTo(50);
    // Behind half a second of backlog the new requests wait 0.5 to 1 s: all too long.
    assertThat(out.withinSlo[LOW]).isZero();
    assertThat(queue.queued(LOW)).isEqualTo(50);
  }

  @Test
  void requestsThatWaitedTheTimeoutAreDroppedNotServed() {
    queue.arrive(HIGH, 0, 10);
    for (int t = 0; t < 10; t++) {
      queue.serve(t, 0, t == 0 ? 10 : 0, out);
      assertThat(out.dropped[HIGH]).as("second %d", t).isZero();
    }
    queue.serve(10, 1000, 0, out);

    assertThat(out.dropped[HIGH]).isEqualTo(10);
    assertThat(out.served[HIGH]).isZero();
    assertThat(queue.queued(HIGH)).isZero();
  }

  @Test
  void requestsServedInTheirSecondWaitAsInErlangC() {
    // c = 2 servers, a = 1: C = 1/3, P(W > 0.29 s) = C·e^{−(200 − 100)·0.29}.
    queue.arrive(HIGH, 0, 100);
    queue.serve(0, 200, 100, out);

    double violating = Math.exp(-29) / 3;
    assertThat(out.withinSlo[HIGH]).isCloseTo(100 * (1 - violating), within(1e-9));
    assertThat(out.quantileMs(HIGH, 0.5)).isCloseTo(10, within(1e-9));
    assertThat(out.quantileMs(HIGH, 0.99)).isCloseTo(1000 * Math.log(100.0 / 3) / 100 + 10, within(1e-9));
  }

  @Test
  void aSecondWithMoreLoadThanServersViolatesEvenWhenAllIsServed() {
    queue.arrive(LOW, 0, 250);
    queue.serve(0, 260, 250, out);

    assertThat(out.served[LOW]).isEqualTo(250);
    assertThat(out.withinSlo[LOW]).isZero();
    assertThat(out.quantileMs(LOW, 0.99)).isGreaterThan(300).isLessThanOrEqualTo(1010);
  }

  @Test
  void highArrivalsGoAheadOfALowBacklogAndMeetTheSlo() {
    queue.arrive(LOW, 0, 150);
    queue.serve(0, 100, 150, out);
    queue.arrive(HIGH, 1, 50);
    queue.serve(1, 100, 50, out);

    assertThat(out.served).containsExactly(50, 50);
    assertThat(out.withinSlo[HIGH]).isCloseTo(50, within(1e-4));
    assertThat(out.backlog[LOW][1]).isEqualTo(50);
    assertThat(out.quantileMs(0.25)).isLessThan(300);
    assertThat(out.quantileMs(0.99)).isCloseTo(1010, within(1e-9));
  }

  @Test
  void nothingServedHasNoLatency() {
    queue.serve(0, 100, 0, out);

    assertThat(out.quantileMs(0.99)).isNaN();
    assertThat(out.quantileMs(HIGH, 0.5)).isNaN();
  }
}
