package io.ballast.controller.shedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.persistence.event.Admission;
import io.ballast.persistence.event.ShedReason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class AdmissionViewTest {

  private static final Instant DECIDED = Instant.parse("2026-11-25T12:00:00Z");
  private static final List<String> CLASSES = List.of("critical", "sheddable");
  private static final SheddingSettings SETTINGS = SheddingSettings.defaults();

  private static AdmissionSnapshot shedding(double sheddableAdmitted, Instant expectedReadyAt) {
    return new AdmissionSnapshot("checkout", 42, List.of(new Admission("sheddable", sheddableAdmitted)),
        new ShedReason(ShedReason.Code.DEFICIT, 400, 180, 220, 220), DECIDED, DECIDED.minusSeconds(10),
        expectedReadyAt);
  }

  static Stream<Arguments> percentages() {
    return Stream.of(
        Arguments.of("everything admitted sheds 0 %", 1.0, 0),
        Arguments.of("a sliver shed still sheds 1 %, never 0 while shedding", 0.999, 1),
        Arguments.of("a quarter admitted sheds 75 %", 0.25, 75),
        Arguments.of("half a percent rounds to the nearest", 0.655, 35),
        Arguments.of("a sliver admitted still admits 1 %, never 100 while admitting", 0.001, 99),
        Arguments.of("nothing admitted sheds 100 %", 0.0, 100));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("percentages")
  void the_shed_percentage_is_whole_and_keeps_partial_shedding_partial(String name, double admitted, int percent) {
    assertThat(AdmissionView.shedPercent(admitted)).isEqualTo(percent);
  }

  @Test
  void every_class_is_listed_and_the_admission_holds_for_its_time_to_live() {
    AdmissionView view = AdmissionView.of(shedding(0.25, null), CLASSES, SETTINGS, DECIDED.plusSeconds(1));

    assertThat(view.classes()).containsExactly(new AdmissionView.ClassAdmission("critical", 1.0, 0),
        new AdmissionView.ClassAdmission("sheddable", 0.25, 75));
    assertThat(view.shedding()).isTrue();
    assertThat(view.validUntil()).isEqualTo(DECIDED.plus(SETTINGS.ttl()));
    assertThat(view.reason().code()).isEqualTo(ShedReason.Code.DEFICIT);
    assertThat(view.seq()).isEqualTo(42);
  }

  @Test
  void rejected_clients_are_told_to_come_back_when_the_capacity_on_its_way_is_expected() {
    Instant now = DECIDED.plusSeconds(1);

    assertThat(AdmissionView.of(shedding(0.5, now.plusMillis(12_300)), CLASSES, SETTINGS, now).retryAfterSeconds())
        .isEqualTo(13);
    assertThat(AdmissionView.of(shedding(0.5, now.minusSeconds(30)), CLASSES, SETTINGS, now).retryAfterSeconds())
        .isEqualTo(1);
    assertThat(AdmissionView.of(shedding(0.5, now.plusSeconds(3600)), CLASSES, SETTINGS, now).retryAfterSeconds())
        .isEqualTo(SETTINGS.maxRetryAfter().toSeconds());
    assertThat(AdmissionView.of(shedding(0.5, null), CLASSES, SETTINGS, now).retryAfterSeconds())
        .isEqualTo(SETTINGS.retryAfter().toSeconds());
  }

  @Test
  void nothing_shed_means_no_retry_hint_and_a_service_that_never_shed_has_a_reason_anyway() {
    var none = new AdmissionSnapshot("checkout", 3, List.of(), null, DECIDED, null, null);

    AdmissionView view = AdmissionView.of(none, CLASSES, SETTINGS, DECIDED);

    assertThat(view.shedding()).isFalse();
    assertThat(view.retryAfterSeconds()).isZero();
    assertThat(view.reason().code()).isEqualTo(ShedReason.Code.NOT_SHEDDING);
  }

  @Test
  void the_haproxy_map_holds_every_class_the_retry_hint_and_the_deadline() {
    Map<String, String> entries = ShedEnforcementDriver.entries(shedding(0.25, null), CLASSES, "shop/checkout",
        SETTINGS, DECIDED.plusSeconds(1));

    assertThat(entries).containsExactly(
        Map.entry("shop/checkout/critical", "0"),
        Map.entry("shop/checkout/sheddable", "75"),
        Map.entry("shop/checkout/retry-after", "5"),
        Map.entry("shop/checkout/valid-until", Long.toString(DECIDED.plus(SETTINGS.ttl()).getEpochSecond())));
  }

  @Test
  void haproxy_servers_count_as_instances_by_the_state_of_their_checks() {
    List<Map<String, String>> stat = List.of(
        Map.of("pxname", "checkout", "svname", "s1", "status", "UP"),
        Map.of("pxname", "checkout", "svname", "s2", "status", "UP 1/3"),
        Map.of("pxname", "checkout", "svname", "s3", "status", "DOWN 1/2"),
        Map.of("pxname", "checkout", "svname", "s4", "status", "DOWN"),
        Map.of("pxname", "checkout", "svname", "s5", "status", "MAINT"),
        Map.of("pxname", "checkout", "svname", "s6", "status", "no check"),
        Map.of("pxname", "checkout", "svname", "BACKEND", "status", "UP"),
        Map.of("pxname", "other", "svname", "s1", "status", "UP"));

    assertThat(HaproxyMetricsSource.instances(stat, "checkout"))
        .isEqualTo(new io.ballast.persistence.event.InstanceCounts(3, 0, 1, 1));
  }

  @Test
  void settings_refuse_a_refresh_that_would_let_streamed_admissions_expire() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SheddingSettings(Duration.ofSeconds(10),
            Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(15), Duration.ofSeconds(10), Map.of(),
            List.of()))
        .hasMessageContaining("refresh");
  }
}
