package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PageTextTest {
  @Test
  void english_knownKey_returnsItsText() {
    assertEquals("English", PageText.english().get("page.language"));
  }

  @Test
  void english_unknownKey_failsNamingTheKey() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> PageText.english().get("no.such.key"));
    assertEquals("no page text no.such.key", e.getMessage());
  }
}
