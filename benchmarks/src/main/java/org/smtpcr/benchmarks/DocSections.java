package org.smtpcr.benchmarks;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Generated sections of {@code docs/benchmarks.md}. Each benchmark group owns one {@code ##}
 * section between a pair of marker comments and replaces only that:
 *
 * <pre>
 * &lt;!-- BEGIN GENERATED: tokens --&gt;
 * ## ...
 * &lt;!-- END GENERATED: tokens --&gt;
 * </pre>
 *
 * Text outside the markers, other groups' sections included, is kept byte for byte.
 */
public final class DocSections {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]*");

  private DocSections() {}

  /** The opening marker of section {@code id}. */
  public static String begin(String id) {
    return "<!-- BEGIN GENERATED: " + checkId(id) + " -->";
  }

  /** The closing marker of section {@code id}. */
  public static String end(String id) {
    return "<!-- END GENERATED: " + checkId(id) + " -->";
  }

  /**
   * {@code doc} with the section {@code id} replaced by {@code body} (markers kept), or with the
   * section appended at the end when the doc has none yet.
   *
   * @throws IllegalArgumentException if the markers of {@code id} are unbalanced or out of order
   */
  public static String splice(String doc, String id, String body) {
    requireNonNull(doc, "doc");
    requireNonNull(body, "body");
    String begin = begin(id);
    String end = end(id);
    String section = begin + "\n" + body.strip() + "\n" + end;
    int b = doc.indexOf(begin);
    int e = doc.indexOf(end);
    if (b < 0 && e < 0) {
      String head = doc.stripTrailing();
      return (head.isEmpty() ? "" : head + "\n\n") + section + "\n";
    }
    if (b < 0 || e < b || doc.indexOf(begin, b + 1) >= 0 || doc.indexOf(end, e + 1) >= 0) {
      throw new IllegalArgumentException("the markers of section '" + id + "' are unbalanced or out of order");
    }
    return doc.substring(0, b) + section + doc.substring(e + end.length());
  }

  private static String checkId(String id) {
    requireNonNull(id, "id");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("section id must match " + ID + ": " + id);
    }
    return id;
  }

  /**
   * Writes {@code body} as section {@code id} of {@code doc} (created when missing), or prints it
   * with its markers when {@code doc} is null.
   */
  static void publish(String doc, String id, String body) throws IOException {
    if (doc == null) {
      System.out.println(begin(id));
      System.out.println(body.strip());
      System.out.println(end(id));
      return;
    }
    Path docPath = Path.of(doc);
    String old = Files.exists(docPath) ? Files.readString(docPath, StandardCharsets.UTF_8) : "# Benchmarks\n";
    Files.writeString(docPath, splice(old, id, body), StandardCharsets.UTF_8);
    System.out.println("Updated section '" + id + "' of " + doc);
  }
}
