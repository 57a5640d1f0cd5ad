package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.core.internal.LogSafe;
import org.smtpcr.core.rules.StandardRules;

/**
 * Reads the {@linkplain Settings#RECIPIENT_PASSWORDS_FILE recipients' passwords file}: one {@code
 * RECIPIENT PASSWORD} pair per line, separated by spaces or tabs; {@code #} starts a comment line;
 * blank lines are ignored.
 *
 * <pre>
 * # bob gives out bob+xyzzy-plugh@example.com when he signs up somewhere new
 * bob@example.com      xyzzy-plugh
 * sales@example.com    spring-catalogue-2026
 * </pre>
 *
 * <p>The file holds secrets: it is read with the same permission warning as the key file ({@link
 * SecretFiles#warnIfLoose}), and no error message repeats a password or a line; errors name the
 * file and the line number. The file may be at most {@value #MAX_BYTES} bytes and a line at most
 * {@value #MAX_LINE} characters. Passwords are checked by {@link
 * StandardRules.Builder#recipientPassword} (8 to 64 letters, digits, {@code -} or {@code _}).
 *
 * @since 0.3.0
 */
public final class RecipientPasswords {
  /** Largest file read, in bytes. */
  public static final int MAX_BYTES = 1 << 20;

  /** Longest line, in characters. */
  public static final int MAX_LINE = 512;

  private static final Pattern FIELDS = Pattern.compile("[ \t]+");

  /** One recipient and their password. */
  private record Entry(String recipient, String password) {
    @Override
    public String toString() {
      return "Entry[" + recipient + ", password=***]";
    }
  }

  private final List<Entry> entries;

  private RecipientPasswords(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Reads {@code file}, warning at WARN when group or others may read it.
   *
   * @param file the file
   * @return the pairs, in the file's order
   * @throws IllegalArgumentException naming the file (and the line) when it cannot be read, is too
   *     large, is not UTF-8, or has a line without exactly two fields; never with a password
   */
  public static RecipientPasswords read(Path file) {
    requireNonNull(file, "file");
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      SecretFiles.warnIfLoose(file, "recipients' passwords file");
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + " does not exist", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          file + " cannot be read (" + e.getClass().getSimpleName() + ")", e);
    }
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException(file + " is larger than " + MAX_BYTES + " bytes");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(file + " is not UTF-8 text", e);
    }
    return parse(text, file.toString());
  }

  /**
   * Parses the text of a passwords file.
   *
   * @param text the file's content
   * @param source the file's name, for messages
   * @return the pairs
   * @throws IllegalArgumentException naming {@code source} and the line; never with a password
   */
  public static RecipientPasswords parse(String text, String source) {
    requireNonNull(text, "text");
    requireNonNull(source, "source");
    List<Entry> entries = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      String where = source + " line " + (i + 1);
      if (lines[i].length() > MAX_LINE) {
        throw new IllegalArgumentException(where + " is longer than " + MAX_LINE + " characters");
      }
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = FIELDS.split(line);
      if (f.length != 2) {
        throw new IllegalArgumentException(
            where + " must be a recipient and a password, separated by spaces");
      }
      if (f[0].chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
        throw new IllegalArgumentException(where + ": the recipient has control characters");
      }
      entries.add(new Entry(f[0], f[1]));
    }
    return new RecipientPasswords(entries);
  }

  /**
   * Adds every pair to {@code rules}.
   *
   * @param rules the rules
   * @param canonicalizer checks each recipient, as the engine will canonicalize it
   * @param source the file's name, for messages
   * @return {@code rules}
   * @throws IllegalArgumentException naming {@code source} and the entry's recipient when the core
   *     refuses a pair (a password too short or with other characters, a recipient twice, an
   *     address that is not one); never with the password
   */
  public StandardRules.Builder addTo(
      StandardRules.Builder rules, AddressCanonicalizer canonicalizer, String source) {
    requireNonNull(rules, "rules");
    requireNonNull(canonicalizer, "canonicalizer");
    requireNonNull(source, "source");
    for (Entry e : entries) {
      try {
        canonicalizer.forRecipients().canonicalize(e.recipient());
        rules.recipientPassword(e.recipient(), e.password());
      } catch (InvalidAddressException x) {
        throw new IllegalArgumentException(
            source + ": " + LogSafe.of(e.recipient()) + ": " + x.getMessage(), x);
      } catch (IllegalArgumentException x) {
        throw new IllegalArgumentException(
            source + ": " + LogSafe.of(e.recipient()) + ": " + x.getMessage(), x);
      }
    }
    return rules;
  }

  /**
   * How many pairs there are.
   *
   * @return the count
   */
  public int size() {
    return entries.size();
  }

  @Override
  public String toString() {
    return "RecipientPasswords[" + entries.size() + " recipients]";
  }
}
