package org.smtpcr.auth.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

final class DnsmasqTest {
  @Test
  void requireInstalled_missing_failsWhenRequired_skipsOtherwise() {
    String binary = System.getProperty("smtpcr.dnsmasq");
    String required = System.getProperty("smtpcr.it.required");
    try {
      System.setProperty("smtpcr.dnsmasq", "/nonexistent/dnsmasq");
      System.setProperty("smtpcr.it.required", "true");
      assertThrows(AssertionFailedError.class, Dnsmasq::requireInstalled);
      System.setProperty("smtpcr.it.required", "false");
      assertThrows(TestAbortedException.class, Dnsmasq::requireInstalled);
    } finally {
      restore("smtpcr.dnsmasq", binary);
      restore("smtpcr.it.required", required);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  @Test
  void split_cutsAt255BytesWithoutBreakingCharacters() {
    List<String> parts = Dnsmasq.split("é".repeat(200));
    assertEquals(2, parts.size());
    assertEquals(127, parts.get(0).length());
    assertEquals("é".repeat(200), String.join("", parts));
  }
}
