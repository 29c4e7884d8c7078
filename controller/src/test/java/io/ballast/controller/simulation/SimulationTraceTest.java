package io.ballast.controller.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading the trace format of shared/traces, and refusing anything else with the line it is on. */
class SimulationTraceTest {

  static Stream<Arguments> malformed() {
    String h = Trace.HEADER + "\n";
    return Stream.of(
        Arguments.of("an empty file has no header", "", "test.csv:1: empty file"),
        Arguments.of("a different header is refused", "t,rps,count\n0,1,1\n", "test.csv:1: header must be"),
        Arguments.of("a row with two fields is refused", h + "0,1.0,1\n60,2\n", "test.csv:3: expected 3 fields"),
        Arguments.of("a time that is not a whole number is refused", h + "0,1.0,1\nsoon,1.0,1\n",
            "test.csv:3: t_seconds 'soon' is not a whole number"),
        Arguments.of("a count that is not a whole number is refused", h + "0,1.0,1.5\n",
            "test.csv:2: count '1.5' is not a whole number"),
        Arguments.of("a rate that is not a number is refused", h + "0,fast,1\n",
            "test.csv:2: requests_per_second 'fast' is not a number"),
        Arguments.of("a negative count is refused", h + "0,1.0,-1\n", "test.csv:2: count must be >= 0"),
        Arguments.of("a repeated time is refused", h + "0,1.0,1\n60,1.0,60\n60,1.0,60\n",
            "test.csv:4: t_seconds 60 does not increase (the row before has 60)"),
        Arguments.of("a time going back is refused", h + "0,1.0,1\n60,1.0,60\n30,1.0,60\n",
            "test.csv:4: t_seconds 30 does not increase"),
        Arguments.of("a header alone holds no data", h, "test.csv: no data rows"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void aMalformedTraceIsRefusedNamingTheLine(String name, String csv, String message) {
    assertThatThrownBy(() -> SimTraces.parse(csv))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(message);
  }

  @Test
  void theIntervalIsTheSmallestStepAndLargerStepsAreGaps() {
    Trace t = SimTraces.rows("0,1.0,60", "60,2.0,120", "300,1.0,60", "360,1.0,60");

    assertThat(t.intervalSeconds()).isEqualTo(60);
    assertThat(t.endSeconds()).isEqualTo(420);
  }

  @Test
  void blankLinesAndWindowsLineEndsAreAccepted() {
    Trace t = SimTraces.parse(Trace.HEADER + "\r\n0,1.0,1\r\n\r\n1,2.0,2\r\n");

    assertThat(t.rows()).isEqualTo(2);
    assertThat(t.count(1)).isEqualTo(2);
  }
}
