package io.ballast.controller.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.Mode;
import io.ballast.persistence.event.OverrideSet;
import io.ballast.persistence.event.Reason;
import io.ballast.persistence.event.Reason.Code;
import io.ballast.persistence.event.ScaleDecided;
import io.ballast.persistence.event.ServiceOverride;
import io.ballast.persistence.event.ShedReason;
import io.ballast.persistence.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OverridesTest {

  private static final Instant T = Instant.parse("2026-11-25T12:00:00Z");

  /** A service whose last decision set 10 instances, with these overrides. */
  private static ServiceState with(ServiceOverride... overrides) {
    ServiceState s = ServiceState.initial()
        .apply(new ScaleDecided(T.minusSeconds(5), 8, 10, Mode.NORMAL,
            new Reason(Code.TRACKING_TARGET, Reason.Signal.NONE, 0, 0, 10)));
    for (ServiceOverride o : overrides) {
      s = s.apply(new OverrideSet(T.minusSeconds(60), o));
    }
    return s;
  }

  private static ServiceOverride override(String id, ServiceOverride.Kind kind, Integer instances, Integer min,
      Integer max, Boolean in, Boolean out, Map<String, Double> admit) {
    return new ServiceOverride(id, kind, instances, min, max, in, out, admit, "incident 42", "alice",
        T.minusSeconds(60), T.plus(Duration.ofMinutes(30)));
  }

  private static ServiceOverride pin(String id, int n) {
    return override(id, ServiceOverride.Kind.PIN, n, null, null, null, null, null);
  }

  private static Decision policyDecides(int desired) {
    return new Decision(desired, Mode.NORMAL, new Reason(Code.TRACKING_TARGET, Reason.Signal.REQUESTS_PER_INSTANCE,
        150, 100, desired), List.of(new Admission("sheddable", 0.5)),
        new ShedReason(ShedReason.Code.DEFICIT, 400, 300, 100, 100));
  }

  static Stream<Arguments> counts() {
    return Stream.of(
        Arguments.of("a pin holds its count whatever the policy wants", with(pin("ovr-1", 4)), 15, 4,
            Code.OVERRIDE_PIN, "ovr-1"),
        Arguments.of("the newest of two pins holds", with(pin("ovr-1", 4), pin("ovr-2", 6)), 15, 6,
            Code.OVERRIDE_PIN, "ovr-2"),
        Arguments.of("a temporary floor raises the count",
            with(override("ovr-3", ServiceOverride.Kind.BOUNDS, null, 12, null, null, null, null)), 9, 12,
            Code.OVERRIDE_MIN, "ovr-3"),
        Arguments.of("a temporary ceiling lowers the count",
            with(override("ovr-4", ServiceOverride.Kind.BOUNDS, null, null, 11, null, null, null)), 15, 11,
            Code.OVERRIDE_MAX, "ovr-4"),
        Arguments.of("a freeze of scale-in keeps the count from going down",
            with(override("ovr-5", ServiceOverride.Kind.FREEZE, null, null, null, true, false, null)), 7, 10,
            Code.OVERRIDE_FREEZE_SCALE_IN, "ovr-5"),
        Arguments.of("a freeze of scale-out keeps the count from going up",
            with(override("ovr-6", ServiceOverride.Kind.FREEZE, null, null, null, false, true, null)), 15, 10,
            Code.OVERRIDE_FREEZE_SCALE_OUT, "ovr-6"),
        Arguments.of("a pin wins over a ceiling",
            with(override("ovr-7", ServiceOverride.Kind.BOUNDS, null, null, 5, null, null, null), pin("ovr-8", 20)),
            15, 20, Code.OVERRIDE_PIN, "ovr-8"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("counts")
  void overrides_shape_the_count_and_are_named_in_the_reason(String name, ServiceState state, int policyWants,
      int decided, Code code, String overrideId) {
    Decision d = Overrides.apply(policyDecides(policyWants), state, T);

    assertThat(d.desiredInstances()).isEqualTo(decided);
    assertThat(d.reason().code()).isEqualTo(code);
    assertThat(d.reason().limits()).last().isEqualTo(new Reason.Limit(code, decided, overrideId));
    assertThat(d.reason().recommended()).as("the policy's own recommendation is kept").isEqualTo(policyWants);
    assertThat(d.reason().explain()).contains(overrideId);
  }

  @Test
  void an_override_that_does_not_bind_leaves_the_decision_as_it_was() {
    ServiceState state = with(override("ovr-1", ServiceOverride.Kind.FREEZE, null, null, null, true, false, null));

    assertThat(Overrides.apply(policyDecides(15), state, T)).isEqualTo(policyDecides(15));
  }

  @Test
  void an_override_before_its_start_or_after_its_expiry_does_nothing() {
    ServiceState state = with(pin("ovr-1", 4));

    assertThat(Overrides.apply(policyDecides(15), state, T.minusSeconds(61)).desiredInstances()).isEqualTo(15);
    assertThat(Overrides.apply(policyDecides(15), state, T.plus(Duration.ofMinutes(30))).desiredInstances())
        .isEqualTo(15);
  }

  @Test
  void a_forced_shed_level_replaces_the_policys_for_its_classes_and_names_itself() {
    ServiceState state = with(override("ovr-9", ServiceOverride.Kind.SHED, null, null, null, null, null,
        Map.of("sheddable", 1.0, "sheddable_plus", 0.25)));

    Decision d = Overrides.apply(policyDecides(15), state, T);

    assertThat(d.admission()).containsExactly(new Admission("sheddable", 1.0), new Admission("sheddable_plus", 0.25));
    assertThat(d.shedReason().code()).isEqualTo(ShedReason.Code.OVERRIDE);
    assertThat(d.shedReason().override()).isEqualTo("ovr-9");
  }

  @Test
  void a_pause_changes_no_number_but_is_named_and_reported() {
    ServiceState state = with(override("ovr-10", ServiceOverride.Kind.PAUSE, null, null, null, null, null, null));

    Decision d = Overrides.apply(policyDecides(15), state, T);

    assertThat(d.desiredInstances()).isEqualTo(15);
    assertThat(d.reason().limits()).contains(new Reason.Limit(Code.OVERRIDE_PAUSE, 15, "ovr-10"));
    assertThat(Overrides.paused(state, T)).isTrue();
    assertThat(Overrides.paused(state, T.plus(Duration.ofHours(1)))).isFalse();
  }
}
