package org.smtpcr.examples.web.check;

import java.util.Optional;

/**
 * The fields of a posted form, each name given once (the page refuses a form that repeats a name,
 * is larger than 8 KiB or has more than 16 fields before any check sees it).
 *
 * @since 0.4.0
 */
@FunctionalInterface
public interface CheckForm {
  /** Most decimal digits {@link #decimal} accepts. */
  int MAX_DECIMAL_DIGITS = 18;

  /**
   * The value of field {@code name}, decoded.
   *
   * @param name the field name
   * @return the value, or empty when the form has no such field
   */
  Optional<String> field(String name);

  /**
   * The value of field {@code name} as a non-negative decimal number of 1 to {@value
   * #MAX_DECIMAL_DIGITS} ASCII digits (no sign, no spaces).
   *
   * @param name the field name
   * @return the number, or empty when the field is missing or not of that form
   */
  default Optional<Long> decimal(String name) {
    return field(name).flatMap(CheckForm::parseDecimal);
  }

  /**
   * {@code s} as a non-negative decimal number of 1 to {@value #MAX_DECIMAL_DIGITS} ASCII digits.
   *
   * @param s the text
   * @return the number, or empty when {@code s} is not of that form
   */
  static Optional<Long> parseDecimal(String s) {
    if (s.isEmpty() || s.length() > MAX_DECIMAL_DIGITS) {
      return Optional.empty();
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return Optional.empty();
      }
    }
    return Optional.of(Long.parseLong(s));
  }
}
