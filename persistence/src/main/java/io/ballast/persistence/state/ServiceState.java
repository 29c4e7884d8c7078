package io.ballast.persistence.state;

import io.ballast.persistence.CborSerializable;
import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.MetricsObserved;
import io.ballast.persistence.event.PolicySet;
import io.ballast.persistence.event.PolicySettings;
import io.ballast.persistence.event.SamplesRecorded;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ServiceEvent;
import io.ballast.persistence.event.ShedLevelsChanged;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Everything Ballast knows about one service, rebuilt from its events by {@link #apply}. It is a value:
 * {@code apply} reads no clock and does no I/O, so the live entity, recovery and replay all reach the
 * same state from the same events.
 *
 * @param policy the policy in force, {@code null} until the first {@link PolicySet}
 * @param policySetBy who set it ({@code config}, or later an operator)
 * @param instances the latest instance counts reported, {@link InstanceCounts#NONE} until one is
 * @param desiredInstances the latest decision, 0 until the first one
 * @param admission the fraction of each class to admit; classes not listed are admitted in full
 * @param openWindows windows still taking samples, oldest first
 * @param closedThrough the end of the latest closed window; samples before it are late
 * @param recentWindows the latest closed windows, oldest first, at most {@value #RECENT_WINDOWS}
 * @param recentDecisions the latest decisions, oldest first, at most {@value #RECENT_DECISIONS}
 * @param samplesRecorded how many samples were ever recorded
 */
public record ServiceState(
    PolicySettings policy,
    String policySetBy,
    InstanceCounts instances,
    int desiredInstances,
    List<Admission> admission,
    List<OpenWindow> openWindows,
    Instant closedThrough,
    List<MetricsObserved> recentWindows,
    List<ScaleDecided> recentDecisions,
    long samplesRecorded)
    implements CborSerializable {

  public static final int RECENT_WINDOWS = 12;
  public static final int RECENT_DECISIONS = 20;

  public ServiceState {
    admission = List.copyOf(admission);
    openWindows = List.copyOf(openWindows);
    recentWindows = List.copyOf(recentWindows);
    recentDecisions = List.copyOf(recentDecisions);
  }

  public static ServiceState initial() {
    return new ServiceState(null, null, InstanceCounts.NONE, 0, List.of(), List.of(), null, List.of(), List.of(), 0);
  }

  /** True for a service that has never recorded anything: it exists only because someone asked for it. */
  public boolean isEmpty() {
    return policy == null && samplesRecorded == 0;
  }

  public Optional<ScaleDecided> lastDecision() {
    return recentDecisions.isEmpty() ? Optional.empty() : Optional.of(recentDecisions.get(recentDecisions.size() - 1));
  }

  public Optional<OpenWindow> openWindow(Instant start) {
    return openWindows.stream().filter(w -> w.start().equals(start)).findFirst();
  }

  /** The state after {@code event}. This is the entity's whole event handler. */
  public ServiceState apply(ServiceEvent event) {
    if (event instanceof SamplesRecorded e) {
      return withSamples(e);
    } else if (event instanceof MetricsObserved e) {
      return withObservation(e);
    } else if (event instanceof ScaleDecided e) {
      return new ServiceState(policy, policySetBy, instances, e.to(), admission, openWindows, closedThrough,
          recentWindows, appendBounded(recentDecisions, e, RECENT_DECISIONS), samplesRecorded);
    } else if (event instanceof ShedLevelsChanged e) {
      return new ServiceState(policy, policySetBy, instances, desiredInstances, e.admission(), openWindows,
          closedThrough, recentWindows, recentDecisions, samplesRecorded);
    } else if (event instanceof PolicySet e) {
      return new ServiceState(e.settings(), e.setBy(), instances, desiredInstances, admission, openWindows,
          closedThrough, recentWindows, recentDecisions, samplesRecorded);
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
    return new ServiceState(policy, policySetBy, instances, desiredInstances, admission, windows, closedThrough,
        recentWindows, recentDecisions, samplesRecorded + e.samples().size());
  }

  private ServiceState withObservation(MetricsObserved e) {
    List<OpenWindow> windows = new ArrayList<>(openWindows);
    windows.removeIf(w -> w.start().equals(e.windowStart()));
    Instant closed = closedThrough == null || e.windowEnd().isAfter(closedThrough) ? e.windowEnd() : closedThrough;
    InstanceCounts reported = e.instances() != null ? e.instances() : instances;
    return new ServiceState(policy, policySetBy, reported, desiredInstances, admission, windows, closed,
        appendBounded(recentWindows, e, RECENT_WINDOWS), recentDecisions, samplesRecorded);
  }

  private int indexOfWindow(Instant start) {
    for (int i = 0; i < openWindows.size(); i++) {
      if (openWindows.get(i).start().equals(start)) {
        return i;
      }
    }
    return -1;
  }

  private static <T> List<T> appendBounded(List<T> list, T item, int max) {
    List<T> next = new ArrayList<>(list.size() + 1);
    int from = Math.max(0, list.size() + 1 - max);
    next.addAll(list.subList(from, list.size()));
    next.add(item);
    return next;
  }
}
