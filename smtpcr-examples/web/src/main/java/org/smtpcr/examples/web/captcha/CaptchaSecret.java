package org.smtpcr.examples.web.captcha;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * A CAPTCHA provider's secret key. It is never shown: {@link #toString()} is redacted and no
 * exception message carries it. Read it from a file ({@link #fromFile}) rather than a command line,
 * where every local user can see it.
 *
 * @since 0.1.0
 */
public final class CaptchaSecret {
  /** Longest secret accepted, in characters (the providers' secrets are 35 to 42). */
  public static final int MAX_LENGTH = 256;

  /** Largest secret file read, in bytes. */
  static final int MAX_FILE_BYTES = 4096;

  private final String value;

  private CaptchaSecret(String value) {
    this.value = value;
  }

  /**
   * Wraps {@code secret}: 1 to {@value #MAX_LENGTH} printable US-ASCII characters, no space.
   *
   * @throws IllegalArgumentException if it is not; the message does not contain it
   */
  public static CaptchaSecret of(String secret) {
    requireNonNull(secret, "secret");
    checkArgument(
        !secret.isEmpty() && secret.length() <= MAX_LENGTH,
        "a CAPTCHA secret has 1 to %s characters, this one %s",
        MAX_LENGTH,
        secret.length());
    for (int i = 0; i < secret.length(); i++) {
      char c = secret.charAt(i);
      checkArgument(
          c > 0x20 && c < 0x7f,
          "a CAPTCHA secret is printable US-ASCII without spaces; character %s is not",
          i + 1);
    }
    return new CaptchaSecret(secret);
  }

  /**
   * Reads the first line of {@code file} (at most {@value #MAX_FILE_BYTES} bytes, UTF-8, spaces
   * around it removed) as the secret, the way {@code --store-password-file} is read.
   *
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if it is too large or its first line is not a secret
   */
  public static CaptchaSecret fromFile(Path file) {
    requireNonNull(file, "file");
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CAPTCHA secret file " + file, e);
    }
    checkArgument(
        bytes.length <= MAX_FILE_BYTES,
        "the CAPTCHA secret file %s is larger than %s bytes",
        file,
        MAX_FILE_BYTES);
    String text = new String(bytes, StandardCharsets.UTF_8);
    int eol = text.indexOf('\n');
    String line = (eol < 0 ? text : text.substring(0, eol)).strip();
    checkArgument(!line.isEmpty(), "the CAPTCHA secret file %s has an empty first line", file);
    try {
      return of(line);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the CAPTCHA secret file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The secret, for the request body only. */
  String reveal() {
    return value;
  }

  /** Whether both hold the same secret, compared in constant time. */
  public boolean sameSecretAs(CaptchaSecret other) {
    requireNonNull(other, "other");
    return MessageDigest.isEqual(
        value.getBytes(StandardCharsets.US_ASCII), other.value.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public String toString() {
    return "CaptchaSecret[redacted, " + value.length() + " characters]";
  }
}
