package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import picocli.CommandLine.TypeConversionException;

/**
 * The duration and host:port converters parse or cleanly refuse any text, and whole days
 * round-trip.
 */
final class ConvertersPropertiesTest {
  @Property(tries = 300)
  void duration_anyText_parsesOrRefusesCleanly(@ForAll @StringLength(max = 64) String text) {
    try {
      Duration d = DurationConverter.parse(text);
      assertTrue(!d.isNegative());
    } catch (TypeConversionException e) {
      assertTrue(e.getMessage().length() < 100);
    }
  }

  @Property(tries = 100)
  void duration_wholeDays_roundTrip(@ForAll @IntRange(min = 0, max = 100_000) int days) {
    assertEquals(Duration.ofDays(days), DurationConverter.parse(days + "d"));
  }

  @Property(tries = 200)
  void hostPort_anyText_parsesOrRefusesCleanly(@ForAll @StringLength(max = 400) String text) {
    // only literal forms are generated rarely; names would need DNS, so keep to refusals and
    // literals
    if (text.matches("[A-Za-z.-]*[A-Za-z-][A-Za-z.-]*:[0-9]{1,5}")) {
      return; // a host name: resolving it is DNS, not parsing
    }
    try {
      InetSocketAddress a = HostPortConverter.parse(text);
      assertTrue(a.getPort() >= 0 && a.getPort() <= 65535);
    } catch (TypeConversionException e) {
      assertTrue(e.getMessage().length() < 100);
    }
  }
}
