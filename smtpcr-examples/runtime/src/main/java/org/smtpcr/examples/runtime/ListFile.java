package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an administrator's list file the way Postgrey reads its whitelists: one entry a line,
 * {@code #} comments, blank lines ignored; the file {@code FOO} together with {@code FOO.local}
 * when that exists (the packaged list plus the site's own). Bounded: at most {@link
 * ListFiles#MAX_FILE_BYTES} per file and {@link ListFiles#MAX_LINE_BYTES} per line, strict UTF-8,
 * no control characters but tab. Every error names the file and the line.
 */
final class ListFile {
  /** One entry's line: where it is, and its words (comment and surrounding blanks removed). */
  record Line(Path file, int number, List<String> words) {
    Line {
      requireNonNull(file, "file");
      words = List.copyOf(words);
    }

    /** {@code file:number}, for messages. */
    String where() {
      return file + ":" + number;
    }

    /** An error about this line: {@code file:number: reason}. */
    IllegalArgumentException error(String reason) {
      return ListFile.error(file, number, reason);
    }
  }

  /** An error about line {@code number} of {@code file}: {@code file:number: reason}. */
  static IllegalArgumentException error(Path file, int number, String reason) {
    return new IllegalArgumentException(file + ":" + number + ": " + reason);
  }

  private ListFile() {}

  /** The companion file the site edits, {@code FOO.local}. */
  static Path local(Path file) {
    return file.resolveSibling(file.getFileName() + ".local");
  }

  /**
   * The lines of {@code file} and then of {@code file.local} (when it exists) that hold an entry.
   *
   * @throws IllegalArgumentException naming the file (and line) that cannot be read or is too big
   */
  static List<Line> read(Path file) {
    requireNonNull(file, "file");
    List<Line> lines = new ArrayList<>(lines(file, bytes(file, false)));
    Path local = local(file);
    byte[] more = bytes(local, true);
    if (more != null) {
      lines.addAll(lines(local, more));
    }
    return lines;
  }

  /** The file's bytes, bounded; null for a missing file that may be missing. */
  private static byte[] bytes(Path file, boolean mayBeMissing) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes(ListFiles.MAX_FILE_BYTES + 1);
      if (b.length > ListFiles.MAX_FILE_BYTES) {
        throw new IllegalArgumentException(
            file
                + ": longer than "
                + ListFiles.MAX_FILE_BYTES
                + " bytes; split it or use the store");
      }
      return b;
    } catch (NoSuchFileException e) {
      if (mayBeMissing) {
        return null;
      }
      throw new IllegalArgumentException(file + ": no such file", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          file + ": cannot be read (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /** Splits, checks and strips; keeps the lines that hold an entry. */
  static List<Line> lines(Path file, byte[] bytes) {
    List<Line> out = new ArrayList<>();
    int number = 0;
    int start = 0;
    while (start < bytes.length) {
      number++;
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
      if (stop - start > ListFiles.MAX_LINE_BYTES) {
        throw error(file, number, "line longer than " + ListFiles.MAX_LINE_BYTES + " bytes");
      }
      String text = decode(Arrays.copyOfRange(bytes, start, stop), file, number);
      if (number == 1 && text.startsWith("\uFEFF")) {
        text = text.substring(1); // the byte-order mark some editors write
      }
      List<String> words = words(text, file, number);
      if (!words.isEmpty()) {
        out.add(new Line(file, number, words));
      }
      start = end + 1;
    }
    return out;
  }

  private static String decode(byte[] b, Path file, int number) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw error(file, number, "not UTF-8");
    }
  }

  /** The words of a line: a {@code #} at its start or after a blank starts a comment. */
  private static List<String> words(String text, Path file, int number) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        throw error(file, number, "control character at column " + (i + 1));
      }
      // invisible characters would make an entry that looks right and never matches
      if (c == 0xa0 || c == 0xfeff || (c >= 0x200b && c <= 0x200f) || c == 0x2028 || c == 0x2029) {
        throw error(
            file,
            number,
            "invisible character U+"
                + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)
                + " at column "
                + (i + 1));
      }
    }
    String t = text;
    for (int i = 0; i < t.length(); i++) {
      if (t.charAt(i) == '#' && (i == 0 || t.charAt(i - 1) == ' ' || t.charAt(i - 1) == '\t')) {
        t = t.substring(0, i);
        break;
      }
    }
    List<String> words = new ArrayList<>();
    for (String w : t.split("[ \t]+", -1)) {
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    return words;
  }

  /** Up to 60 characters of {@code s}, printable ASCII only, for an error message. */
  static String shown(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length() && i < 60; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f && c != '"' ? c : '?');
    }
    return b.append(s.length() > 60 ? "...\"" : "\"").toString();
  }
}
