package org.smtpcr.examples.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations as people write them: a whole number and a unit, {@code 30s}, {@code 30m},
 * {@code 12h}, {@code 7d}, {@code 2w}; or ISO-8601 ({@code PT12H}, {@code P7D}). At most
 * {@value #MAX_LENGTH} characters; negative durations are refused.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  static final int MAX_LENGTH = 32;
  private static final Pattern SHORT = Pattern.compile("([0-9]{1,9})\\s?([smhdw])");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    if (value.length() > MAX_LENGTH) {
      throw new TypeConversionException("a duration has at most " + MAX_LENGTH + " characters");
    }
    String v = value.strip().toLowerCase(java.util.Locale.ROOT);
    Matcher m = SHORT.matcher(v);
    Duration d;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofDays(7 * n);
      };
    } else if (v.startsWith("p")) {
      try {
        d = Duration.parse(v);
      } catch (DateTimeParseException e) {
        throw new TypeConversionException("not a duration; write it like 30m, 12h, 7d or PT12H");
      }
    } else {
      throw new TypeConversionException("not a duration; write it like 30m, 12h, 7d or PT12H");
    }
    if (d.isNegative()) {
      throw new TypeConversionException("a duration must not be negative");
    }
    return d;
  }
}
