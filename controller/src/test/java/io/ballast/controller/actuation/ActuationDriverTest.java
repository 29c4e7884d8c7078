package io.ballast.controller.actuation;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.persistence.event.ActuationError;
import io.ballast.persistence.event.ActuatorCircuitChanged;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.InstancesObserved;
import io.ballast.persistence.event.ScaleApplied;
import io.ballast.persistence.event.ScaleFailed;
import io.ballast.persistence.event.ServiceEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The driver against a target the test answers call by call. */
class ActuationDriverTest {

  private static final ActorTestKit testKit = ActorTestKit.create("ActuationDriverTest");
  private static final Instant DECIDED = Instant.parse("2026-11-25T12:00:00Z");

  private final TestProbe<ServiceEvent> events = testKit.createTestProbe();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static ActuationSettings settings(boolean dryRun, int circuitFailures) {
    return new ActuationSettings(null, dryRun, 100, 10, Duration.ofMillis(20), Duration.ofMillis(100),
        circuitFailures, Duration.ofMillis(300), Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofSeconds(5));
  }

  private ActorRef<ActuationDriver.Command> driver(ScriptedActuator target, ActuationSettings settings) {
    return testKit.spawn(ActuationDriver.create("checkout", target, settings, events.ref(), Clock.systemUTC(),
        new Random(7)));
  }

  /** Starts a driver and answers its first read: the target is set to {@code targetDesired}. */
  private ActorRef<ActuationDriver.Command> started(ScriptedActuator target, ActuationSettings settings) {
    ActorRef<ActuationDriver.Command> driver = driver(target, settings);
    target.nextRead().succeed();
    InstancesObserved observed = events.expectMessageClass(InstancesObserved.class);
    assertThat(observed.targetDesired()).isEqualTo(target.targetDesired);
    return driver;
  }

  private static ActuationDriver.Desired desired(int count, int secondsAfter) {
    return new ActuationDriver.Desired(count, DECIDED.plusSeconds(secondsAfter));
  }

  @Test
  void writes_a_decided_count_and_reports_what_the_target_has_after() {
    var target = new ScriptedActuator(5);
    var driver = started(target, settings(false, 5));

    driver.tell(desired(8, 0));
    var write = target.nextWrite();
    assertThat(write.desired).isEqualTo(8);
    assertThat(write.key).isEqualTo("checkout@" + DECIDED.toEpochMilli() + "/8");
    write.succeed();

    ScaleApplied applied = events.expectMessageClass(ScaleApplied.class);
    assertThat(applied.desired()).isEqualTo(8);
    assertThat(applied.decidedAt()).isEqualTo(DECIDED);
    assertThat(applied.instances()).isEqualTo(new InstanceCounts(8, 0, 0, 0));
    assertThat(events.expectMessageClass(InstancesObserved.class).targetDesired()).isEqualTo(8);
  }

  @Test
  void waits_for_the_first_read_so_a_count_the_target_already_has_is_never_sent() {
    var target = new ScriptedActuator(5);
    var driver = driver(target, settings(false, 5));

    driver.tell(desired(5, 0));
    target.expectNoWrite(Duration.ofMillis(200));
    target.nextRead().succeed();
    driver.tell(desired(5, 10));

    target.expectNoWrite(Duration.ofMillis(300));
  }

  @Test
  void only_the_latest_count_is_written_after_a_slow_write() {
    var target = new ScriptedActuator(5);
    var driver = started(target, settings(false, 5));

    driver.tell(desired(8, 0));
    var slow = target.nextWrite();
    driver.tell(desired(9, 5));
    driver.tell(desired(12, 10));
    target.expectNoWrite(Duration.ofMillis(200));
    slow.succeed();

    var latest = target.nextWrite();
    assertThat(latest.desired).isEqualTo(12);
    latest.succeed();
    target.expectNoWrite(Duration.ofMillis(200));
    assertThat(target.targetDesired).isEqualTo(12);
    assertThat(events.expectMessageClass(ScaleApplied.class).desired()).isEqualTo(8);
    events.expectMessageClass(InstancesObserved.class);
    assertThat(events.expectMessageClass(ScaleApplied.class).desired()).isEqualTo(12);
  }

