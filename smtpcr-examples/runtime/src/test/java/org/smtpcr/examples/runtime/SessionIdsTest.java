package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

final class SessionIdsTest {
  @Test
  void sanitize_keepsPrintableAsciiUpTo64() {
    assertEquals(Optional.of("4F2A1B3C"), SessionIds.sanitize("4F2A1B3C"));
    assertEquals(Optional.of("ab"), SessionIds.sanitize("a\r\nb "));
    assertEquals(Optional.of("x".repeat(64)), SessionIds.sanitize("x".repeat(100)));
    assertEquals(Optional.empty(), SessionIds.sanitize(" \t"));
    assertEquals(Optional.empty(), SessionIds.sanitize(null));
  }

  @Property
  void sanitize_anyInput_isSafe(@ForAll String id) {
    SessionIds.sanitize(id)
        .ifPresent(
            s -> {
              assertTrue(s.length() >= 1 && s.length() <= SessionIds.MAX_LENGTH, s);
              assertTrue(s.chars().allMatch(c -> c >= '!' && c <= '~'), s);
            });
  }
}
