package org.smtpcr.examples.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

final class ProtocolWarningsTest {
  @Test
  void closing_moreThanLimitPerMinute_restGoToDebugAndAreCountedLater() {
    AtomicLong now = new AtomicLong(1_000);
    ProtocolWarnings w = new ProtocolWarnings(now::get);
    try (LogCapture log = new LogCapture()) {
      for (int i = 0; i < ProtocolWarnings.PER_MINUTE + 5; i++) {
        w.closing("127.0.0.1:" + (40000 + i), "line without '='", "junk");
      }
      assertEquals(ProtocolWarnings.PER_MINUTE, log.count("WARN"), log.text());
      now.addAndGet(60_000_000_000L);
      w.closing("127.0.0.1:50000", "line without '='", "");
      assertEquals(ProtocolWarnings.PER_MINUTE + 1, log.count("WARN"), log.text());
      assertTrue(
          log.text()
              .contains(
                  "127.0.0.1:50000 without reply: line without '='; 5 more such warnings were suppressed"),
          log.text());
    }
  }

  @Test
  void closing_excerpt_isQuotedAfterTheReason() {
    ProtocolWarnings w = new ProtocolWarnings(System::nanoTime);
    try (LogCapture log = new LogCapture()) {
      w.closing("127.0.0.1:1", "attribute without a name", Excerpt.of("=x\u0007y"));
      assertTrue(
          log.text()
              .contains(
                  "closing policy connection from 127.0.0.1:1 without reply: attribute without a name"
                      + " (line starts \"=x?y\")"),
          log.text());
    }
  }
}
