package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.text.MessageFormat;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shipped language has exactly the English keys, with the same arguments per key. */
final class PageTextCatalogueTest {
  static Iterable<String> languages() {
    return PageTexts.BUILT_IN.subList(1, PageTexts.BUILT_IN.size());
  }

  private static Map<String, MessageFile.Entry> file(String tag) throws Exception {
    String name =
        "/org/smtpcr/examples/web/messages" + (tag.equals("en") ? "" : "_" + tag) + ".properties";
    try (InputStream in = PageTextCatalogueTest.class.getResourceAsStream(name)) {
      assertNotNull(in, name);
      return MessageFile.parse(name, in.readAllBytes());
    }
  }

  @ParameterizedTest
  @MethodSource("languages")
  void language_hasExactlyTheEnglishKeys_withTheSameArguments(String tag) throws Exception {
    Map<String, MessageFile.Entry> en = file("en");
    Map<String, MessageFile.Entry> xx = file(tag);
    Set<String> missing = new TreeSet<>(en.keySet());
    missing.removeAll(xx.keySet());
    Set<String> extra = new TreeSet<>(xx.keySet());
    extra.removeAll(en.keySet());
    assertEquals(Set.of(), missing, tag + ": missing keys");
    assertEquals(Set.of(), extra, tag + ": keys English does not have");
    for (String key : en.keySet()) {
      String pattern = xx.get(key).value();
      assertEquals(
          PageTexts.arguments(en.get(key).value()),
          PageTexts.arguments(pattern),
          tag + " " + key + ": arguments");
      new MessageFormat(pattern, Locale.forLanguageTag(tag)); // throws when malformed
      assertNull(
          PageTexts.textArgumentFormatted(en.get(key).value(), pattern, Locale.forLanguageTag(tag)),
          tag + " " + key);
      assertFalse(pattern.isBlank(), tag + " " + key);
    }
  }

  @ParameterizedTest
  @MethodSource("languages")
  void language_isSelectedByItsTag_andFormatsEveryText(String tag) {
    PageText t = PageTexts.builtIn().select(tag + "-XX, en;q=0.1");
    assertEquals(tag, t.languageTag());
    assertEquals(tag.equals("ar") ? "rtl" : "ltr", t.direction());
    assertFalse(t.get("page.language").equals("English"), tag);
    String when = t.dateTime(Instant.parse("2026-12-06T14:30:00Z"));
    assertTrue(when.contains("2026") && when.contains("14:30"), when);
    assertTrue(t.get("footer.keep", 400L).contains("400"), tag);
    assertTrue(t.get("footer.keep", 1L).length() > 5, tag);
  }

  @Test
  void builtInLanguages_areAllShipped() {
    assertEquals(Set.copyOf(PageTexts.BUILT_IN), PageTexts.builtIn().languages());
  }

  @Test
  void english_patternsAreValid() throws Exception {
    for (Map.Entry<String, MessageFile.Entry> e : file("en").entrySet()) {
      new MessageFormat(e.getValue().value(), Locale.ENGLISH);
    }
  }
}