  @Test
  void a_read_that_a_write_overtook_does_not_make_the_driver_write_again() {
    var target = new ScriptedActuator(5);
    var driver = started(target, settings(false, 5));

    driver.tell(desired(8, 0));
    target.nextWrite().fail(ActuationError.CONFLICT);
    assertThat(events.expectMessageClass(ScaleFailed.class).error()).isEqualTo(ActuationError.CONFLICT);
    // The conflict makes the driver read the target; the retry goes before that read answers.
    var reread = target.nextRead();
    var retry = target.nextWrite();
    retry.succeed();
    reread.succeedWith(5);
    events.expectMessageClass(ScaleApplied.class);

    driver.tell(desired(8, 5));
    target.expectNoWrite(Duration.ofMillis(300));
  }

  @Test
  void an_unavailable_target_is_retried_and_each_failure_is_recorded() {
    var target = new ScriptedActuator(5);
    var driver = started(target, settings(false, 5));

    driver.tell(desired(8, 0));
    target.nextWrite().fail(ActuationError.UNAVAILABLE);
    target.nextWrite().fail(ActuationError.UNAVAILABLE);
    var third = target.nextWrite();
    assertThat(third.key).isEqualTo("checkout@" + DECIDED.toEpochMilli() + "/8");
    third.succeed();

    ScaleFailed first = events.expectMessageClass(ScaleFailed.class);
    assertThat(first.attempt()).isEqualTo(1);
    assertThat(first.willRetry()).isTrue();
    assertThat(first.target()).isEqualTo("scripted target");
    assertThat(events.expectMessageClass(ScaleFailed.class).attempt()).isEqualTo(2);
    assertThat(events.expectMessageClass(ScaleApplied.class).desired()).isEqualTo(8);
  }

  @Test
  void a_refused_count_is_not_retried_until_another_is_decided() {
    var target = new ScriptedActuator(5);
    var driver = started(target, settings(false, 5));

    driver.tell(desired(80, 0));
    target.nextWrite().fail(ActuationError.INVALID);
    ScaleFailed refused = events.expectMessageClass(ScaleFailed.class);
    assertThat(refused.error()).isEqualTo(ActuationError.INVALID);
    assertThat(refused.willRetry()).isFalse();
    driver.tell(desired(80, 5));
    target.expectNoWrite(Duration.ofMillis(300));

    driver.tell(desired(7, 10));
    assertThat(target.nextWrite().desired).isEqualTo(7);
  }

  @Test
  void throttling_waits_at_least_as_long_as_the_target_asks() {
    var target = new ScriptedActuator(5);
    var driver = started(target, settings(false, 5));

    driver.tell(desired(8, 0));
    target.nextWrite().fail(ActuationError.THROTTLED, Duration.ofMillis(600));
    assertThat(events.expectMessageClass(ScaleFailed.class).error()).isEqualTo(ActuationError.THROTTLED);

    target.expectNoWrite(Duration.ofMillis(400));
    target.nextWrite().succeed();
    events.expectMessageClass(ScaleApplied.class);
  }

  @Test
  void consecutive_failures_open_the_circuit_and_a_success_closes_it() {
    var target = new ScriptedActuator(5);
    var driver = started(target, settings(false, 2));

    driver.tell(desired(8, 0));
    target.nextWrite().fail(ActuationError.UNAVAILABLE);
    target.nextWrite().fail(ActuationError.UNAVAILABLE);
    events.expectMessageClass(ScaleFailed.class);
    events.expectMessageClass(ScaleFailed.class);
    ActuatorCircuitChanged opened = events.expectMessageClass(ActuatorCircuitChanged.class);
    assertThat(opened.open()).isTrue();
    assertThat(opened.reason()).contains("2 writes to scripted target failed in a row");

    // Nothing goes while it is open; the trial write after it succeeds and closes it.
    target.expectNoWrite(Duration.ofMillis(200));
    target.nextWrite().succeed();
    ActuatorCircuitChanged closed = events.expectMessageClass(ActuatorCircuitChanged.class);
    assertThat(closed.open()).isFalse();
    events.expectMessageClass(ScaleApplied.class);
  }

  @Test
  void a_dry_run_reads_and_reports_but_never_writes() {
    var target = new ScriptedActuator(5);
    var driver = started(target, settings(true, 5));

    driver.tell(desired(8, 0));
    driver.tell(desired(9, 5));

    target.expectNoWrite(Duration.ofMillis(300));
    events.expectNoMessage(Duration.ofMillis(100));
    assertThat(target.targetDesired).isEqualTo(5);
  }
}
