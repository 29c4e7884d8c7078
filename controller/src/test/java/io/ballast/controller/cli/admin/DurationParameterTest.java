package io.ballast.controller.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationParameterTest {

  @Test
  void short_forms_become_durations() {
    assertThat(DurationParameter.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(DurationParameter.parse("30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(DurationParameter.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(DurationParameter.parse("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(DurationParameter.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(DurationParameter.parse("250ms")).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void iso_8601_is_taken_as_it_is() {
    assertThat(DurationParameter.parse("PT30M")).isEqualTo(Duration.ofMinutes(30));
    assertThat(DurationParameter.parse("pt1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationParameter.parse("P1D")).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void the_api_gets_iso_8601() {
    assertThat(DurationParameter.parse("30m").toString()).isEqualTo("PT30M");
  }

  @Test
  void anything_else_or_nothing_at_all_is_refused() {
    for (String bad : new String[] {"30", "soon", "5x", "PT", "-5m", "0s", "PT-1M", ""}) {
      assertThatThrownBy(() -> DurationParameter.parse(bad)).as(bad).isInstanceOf(TypeConversionException.class);
    }
  }

  @Test
  void durations_are_shown_as_typed() {
    assertThat(DurationParameter.text(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(DurationParameter.text(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(DurationParameter.text(Duration.ofMillis(300))).isEqualTo("300ms");
  }
}
