package io.ballast.controller.actuation;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.persistence.event.ActuationError;
import io.ballast.persistence.event.InstanceCounts;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A target the test answers call by call, to put the driver through orderings a real target produces only by
 * chance: a slow write overtaken by decisions, a read answered after a write, failures of each class.
 */
final class ScriptedActuator implements Actuator {

  /** One call the test has not answered yet. */
  final class Call {
    final boolean write;
    final int desired;
    final String key;
    private final CompletableFuture<TargetState> result = new CompletableFuture<>();

    Call(boolean write, int desired, String key) {
      this.write = write;
      this.desired = desired;
      this.key = key;
    }

    /** Answers with the target's state; a write sets it first. */
    void succeed() {
      if (write) {
        targetDesired = desired;
      }
      result.complete(state());
    }

    /** Answers a read with what the target was set to before: the read was issued before the write. */
    void succeedWith(int reportedDesired) {
      result.complete(new TargetState(reportedDesired, new InstanceCounts(reportedDesired, 0, 0, 0)));
    }

    void fail(ActuationError error) {
      fail(error, null);
    }

    void fail(ActuationError error, Duration retryAfter) {
      result.completeExceptionally(new ActuationException(error, error + " from the script", retryAfter, null));
    }
  }

  private final BlockingQueue<Call> reads = new LinkedBlockingQueue<>();
  private final BlockingQueue<Call> writes = new LinkedBlockingQueue<>();
  volatile int targetDesired;

  ScriptedActuator(int targetDesired) {
    this.targetDesired = targetDesired;
  }

  TargetState state() {
    return new TargetState(targetDesired, new InstanceCounts(targetDesired, 0, 0, 0));
  }

  @Override
  public CompletionStage<TargetState> read() {
    Call call = new Call(false, -1, null);
    reads.add(call);
    return call.result;
  }

  @Override
  public CompletionStage<TargetState> write(int desired, String idempotencyKey) {
    Call call = new Call(true, desired, idempotencyKey);
    writes.add(call);
    return call.result;
  }

  @Override
  public String describe() {
    return "scripted target";
  }

  Call nextRead() {
    return take(reads, "read");
  }

  Call nextWrite() {
    return take(writes, "write");
  }

  /** Asserts that no write is asked for within {@code within}. */
  void expectNoWrite(Duration within) {
    try {
      Call call = writes.poll(within.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(call).as("a write of %s", call == null ? null : call.desired).isNull();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static Call take(BlockingQueue<Call> queue, String what) {
    try {
      Call call = queue.poll(5, TimeUnit.SECONDS);
      assertThat(call).as("a " + what + " within 5 s").isNotNull();
      return call;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
