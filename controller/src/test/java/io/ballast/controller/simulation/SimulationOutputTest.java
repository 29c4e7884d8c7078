package io.ballast.controller.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The text of the output files and the printed table. */
class SimulationOutputTest {

  static Stream<Arguments> numbers() {
    return Stream.of(
        Arguments.of("three decimals round half away from zero", 1.2345678, 3, "1.235"),
        Arguments.of("short fractions are padded with zeros", 2.5, 3, "2.500"),
        Arguments.of("negative numbers keep their sign", -0.4, 3, "-0.400"),
        Arguments.of("a negative number that rounds to zero has no sign", -0.0004, 3, "0.000"),
        Arguments.of("no decimals means no decimal point", 17.5, 0, "18"),
        Arguments.of("large numbers are not grouped", 1234567.25, 1, "1234567.3"),
        Arguments.of("an undefined value is written empty", Double.NaN, 3, ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("numbers")
  void numbersHaveAFixedFormat(String name, double value, int decimals, String expected) {
    assertThat(Decimals.format(value, decimals)).isEqualTo(expected);
  }

  @Test
  void numbersDoNotDependOnTheDefaultLocale() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.GERMANY);
      assertThat(Decimals.format(1234.5, 2)).isEqualTo("1234.50");
    } finally {
      Locale.setDefault(before);
    }
  }

  @Test
  void awayFromTiesTheFormatIsThatOfLocaleRoot() {
    for (int i = 0; i < 10_000; i++) {
      double value = (i * 7919.123457) % 5000 - 2500;
      assertThat(Decimals.format(value, 3)).isEqualTo(String.format(Locale.ROOT, "%.3f", value));
    }
  }

  @Test
  void theTableAlignsNamesLeftAndNumbersRight() {
    PolicyReport a = new PolicyReport("oracle", 0, 12.5, 0, 80, 30, -400, 10, 5, 99.5, 90, 0, Double.NaN, 19.2,
        47, 0, 0);
    PolicyReport b = new PolicyReport("static-peak", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15.5, 16);

    List<String> lines = ReportFiles.table(List.of(a, b)).lines().toList();

    assertThat(lines).hasSize(3).extracting(String::length).containsOnly(lines.get(0).length());
    assertThat(lines.get(1)).startsWith("oracle       ").contains("  -  ");
    assertThat(lines.get(2)).startsWith("static-peak  ").endsWith("  16");
  }
}
