package org.smtpcr.examples.web;

import static java.util.Objects.requireNonNull;

import java.text.MessageFormat;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The texts of the challenge page in one language, from the catalogue {@code
 * org/smtpcr/examples/web/messages.properties} (UTF-8; one file per language, such as {@code
 * messages_de.properties}) merged with an operator's files (see {@link PageTexts}). Keys are dotted
 * names such as {@code check.wait.button}; values are {@link MessageFormat} patterns with {@code
 * {0}}-style arguments. {@link #get} gives plain text, which callers escape with {@link
 * Html#escape} like any other text; {@link #html} escapes the text and puts HTML arguments in.
 *
 * <p>Every key of the English catalogue has a text here: a language that lacks one falls back along
 * its tag, then to English. Immutable and thread-safe.
 */
final class PageText {
  static final String BUNDLE = "org.smtpcr.examples.web.messages";

  /**
   * The languages written right to left by default, by primary subtag (those whose likely script in
   * CLDR is Arabic, Hebrew, Thaana, Syriac, N'Ko or Adlam).
   */
  private static final Set<String> RIGHT_TO_LEFT =
      Set.of(
          "ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "lrc", "mzn", "nqo", "ps", "sd", "syr",
          "ug", "ur", "yi");

  /** Scripts written right to left, as a tag's script subtag ({@code pa-Arab}). */
  private static final Set<String> RIGHT_TO_LEFT_SCRIPTS =
      Set.of("arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg", "mand", "samr");

  /** Marks an HTML argument in a formatted text (private use: never in a catalogue's text). */
  static final char OPEN = '\ue000';

  static final char CLOSE = '\ue001';

  private final String tag;
  private final Locale locale;
  private final Locale formatLocale;
  private final Map<String, String> texts;
  private final DateTimeFormatter date;

  PageText(String tag, Map<String, String> texts) {
    this.tag = requireNonNull(tag, "tag");
    this.locale = Locale.forLanguageTag(tag);
    // Latin digits everywhere, as in the dates and in the addresses and codes the page shows
    // (Java's CLDR data writes Arabic with Arabic-Indic digits by default)
    this.formatLocale =
        new Locale.Builder().setLocale(locale).setUnicodeLocaleKeyword("nu", "latn").build();
    this.texts = Map.copyOf(texts);
    this.date =
        DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG)
            .withLocale(locale)
            .withZone(ZoneOffset.UTC);
  }

  /** The built-in English texts. */
  static PageText english() {
    return PageTexts.builtIn().english();
  }

  /** The language of these texts, as a BCP 47 tag such as {@code en} or {@code pt-BR}. */
  String languageTag() {
    return tag;
  }

  /** The locale of these texts. */
  Locale locale() {
    return locale;
  }

  /** The writing direction for {@code <html dir>}: {@code rtl} or {@code ltr}. */
  String direction() {
    String script = locale.getScript().toLowerCase(Locale.ROOT);
    if (!script.isEmpty()) {
      return RIGHT_TO_LEFT_SCRIPTS.contains(script) ? "rtl" : "ltr";
    }
    String primary = locale.getLanguage().toLowerCase(Locale.ROOT);
    return RIGHT_TO_LEFT.contains(primary) ? "rtl" : "ltr";
  }

  /**
   * The text for {@code key}, with {@code args} formatted in (numbers and dates in this language's
   * way); plain text, to be escaped.
   *
   * @throws IllegalStateException if the catalogue has no such key (a programming error)
   */
  String get(String key, Object... args) {
    requireNonNull(key, "key");
    String pattern = texts.get(key);
    if (pattern == null) {
      throw new IllegalStateException("no page text " + key);
    }
    return new MessageFormat(pattern, formatLocale).format(args);
  }

  /**
   * The text for {@code key} as HTML: the text escaped, with {@code htmlArgs} (HTML the caller made
   * and escaped, such as {@code <bdi>bob@example.com</bdi>}) put in for {@code {0}}, {@code {1}}...
   */
  String html(String key, String... htmlArgs) {
    Object[] marks = new Object[htmlArgs.length];
    for (int i = 0; i < htmlArgs.length; i++) {
      marks[i] = OPEN + Integer.toString(i) + CLOSE;
    }
    String escaped = Html.escape(get(key, marks));
    StringBuilder sb = new StringBuilder(escaped.length() + 64);
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      int close = c == OPEN ? escaped.indexOf(CLOSE, i) : -1;
      if (close > i) {
        sb.append(htmlArgs[Integer.parseInt(escaped.substring(i + 1, close))]);
        i = close;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * A date and time as this language writes it, in UTC, such as {@code 6. Dezember 2026, 14:30
   * UTC}.
   */
  String dateTime(Instant t) {
    return get(
        "page.date-time",
        date.format(t),
        DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC).format(t));
  }

  @Override
  public String toString() {
    return "PageText[" + tag + ", " + texts.size() + " texts]";
  }
}
