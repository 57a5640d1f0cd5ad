package org.smtpcr.examples.web.check;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.Stamps;
import org.smtpcr.tokens.TokenException;

/**
 * Signs the values a human check hands out with its form and must get back unchanged (an issue
 * time, a difficulty), so that the page keeps no state and the client cannot choose them: a {@link
 * Stamps stamp} (a 128-bit HMAC under a key derived from the site's key ring, 33 lowercase hex
 * characters) over
 *
 * <pre>
 * scheme || 0x00 || field1 || 0x00 || field2 ...          (UTF-8)
 * </pre>
 *
 * <p>The scheme names the check and its version ({@code smtpcr-pow-v2}, {@code smtpcr-wait-v1}), so
 * a stamp of one check never verifies for another; the first field is, by convention, the token, so
 * that a stamp never verifies for another link. One key serves every check (the stamp purpose
 * {@value #PURPOSE}, kept from when the proof-of-work was the only check, so stamps already handed
 * out keep verifying across the upgrade). Immutable and thread-safe.
 *
 * @since 0.4.0
 */
public final class CheckStamps {
  /** The {@link Stamps} purpose of the key. */
  public static final String PURPOSE = "pow-challenge";

  /** What a scheme looks like. */
  private static final java.util.regex.Pattern SCHEME =
      java.util.regex.Pattern.compile("[a-z][a-z0-9-]{0,39}");

  private final Stamps stamps;

  private CheckStamps(Stamps stamps) {
    this.stamps = stamps;
  }

  /**
   * The stamps of the site with this key ring.
   *
   * @param keyRing the site's key ring (the same as the tokens')
   * @return the stamps
   */
  public static CheckStamps of(KeyRing keyRing) {
    return new CheckStamps(Stamps.of(requireNonNull(keyRing, "keyRing"), PURPOSE));
  }

  /**
   * The stamp of {@code fields} under {@code scheme}.
   *
   * @param scheme 1 to 40 of {@code a-z}, {@code 0-9}, {@code -}, starting with a letter
   * @param fields the values, none holding the character U+0000
   * @return the stamp, 33 lowercase hex characters
   */
  public String sign(String scheme, String... fields) {
    return stamps.sign(message(scheme, fields));
  }

  /**
   * Whether {@code stamp} is the stamp of {@code fields} under {@code scheme}, made with a key the
   * ring still holds. Compares in constant time; never throws for a bad stamp.
   *
   * @param stamp the stamp as posted
   * @param scheme the scheme
   * @param fields the values as posted or known
   * @return true if it verifies
   */
  public boolean verifies(CharSequence stamp, String scheme, String... fields) {
    requireNonNull(stamp, "stamp");
    try {
      stamps.verify(message(scheme, fields), stamp);
      return true;
    } catch (TokenException e) {
      return false;
    }
  }

  private static byte[] message(String scheme, String... fields) {
    requireNonNull(scheme, "scheme");
    checkArgument(SCHEME.matcher(scheme).matches(), "bad stamp scheme");
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    out.writeBytes(scheme.getBytes(StandardCharsets.UTF_8));
    for (String f : fields) {
      requireNonNull(f, "field");
      checkArgument(f.indexOf('\0') < 0, "a stamped field holds no U+0000");
      out.write(0);
      out.writeBytes(f.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Override
  public String toString() {
    return "CheckStamps[" + stamps + "]";
  }
}
