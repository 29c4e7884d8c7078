package io.ballast.persistence.state;

import io.ballast.persistence.CborSerializable;
import io.ballast.persistence.event.ActuatorCircuitChanged;
import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.CapacityChecked;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.InstancesObserved;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.event.ServiceOverride;
import io.ballast.persistence.event.OverrideCancelled;
import io.ballast.persistence.event.OverrideExpired;
import io.ballast.persistence.event.OverrideSet;
import io.ballast.persistence.event.PolicySet;
import io.ballast.persistence.event.SamplesRecorded;
import io.ballast.persistence.event.ScaleApplied;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ScaleFailed;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.event.ShedDelivered;
import io.ballast.persistence.event.ShedDeliveryFailed;
import io.ballast.persistence.event.ShedLevelsChanged;
import io.ballast.persistence.event.ShedReason;
import io.ballast.persistence.policy.PolicySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything Ballast knows about one service, rebuilt from its events by {@link #apply}. It is a value:
 * {@code apply} reads no clock and does no I/O, so the live entity, recovery, replay and the simulator all
 * reach the same state from the same events.
 *
 * <p>It keeps the closed windows and the decisions of the last {@link #horizon()}: as far back as the policy
 * in force looks (its stabilization windows, rate periods, panic and cooldown times), so that a policy can
 * decide from the state alone and a restarted or moved service decides exactly as it would have.
 *
 * @param policy the policy in force, {@code null} until the first {@link PolicySet}
 * @param policySetBy who set it ({@code config}, or later an operator)
 * @param instances the latest instance counts reported, {@link InstanceCounts#NONE} until one is
 * @param desiredInstances the latest decision, 0 until the first one
 * @param admission the fraction of each class to admit; classes not listed are admitted in full
 * @param shedReason why the admission is what it is, {@code null} until shedding was first decided
 * @param openWindows windows still taking samples, oldest first
 * @param closedThrough the end of the latest closed window; samples before it are late
 * @param lastSampleAt the end of the latest closed window that had samples; {@code null} if none had
 * @param recentWindows the closed windows within the horizon, oldest first
 * @param recentDecisions the decisions within the horizon, oldest first
 * @param samplesRecorded how many samples were ever recorded
 * @param actuation what happened to the decisions on their way to the target
 * @param admissionChangedAt when the shed levels last changed, {@code null} if they never did
 * @param overrides the operators' overrides set and not yet cancelled or expired, oldest first
 */
public record ServiceState(
    PolicySettings policy,
    String policySetBy,
    InstanceCounts instances,
    int desiredInstances,
    List<Admission> admission,
    ShedReason shedReason,
    List<OpenWindow> openWindows,
    Instant closedThrough,
    Instant lastSampleAt,
    List<MetricsObserved> recentWindows,
    List<ScaleDecided> recentDecisions,
    long samplesRecorded,
    Actuation actuation,
    Instant admissionChangedAt,
    List<ServiceOverride> overrides)
    implements CborSerializable {

  /** The least history kept whatever the policy: enough to show an operator the last minutes. */
  public static final Duration MIN_HORIZON = Duration.ofMinutes(2);
  /** At most this many windows and decisions are kept, whatever the horizon. */
  public static final int MAX_HISTORY = 4096;

  public ServiceState {
    admission = List.copyOf(admission);
    openWindows = List.copyOf(openWindows);
    // Stored as History, so that folding one more item in does not copy the whole history.
    recentWindows = History.of(recentWindows);
    recentDecisions = History.of(recentDecisions);
    actuation = actuation == null ? Actuation.NONE : actuation;
    overrides = overrides == null ? List.of() : List.copyOf(overrides);
  }

  public static ServiceState initial() {
    return new ServiceState(null, null, InstanceCounts.NONE, 0, List.of(), null, List.of(), null, null, History.empty(),
        History.empty(), 0, Actuation.NONE, null, List.of());
  }

  /** True for a service that has never recorded anything: it exists only because someone asked for it. */
  public boolean isEmpty() {
    return policy == null && samplesRecorded == 0;
  }

  public Optional<ScaleDecided> lastDecision() {
    return recentDecisions.isEmpty() ? Optional.empty()
        : Optional.of(recentDecisions.get(recentDecisions.size() - 1));
  }

  /** The mode of the latest decision. */
  public Mode mode() {
    return lastDecision().map(ScaleDecided::mode).orElse(Mode.NORMAL);
  }

  public Optional<OpenWindow> openWindow(Instant start) {
    return openWindows.stream().filter(w -> w.start().equals(start)).findFirst();
  }

  /** How far back windows and decisions are kept: the policy's own look-back, and at least {@link #MIN_HORIZON}. */
  public Duration horizon() {
    Duration wanted = policy == null ? Duration.ZERO : policy.history();
    return wanted.compareTo(MIN_HORIZON) > 0 ? wanted : MIN_HORIZON;
  }

  /** The state after {@code event}. This is the entity's whole event handler. */
  public ServiceState apply(ServiceEvent event) {
    if (event instanceof SamplesRecorded e) {
      return withSamples(e);
    } else if (event instanceof MetricsObserved e) {
      return withObservation(e);
    } else if (event instanceof ScaleDecided e) {
      return new ServiceState(policy, policySetBy, instances, e.to(), admission, shedReason, openWindows,
          closedThrough, lastSampleAt, recentWindows, within(recentDecisions, e, ScaleDecided::at), samplesRecorded,
          actuation, admissionChangedAt, overrides);
    } else if (event instanceof ShedLevelsChanged e) {
      return new ServiceState(policy, policySetBy, instances, desiredInstances, e.admission(), e.reason(),
          openWindows, closedThrough, lastSampleAt, recentWindows, recentDecisions, samplesRecorded, actuation,
          e.at(), overrides);
    } else if (event instanceof PolicySet e) {
      return new ServiceState(e.settings(), e.setBy(), instances, desiredInstances, admission, shedReason,
          openWindows, closedThrough, lastSampleAt, recentWindows, recentDecisions, samplesRecorded, actuation,
          admissionChangedAt, overrides);
    } else if (event instanceof ScaleApplied e) {
      return withActuation(instances, actuation.applied(e));
    } else if (event instanceof ScaleFailed e) {
      return withActuation(instances, actuation.failed(e));
    } else if (event instanceof InstancesObserved e) {
      return withActuation(e.instances(), actuation.observed(e.instances()));
    } else if (event instanceof CapacityChecked e) {
      return withActuation(instances, actuation.checked(e));
    } else if (event instanceof ActuatorCircuitChanged e) {
      return withActuation(instances, actuation.circuit(e));
    } else if (event instanceof ShedDelivered e) {
      return withActuation(instances, actuation.shedDelivered(e));
    } else if (event instanceof ShedDeliveryFailed e) {
      return withActuation(instances, actuation.shedDeliveryFailed(e));
    } else if (event instanceof OverrideSet e) {
      List<ServiceOverride> next = new ArrayList<>(overrides);
      next.add(e.override());
      return withOverrides(next);
    } else if (event instanceof OverrideCancelled e) {
      return withOverrides(without(e.id()));
    } else if (event instanceof OverrideExpired e) {
      return withOverrides(without(e.id()));
    }
    throw new IllegalArgumentException("unknown event " + event.getClass().getName());
  }

  private ServiceState withSamples(SamplesRecorded e) {
    List<OpenWindow> windows = new ArrayList<>(openWindows);
    int i = indexOfWindow(e.windowStart());
    if (i >= 0) {
      windows.set(i, windows.get(i).plus(e.samples()));
    } else {
      windows.add(OpenWindow.empty(e.windowStart(), e.windowEnd()).plus(e.samples()));
      windows.sort(Comparator.comparing(OpenWindow::start));
    }
    return new ServiceState(policy, policySetBy, instances, desiredInstances, admission, shedReason, windows,
        closedThrough, lastSampleAt, recentWindows, recentDecisions, samplesRecorded + e.samples().size(), actuation,
        admissionChangedAt, overrides);
  }

  private ServiceState withObservation(MetricsObserved e) {
    List<OpenWindow> windows = new ArrayList<>(openWindows);
    windows.removeIf(w -> w.start().equals(e.windowStart()));
    Instant closed = closedThrough == null || e.windowEnd().isAfter(closedThrough) ? e.windowEnd() : closedThrough;
    InstanceCounts reported = e.instances() != null ? e.instances() : instances;
    Instant sampled = e.sampleCount() > 0 && (lastSampleAt == null || e.windowEnd().isAfter(lastSampleAt))
        ? e.windowEnd() : lastSampleAt;
    return new ServiceState(policy, policySetBy, reported, desiredInstances, admission, shedReason, windows, closed,
        sampled, within(recentWindows, e, MetricsObserved::windowEnd), recentDecisions, samplesRecorded,
        actuation.observed(reported), admissionChangedAt, overrides);
  }

  private ServiceState withOverrides(List<ServiceOverride> next) {
    return new ServiceState(policy, policySetBy, instances, desiredInstances, admission, shedReason, openWindows,
        closedThrough, lastSampleAt, recentWindows, recentDecisions, samplesRecorded, actuation, admissionChangedAt,
        next);
  }

  private List<ServiceOverride> without(String id) {
    return overrides.stream().filter(o -> !o.id().equals(id)).toList();
  }

  /** The override with this id, if it is set and has not ended. */
  public Optional<ServiceOverride> override(String id) {
    return overrides.stream().filter(o -> o.id().equals(id)).findFirst();
  }

  private ServiceState withActuation(InstanceCounts reported, Actuation next) {
    return new ServiceState(policy, policySetBy, reported, desiredInstances, admission, shedReason, openWindows,
        closedThrough, lastSampleAt, recentWindows, recentDecisions, samplesRecorded, next,
        admissionChangedAt, overrides);
  }

  private int indexOfWindow(Instant start) {
    for (int i = 0; i < openWindows.size(); i++) {
      if (openWindows.get(i).start().equals(start)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code history} with {@code item} appended and whatever fell out of the horizon dropped. */
  private <T> History<T> within(List<T> history, T item, Function<T, Instant> time) {
    return History.of(history).append(item, time, time.apply(item).minus(horizon()), MAX_HISTORY);
  }
}
