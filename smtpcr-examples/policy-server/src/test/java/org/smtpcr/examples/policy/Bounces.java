package org.smtpcr.examples.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reading the bounce a {@linkplain PostfixInstance#startSending sending Postfix} writes to its
 * sender, as the sender's mail client shows it: the human-readable part, and the links in it.
 */
public final class Bounces {
  /**
   * A URL in plain text as a mail client finds it: from the scheme to the next blank, angle bracket
   * or quote; {@link #linkify} then drops the punctuation a sentence or a parenthesis puts after
   * it.
   */
  private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"]+");

  private static final String TRAILING = ".,;:!?)]}'>";

  private Bounces() {}

  /** The URLs a mail client makes links of in plain text, in order. */
  public static List<String> linkify(String text) {
    List<String> links = new ArrayList<>();
    Matcher m = URL.matcher(text);
    while (m.find()) {
      String url = m.group();
      int end = url.length();
      while (end > 0 && TRAILING.indexOf(url.charAt(end - 1)) >= 0) {
        end--;
      }
      links.add(url.substring(0, end));
    }
    return links;
  }

  /**
   * The first part of a bounce (RFC 3462 multipart/report: the notification a person reads): the
   * text between the first two MIME boundaries, without its part headers, with LF line ends.
   */
  public static String humanReadablePart(String bounce) {
    String text = bounce.replace("\r\n", "\n");
    Matcher b = Pattern.compile("boundary=\"([^\"]+)\"").matcher(text);
    if (!b.find()) {
      throw new AssertionError("not a multipart bounce:\n" + bounce);
    }
    String[] parts = text.split("\n--" + Pattern.quote(b.group(1)), -1);
    if (parts.length < 3) {
      throw new AssertionError("no report parts:\n" + bounce);
    }
    String part = parts[1];
    int body = part.indexOf("\n\n");
    if (body < 0) {
      throw new AssertionError("a part without a body:\n" + part);
    }
    return part.substring(body + 2);
  }

  /** Waits for the first message in {@code user}'s Maildir of {@code postfix}, and returns it. */
  public static String await(PostfixInstance postfix, String user, Duration timeout)
      throws IOException {
    Path dir = postfix.newMail(user);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          Optional<Path> first = files.findFirst();
          if (first.isPresent()) {
            return Files.readString(first.get(), StandardCharsets.UTF_8);
          }
        }
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    throw new AssertionError("no mail for " + user + "; maillog:\n" + postfix.maillog());
  }
}
