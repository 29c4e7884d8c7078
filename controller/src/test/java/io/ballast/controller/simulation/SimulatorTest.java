package io.ballast.controller.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.controller.policy.Policy;
import io.ballast.persistence.event.ClassLoad;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.policy.PolicySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole runs on synthetic traces whose outcome can be reasoned about. The load steps up threefold after 300 s
 * (scaled so the high level needs 40 instances); instances boot for 30 s and are ready at once.
 */
class SimulatorTest {

  private static final SimulationConfig CONFIG = SimulationConfig.defaults().withLifecycle(30, 0).withHighFraction(0.3);
  private static final Workload STEP_UP = Workload.of(SimTraces.levels(300, 100, 300), null, null, CONFIG);

  @Test
  void sheddingLowProtectsHighGoodputThroughASurge() {
    Run scaling = Simulation.run(STEP_UP, CONFIG, live("scaling", SimTestPolicies.proportional(70), 2));
    Run shedding = Simulation.run(STEP_UP, CONFIG, live("shedding", SimTestPolicies.shedding(70, 100), 2));

    assertThat(scaling.report().shedLow()).isZero();
    assertThat(shedding.report().shedLow()).isPositive();
    assertThat(shedding.report().goodputHigh()).isGreaterThan(99).isGreaterThan(scaling.report().goodputHigh() + 3);
    assertThat(shedding.report().sloViolationSecondsHigh())
        .isLessThan(scaling.report().sloViolationSecondsHigh() / 5);
    // Both catch up once the new instances have booted: the last minute is clean.
    assertThat(IntStream.range(540, 600).mapToDouble(t -> scaling.dropped()[t]).sum()).isZero();
    assertThat(IntStream.range(540, 600).map(t -> shedding.shed()[t]).sum()).isZero();
  }

  @Test
  void theOracleIsNeverShortOfDemandEvenWithAWarmUp() {
    SimulationConfig warming = CONFIG.withLifecycle(30, 20);
    Workload workload = Workload.of(SimTraces.levels(300, 100, 300, 100), null, null, warming);

    Run oracle = Simulation.run(workload, warming, new Oracle(workload, warming));

    assertThat(oracle.report().thetaU()).isZero();
    assertThat(oracle.report().tauU()).isZero();
    assertThat(oracle.report().ttcMaxSeconds()).isZero();
    assertThat(oracle.report().shedLow()).isZero();
    assertThat(oracle.report().actions()).isPositive();
  }

  @Test
  void staticPeakHoldsThePeakDemandAndPaysForItEverySecond() {
    Run run = Simulation.run(STEP_UP, CONFIG, new StaticPeak(STEP_UP, CONFIG));

    assertThat(run.billed()).containsOnly(STEP_UP.peakDemand());
    assertThat(run.report().actions()).isZero();
    assertThat(run.report().thetaU()).isZero();
    assertThat(run.report().instanceHours()).isCloseTo(STEP_UP.peakDemand() * 600 / 3600.0, within(1e-12));
  }

  @Test
  void aLivePolicyDecidesFromTheWindowOfTheSecondItsDelayAgo() {
    SimTestPolicies.Recording recording = new SimTestPolicies.Recording(25);
    LivePolicy live = live("recording", recording, 5);

    Simulation.run(STEP_UP, CONFIG, live);

    assertThat(recording.windows).hasSize(600 - 5);
    MetricsObserved first = recording.windows.get(0);
    assertThat(first.windowStart()).isEqualTo(Telemetry.EPOCH);
    assertThat(first.windowEnd()).isEqualTo(Telemetry.EPOCH.plusSeconds(1));
    assertThat(first.classes()).extracting(ClassLoad::priority).containsExactly("critical", "sheddable");
    assertThat(first.classes().get(0).offeredRps()).isEqualTo(STEP_UP.high(0));
    assertThat(first.classes().get(1).offeredRps()).isEqualTo(STEP_UP.low(0));
    assertThat(first.sampleCount()).isEqualTo(2);
    assertThat(first.sourceCount()).isEqualTo(1);
    assertThat(first.instances().ready()).isEqualTo(STEP_UP.demand(0));
    assertThat(first.cpu()).isBetween(0.0, 1.0);
    assertThat(first.concurrency()).isPositive();
    assertThat(recording.windows.get(100).windowStart()).isEqualTo(Telemetry.EPOCH.plusSeconds(100));
    // Every event Evaluation returned was folded: the second decision started from the first.
    assertThat(recording.states.get(1).lastDecision()).map(ScaleDecided::to).contains(25);
    assertThat(live.state().desiredInstances()).isEqualTo(25);
  }

  @Test
  void anAdmissionTakesEffectFromTheNextSecondAndOnlyForTheClassItNames() {
    Run run = Simulation.run(STEP_UP, CONFIG, live("shed-all-low", SimTestPolicies.fixed(20, 0), 0));

    assertThat(run.shed()[0]).isZero();
    for (int t = 1; t < 600; t++) {
      assertThat(run.shed()[t]).as("second %d", t).isEqualTo(STEP_UP.low(t));
    }
    assertThat(run.report().shedLow()).isLessThan(100).isGreaterThan(99);
    assertThat(run.report().goodputLow()).isLessThan(1);
  }

  @Test
  void aDesiredCountIsClampedToTheInstanceRange() {
    Run run = Simulation.run(STEP_UP, CONFIG, live("too-many", SimTestPolicies.fixed(10_000, 1), 0));

    assertThat(run.desired()[599]).isEqualTo(CONFIG.maxInstances());
    assertThat(run.report().actions()).isEqualTo(1);
  }

  @Test
  void theSameInputsGiveByteIdenticalFiles(@TempDir Path dir) throws IOException {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");

    Benchmark.run(STEP_UP, CONFIG, autoscalers(), first);
    Benchmark.run(Workload.of(SimTraces.levels(300, 100, 300), null, null, CONFIG), CONFIG, autoscalers(), second);

    List<Path> files;
    try (Stream<Path> listed = Files.list(first)) {
      files = listed.map(Path::getFileName).sorted().toList();
    }
    assertThat(files).extracting(Path::toString)
        .containsExactly("report.csv", "series-oracle.csv", "series-shedding.csv", "series-static-peak.csv");
    for (Path file : files) {
      assertThat(Files.readAllBytes(second.resolve(file))).as(file.toString())
          .isEqualTo(Files.readAllBytes(first.resolve(file)));
    }
    assertThat(Files.readAllLines(first.resolve("series-oracle.csv"))).hasSize(601)
        .first().isEqualTo(String.join(",", ReportFiles.SERIES_COLUMNS));
  }

  private static List<Autoscaler> autoscalers() {
    return List.of(live("shedding", SimTestPolicies.shedding(70, 100), 2), new StaticPeak(STEP_UP, CONFIG),
        new Oracle(STEP_UP, CONFIG));
  }

  private static LivePolicy live(String name, Policy<PolicySettings> policy, int delay) {
    return new LivePolicy(name, policy, SimTestPolicies.SETTINGS, delay, STEP_UP.demand(0));
  }
}
