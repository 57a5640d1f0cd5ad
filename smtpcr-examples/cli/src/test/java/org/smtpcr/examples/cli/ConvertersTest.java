package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

final class ConvertersTest {
  @Test
  void duration_shortForms_parsed() {
    assertEquals(Duration.ofSeconds(30), DurationConverter.parse("30s"));
    assertEquals(Duration.ofMinutes(30), DurationConverter.parse("30m"));
    assertEquals(Duration.ofHours(12), DurationConverter.parse("12h"));
    assertEquals(Duration.ofDays(7), DurationConverter.parse("7d"));
    assertEquals(Duration.ofDays(14), DurationConverter.parse("2W"));
    assertEquals(Duration.ofHours(12), DurationConverter.parse("PT12H"));
    assertEquals(Duration.ofDays(7), DurationConverter.parse("P7D"));
  }

  @Test
  void duration_badForms_refused() {
    for (String s :
        new String[] {"", "7", "d", "7y", "-7d", "P-7D", "7d7d", "1.5h", "x".repeat(40), "PTxH"}) {
      assertThrows(TypeConversionException.class, () -> DurationConverter.parse(s), s);
    }
  }

  @Test
  void hostPort_forms_parsed() throws Exception {
    assertEquals(
        new InetSocketAddress(InetAddresses.forString("127.0.0.1"), 2525),
        HostPortConverter.parse("127.0.0.1:2525"));
    assertEquals(
        new InetSocketAddress(InetAddresses.forString("::1"), 25),
        HostPortConverter.parse("[::1]:25"));
    assertEquals(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), HostPortConverter.parse(":0"));
    assertEquals(
        new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 8080),
        HostPortConverter.parse("0.0.0.0:8080"));
  }

  @Test
  void hostPort_badForms_refused() {
    for (String s :
        new String[] {
          "", "2525", "host", "1.2.3.4:65536", "a b:1", "[::1:25", "h:p", "x".repeat(400) + ":1"
        }) {
      assertThrows(TypeConversionException.class, () -> HostPortConverter.parse(s), s);
    }
  }
}
