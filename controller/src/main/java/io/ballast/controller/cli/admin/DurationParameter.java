package io.ballast.controller.cli.admin;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A positive duration as operators type it ({@code 90s}, {@code 30m}, {@code 2h}, {@code 1d}, {@code 1h30m},
 * {@code 500ms}) or as ISO-8601 ({@code PT30M}). The API takes ISO-8601 ({@link Duration#toString()}); a
 * value that is neither is a usage error (exit 2) before anything is sent.
 */
public final class DurationParameter implements ITypeConverter<Duration> {

  private static final Pattern WHOLE = Pattern.compile("(\\d+(?:ms|s|m|h|d))+");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  public static Duration parse(String value) {
    String text = value.strip().toLowerCase(Locale.ROOT);
    Duration duration;
    if (text.startsWith("p")) {
      try {
        duration = Duration.parse(text.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw invalid(value);
      }
    } else if (WHOLE.matcher(text).matches()) {
      duration = Duration.ZERO;
      Matcher part = PART.matcher(text);
      while (part.find()) {
        long amount = Long.parseLong(part.group(1));
        duration = duration.plus(switch (part.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        });
      }
    } else {
      throw invalid(value);
    }
    if (duration.isZero() || duration.isNegative()) {
      throw new TypeConversionException("'" + value + "' is not a positive duration");
    }
    return duration;
  }

  /** A duration the way it is typed: {@code 10s}, {@code 1h30m}, {@code 250ms}. */
  public static String text(Duration duration) {
    StringBuilder text = new StringBuilder();
    long days = duration.toDaysPart();
    if (days > 0) {
      text.append(days).append('d');
    }
    append(text, duration.toHoursPart(), "h");
    append(text, duration.toMinutesPart(), "m");
    append(text, duration.toSecondsPart(), "s");
    append(text, duration.toMillisPart(), "ms");
    return text.length() == 0 ? "0s" : text.toString();
  }

  private static void append(StringBuilder text, int amount, String unit) {
    if (amount > 0) {
      text.append(amount).append(unit);
    }
  }

  private static TypeConversionException invalid(String value) {
    return new TypeConversionException("'" + value + "' is not a duration: use 90s, 30m, 2h, 1d (or 1h30m), "
        + "or ISO-8601 such as PT30M");
  }
}
