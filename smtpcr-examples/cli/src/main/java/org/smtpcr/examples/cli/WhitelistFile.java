package org.smtpcr.examples.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.core.store.WhitelistAddition;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * The text format of {@code whitelist import} and {@code export} (docs/stores.md): UTF-8, one entry
 * a line, fields separated by spaces or tabs:
 *
 * <pre>
 * # comment lines and blank lines are ignored
 * SENDER     RECIPIENT  EXPIRY                [AUTHENTICATION]
 * alice@example.org  bob@example.com  never
 * &#64;example.net       *                2027-06-30T00:00:00Z  spf
 * </pre>
 *
 * SENDER is an address or {@code @domain}, RECIPIENT an address or {@code *} (anyone), EXPIRY an
 * ISO-8601 date and time with {@code Z} or an offset, or {@code never} (or {@code -}),
 * AUTHENTICATION one of the {@link SenderAuthentication} keywords (default {@code unchecked}).
 * Addresses and domains are canonicalized as {@code whitelist add} does. A {@code #} starts a
 * comment only at the start of a line (it may appear in an address). A later line for the same key
 * replaces an earlier one; an entry whose expiry has passed is skipped. Bounded: {@value
 * #MAX_LINE_LENGTH} characters a line, {@value #MAX_ENTRIES} entries, {@value #MAX_CHARACTERS}
 * characters in all.
 */
final class WhitelistFile {
  static final int MAX_LINE_LENGTH = 1024;
  static final int MAX_ENTRIES = 500_000;
  static final long MAX_CHARACTERS = 64L * 1024 * 1024;

  /** Errors reported before a parse gives up. */
  static final int MAX_ERRORS = 20;

  private static final String NEVER = "never";
  private static final Pattern FIELDS = Pattern.compile("[ \t]+");

  private WhitelistFile() {}

  /** What a file holds: the entries to add, in file order, one per key. */
  record Parsed(List<WhitelistAddition> additions, int expired, int replacedLines) {
    Parsed {
      additions = List.copyOf(additions);
    }
  }

  /**
   * A file that cannot be imported. Its message names the line of each error (up to {@value
   * #MAX_ERRORS}); it never contains a control character.
   */
  static final class FormatException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> errors;

    FormatException(List<String> errors) {
      super(String.join("\n", errors));
      this.errors = List.copyOf(errors);
    }

    List<String> errors() {
      return errors;
    }
  }

  /**
   * Reads a whole file. Nothing is returned unless every line is good.
   *
   * @param in the bytes, UTF-8; not closed
   * @param canonicalizer the site's canonicalizer (sub-address separators)
   * @param now entries that expire at or before this are skipped
   */
  static Parsed parse(InputStream in, AddressCanonicalizer canonicalizer, Instant now)
      throws IOException, FormatException {
    requireNonNull(in, "in");
    requireNonNull(canonicalizer, "canonicalizer");
    requireNonNull(now, "now");
    Reader r =
        new InputStreamReader(
            in,
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
    List<String> errors = new ArrayList<>();
    Map<WhitelistKey, WhitelistAddition> byKey = new LinkedHashMap<>();
    int expired = 0;
    int replaced = 0;
    StringBuilder line = new StringBuilder();
    long total = 0;
    int lineNumber = 1;
    boolean tooLong = false;
    boolean control = false;
    int controlColumn = 0;
    while (errors.size() < MAX_ERRORS) {
      int c;
      try {
        c = r.read();
      } catch (CharacterCodingException e) {
        errors.add("line " + lineNumber + ": not UTF-8");
        break; // the decoder cannot find the next line reliably
      }
      if (c >= 0 && ++total > MAX_CHARACTERS) {
        errors.add("the file is longer than " + MAX_CHARACTERS + " characters");
        break;
      }
      if (c >= 0 && c != '\n') {
        if (line.length() >= MAX_LINE_LENGTH) {
          tooLong = true;
        } else {
          line.append((char) c);
        }
        continue;
      }
      // end of a line (or of the file)
      if (line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
        line.setLength(line.length() - 1);
      }
      if (lineNumber == 1 && line.length() > 0 && line.charAt(0) == '\uFEFF') {
        line.deleteCharAt(0); // a byte order mark some editors write
      }
      for (int i = 0; i < line.length() && !control; i++) {
        char ch = line.charAt(i);
        if (ch != '\t' && isUnsafe(ch)) {
          control = true;
          controlColumn = i + 1;
        }
      }
      if (tooLong) {
        errors.add("line " + lineNumber + ": longer than " + MAX_LINE_LENGTH + " characters");
      } else if (control) {
        errors.add("line " + lineNumber + ": a control character at column " + controlColumn);
      } else {
        try {
          Optional<WhitelistAddition> a = parseLine(line.toString(), canonicalizer);
          if (a.isPresent()) {
            WhitelistAddition x = a.get();
            if (x.expiresAt().isPresent() && !x.expiresAt().get().isAfter(now)) {
              expired++;
            } else {
              if (byKey.remove(x.key()) != null) {
                replaced++;
              }
              byKey.put(x.key(), x);
              if (byKey.size() > MAX_ENTRIES) {
                errors.add(
                    "line " + lineNumber + ": more than " + MAX_ENTRIES + " entries in one file");
                break;
              }
            }
          }
        } catch (IllegalArgumentException e) {
          errors.add("line " + lineNumber + ": " + safe(e.getMessage()));
        }
      }
      if (c < 0) {
        break;
      }
      line.setLength(0);
      tooLong = false;
      control = false;
      lineNumber++;
    }
    if (!errors.isEmpty()) {
      if (errors.size() >= MAX_ERRORS) {
        errors.add("(stopped after " + MAX_ERRORS + " errors)");
      }
      throw new FormatException(errors);
    }
    return new Parsed(new ArrayList<>(byKey.values()), expired, replaced);
  }

  /** One line: empty for a blank or comment line; throws with a safe message when it is bad. */
  static Optional<WhitelistAddition> parseLine(String line, AddressCanonicalizer canonicalizer) {
    String t = line.strip();
    if (t.isEmpty() || t.charAt(0) == '#') {
      return Optional.empty();
    }
    String[] f = FIELDS.split(t, -1);
    if (f.length < 3 || f.length > 4) {
      throw new IllegalArgumentException(
          "expected SENDER RECIPIENT EXPIRY [AUTHENTICATION], found " + f.length + " fields");
    }
    String sender = sender(f[0], canonicalizer);
    String recipient;
    if (f[1].equals(WhitelistKey.ANY_RECIPIENT)) {
      recipient = WhitelistKey.ANY_RECIPIENT;
    } else {
      try {
        recipient = canonicalizer.forRecipients().canonicalize(f[1]).value();
      } catch (InvalidAddressException e) {
        throw new IllegalArgumentException(
            "recipient " + quote(f[1]) + " is not an address or *: " + e.getMessage());
      }
    }
    Optional<Instant> expiry = expiry(f[2]);
    SenderAuthentication auth = SenderAuthentication.UNCHECKED;
    if (f.length == 4) {
      auth =
          SenderAuthentication.ofKeyword(f[3])
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "authentication "
                              + quote(f[3])
                              + " is not one of spf, dkim, none-published, unverified,"
                              + " unchecked"));
    }
    return Optional.of(new WhitelistAddition(new WhitelistKey(sender, recipient), expiry, auth));
  }

  private static String sender(String text, AddressCanonicalizer canonicalizer) {
    try {
      if (text.startsWith("@")) {
        String domain = text.substring(1);
        if (domain.isEmpty() || domain.indexOf('@') >= 0) {
          throw new IllegalArgumentException(
              "sender " + quote(text) + " is not an address or @domain");
        }
        return "@" + canonicalizer.canonicalizeDomain(domain).value();
      }
      return canonicalizer.canonicalize(text).value();
    } catch (InvalidAddressException e) {
      throw new IllegalArgumentException(
          "sender " + quote(text) + " is not an address or @domain: " + e.getMessage());
    }
  }

  private static Optional<Instant> expiry(String text) {
    if (text.equals(NEVER) || text.equals("-")) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "expiry "
              + quote(text)
              + " is not an ISO-8601 date and time with an offset (2027-06-30T00:00:00Z)"
              + " or never");
    }
  }

  /** The line {@code export} writes for {@code e}; {@link #parseLine} reads it back. */
  static String format(WhitelistEntry e) {
    return e.key().sender()
        + "\t"
        + e.key().recipient()
        + "\t"
        + e.expiresAt().map(Instant::toString).orElse(NEVER)
        + "\t"
        + e.authentication().keyword();
  }

  /** The comment lines {@code export} starts with. */
  static List<String> header(Instant now) {
    return List.of(
        "# smtpcr whitelist, exported " + now,
        "# SENDER\tRECIPIENT\tEXPIRY\tAUTHENTICATION (see docs/stores.md)");
  }

  /** A field as an error message shows it: quoted, at most 80 characters, nothing unsafe. */
  static String quote(String text) {
    StringBuilder sb = new StringBuilder("'");
    text.codePoints()
        .limit(80)
        .forEach(c -> sb.appendCodePoint(c <= Character.MAX_VALUE && isUnsafe((char) c) ? '?' : c));
    if (text.codePointCount(0, text.length()) > 80) {
      sb.append("...");
    }
    return sb.append('\'').toString();
  }

  /** A message with every unsafe character replaced. */
  static String safe(String message) {
    String m = message == null ? "bad line" : message;
    StringBuilder sb = new StringBuilder();
    m.codePoints()
        .limit(300)
        .forEach(c -> sb.appendCodePoint(c <= Character.MAX_VALUE && isUnsafe((char) c) ? '?' : c));
    return sb.toString();
  }

  /**
   * Control characters, line and paragraph separators, and format characters (bidirectional
   * overrides among them), which could forge or disguise a line of a terminal or a log.
   */
  private static boolean isUnsafe(char c) {
    return Character.isISOControl(c)
        || c == '\u2028'
        || c == '\u2029'
        || Character.getType(c) == Character.FORMAT;
  }
}
