package org.smtpcr.examples.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.reply.ReplyKind;

/**
 * The file of {@link Settings#REPLY_TEMPLATES_FILE}: {@code KIND TEXT} and {@code status KIND CODE
 * ENHANCED} lines, read as the list files are ({@link ListFile}), turned into changes of a route's
 * reply formatter. Every error names the setting, the file and the line.
 */
final class ReplyTemplates {
  private ReplyTemplates() {}

  /** What the settings' file changes in a formatter; nothing when no file is set. */
  static UnaryOperator<ReplyFormatter> from(Settings settings) {
    Path file = settings.find(Settings.REPLY_TEMPLATES_FILE).orElse(null);
    if (file == null) {
      return UnaryOperator.identity();
    }
    List<UnaryOperator<ReplyFormatter>> changes = new ArrayList<>();
    try {
      for (ListFile.Line l : ListFile.read(file)) {
        changes.add(change(l));
      }
      // each change checked now, on the English texts, so that a bad one stops the start
      apply(changes, ReplyFormatter.english());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          Settings.REPLY_TEMPLATES_FILE.key() + ": " + e.getMessage(), e);
    }
    return f -> apply(changes, f);
  }

  private static ReplyFormatter apply(
      List<UnaryOperator<ReplyFormatter>> changes, ReplyFormatter f) {
    ReplyFormatter out = f;
    for (UnaryOperator<ReplyFormatter> c : changes) {
      out = c.apply(out);
    }
    return out;
  }

  private static UnaryOperator<ReplyFormatter> change(ListFile.Line l) {
    List<String> w = l.words();
    if (w.get(0).equals("status")) {
      if (w.size() != 4) {
        throw l.error("expected status KIND CODE ENHANCED, got " + w.size() + " words");
      }
      ReplyKind kind = kind(l, w.get(1));
      int code;
      try {
        code = Integer.parseInt(w.get(2));
      } catch (NumberFormatException e) {
        throw l.error("not a reply code: " + ListFile.shown(w.get(2)));
      }
      String enhanced = w.get(3);
      try {
        ReplyFormatter.english().withStatus(kind, code, enhanced);
      } catch (IllegalArgumentException e) {
        throw l.error(e.getMessage());
      }
      return f -> f.withStatus(kind, code, enhanced);
    }
    ReplyKind kind = kind(l, w.get(0));
    if (w.size() < 2) {
      throw l.error("expected KIND TEXT, got no text for " + ListFile.shown(w.get(0)));
    }
    String text = String.join(" ", w.subList(1, w.size()));
    // core replies an unknown placeholder with nothing; here a typo is an error at start-up
    Matcher m = PLACEHOLDER.matcher(text.replace("{{", "").replace("}}", ""));
    while (m.find()) {
      if (!PLACEHOLDERS.contains(m.group(1))) {
        throw l.error(
            "unknown placeholder {"
                + ListFile.shown(m.group(1))
                + "}; one of "
                + PLACEHOLDERS
                + " (the challenge's link is always added on a line of its own)");
      }
    }
    try {
      ReplyFormatter.english().withTemplate(kind, text);
    } catch (IllegalArgumentException e) {
      throw l.error(e.getMessage());
    }
    return f -> f.withTemplate(kind, text);
  }

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)\\}");

  /** The placeholders core fills in ({@link ReplyFormatter}). */
  private static final List<String> PLACEHOLDERS =
      List.of("recipient", "sender", "client", "helo", "recipientDomain");

  private static ReplyKind kind(ListFile.Line l, String word) {
    for (ReplyKind k : ReplyKind.values()) {
      if (name(k).equals(word)) {
        return k;
      }
    }
    List<String> names = new ArrayList<>();
    for (ReplyKind k : ReplyKind.values()) {
      names.add(name(k));
    }
    throw l.error("not a reply kind: " + ListFile.shown(word) + "; one of " + names);
  }

  /** {@code NOT_LOCAL} as written in the file: {@code not-local}. */
  static String name(ReplyKind kind) {
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
