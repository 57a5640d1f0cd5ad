package org.smtpcr.examples.web;

import static java.util.Objects.requireNonNull;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The texts of the challenge page in one language, from the catalogue {@code
 * org/smtpcr/examples/web/messages.properties} (UTF-8; one file per language, such as {@code
 * messages_de.properties}). Keys are dotted names such as {@code check.wait.button}; values are
 * {@link MessageFormat} patterns with {@code {0}}-style arguments. Values are plain text: callers
 * escape them with {@link Html#escape} like any other text.
 *
 * <p>Immutable and thread-safe.
 */
final class PageText {
  static final String BUNDLE = "org.smtpcr.examples.web.messages";

  private final ResourceBundle bundle;

  private PageText(ResourceBundle bundle) {
    this.bundle = bundle;
  }

  /** The English texts. */
  static PageText english() {
    return new PageText(
        ResourceBundle.getBundle(
            BUNDLE,
            Locale.ROOT,
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES)));
  }

  /** The language of these texts, as a BCP 47 tag such as {@code en}. */
  String languageTag() {
    return "en";
  }

  /**
   * The text for {@code key}, with {@code args} formatted in.
   *
   * @throws IllegalStateException if the catalogue has no such key (a programming error)
   */
  String get(String key, Object... args) {
    requireNonNull(key, "key");
    String pattern;
    try {
      pattern = bundle.getString(key);
    } catch (MissingResourceException e) {
      throw new IllegalStateException("no page text " + key, e);
    }
    return args.length == 0 ? pattern : new MessageFormat(pattern, Locale.ROOT).format(args);
  }
}
