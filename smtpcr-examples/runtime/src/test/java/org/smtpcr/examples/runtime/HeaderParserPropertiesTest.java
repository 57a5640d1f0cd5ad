package org.smtpcr.examples.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.smtpcr.core.Header;

/**
 * {@link HeaderParser#parse} on any bytes or text never throws, stays bounded and keeps field names
 * clean.
 */
final class HeaderParserPropertiesTest {
  private static List<Header> parse(String s) {
    byte[] b = s.getBytes(UTF_8);
    return HeaderParser.parse(b, b.length);
  }

  @Property(tries = 300)
  void parse_anyBytes_neverThrowsAndStaysBounded(@ForAll @Size(max = 3000) byte[] bytes) {
    List<Header> h = HeaderParser.parse(bytes, bytes.length);
    assertTrue(h.size() <= HeaderParser.MAX_FIELDS);
    for (Header f : h) {
      assertTrue(
          !f.name().isEmpty() && f.name().chars().allMatch(c -> c > 32 && c < 127 && c != ':'),
          f.name());
      assertTrue(f.value().length() <= bytes.length);
    }
  }

  @Property(tries = 100)
  void parse_hostileText_namesNeverCarryLineBreaks(@ForAll @Size(max = 2000) String text) {
    for (Header f : parse(text)) {
      assertTrue(f.name().indexOf('\r') < 0 && f.name().indexOf('\n') < 0);
    }
  }
}
