package org.smtpcr.core.rules;

import java.util.ArrayList;
import java.util.List;

/** Splits a decoded Subject into candidate words for pass codes and passwords, bounded. */
final class Words {
  /** At most this many candidate words (of the right length) of a Subject are returned. */
  static final int MAX_WORDS = 64;

  private Words() {}

  /** Whether {@code c} may be part of a word: ASCII letters, digits, {@code -} and {@code _}. */
  static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  /**
   * The first {@value #MAX_WORDS} maximal runs of word characters of at least {@code minLength}, up
   * to {@code maxLength}.
   */
  static List<String> of(String text, int minLength, int maxLength) {
    List<String> words = new ArrayList<>();
    int i = 0;
    int n = text.length();
    while (i < n && words.size() < MAX_WORDS) {
      while (i < n && !isWordChar(text.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && isWordChar(text.charAt(i))) {
        i++;
      }
      int len = i - start;
      if (len >= minLength && len <= maxLength) {
        words.add(text.substring(start, i));
      }
    }
    return words;
  }
}
