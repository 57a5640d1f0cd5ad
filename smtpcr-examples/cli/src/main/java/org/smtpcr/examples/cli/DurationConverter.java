package org.smtpcr.examples.cli;

import java.time.Duration;
import org.smtpcr.examples.runtime.SettingGrammar;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations with the runtime's {@link SettingGrammar} (the grammar of the properties file and
 * of James's XML alike): {@code 30s}, {@code 30m}, {@code 12h}, {@code 7d}, {@code 2w}, or ISO-8601
 * ({@code PT12H}, {@code P7D}). Negative durations are refused.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    try {
      return SettingGrammar.duration("the value", value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
