package org.smtpcr.tokens;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import org.smtpcr.tokens.ReferenceTokenV1.Body;

/**
 * A second, independent verifier of token formats v1 and v2 together, written from {@code
 * docs/token-format.md} alone, as a verifier that knows both versions must behave. Like {@link
 * ReferenceTokenV1}, whose hand-made HKDF, HMAC, base32 and UTF-8 check it uses, it calls no
 * production class. It also mints v2 tokens and builds v2 bodies that production must refuse.
 * Readable over fast; not for production use.
 */
public final class ReferenceTokenV2 {
  /** The authentication codes a v2 flags byte may carry: 0..4. */
  public static final int MAX_CODE = 4;

  private ReferenceTokenV2() {}

  /** A v2 body: version 2, the authentication code in the flags byte, otherwise as v1. */
  public static Body body(
      int kid, long issuedAt, int lifetimeMinutes, String sender, String recipient, int code) {
    return Body.of(kid, issuedAt, lifetimeMinutes, sender, recipient)
        .withVersion(2)
        .withFlags(code);
  }

  /** A valid v2 token, exactly as a minter of format v2 writes it. */
  public static String mint(
      byte[] master,
      int kid,
      long issuedAt,
      int lifetimeMinutes,
      String sender,
      String recipient,
      int code) {
    return ReferenceTokenV1.sign(
        master, body(kid, issuedAt, lifetimeMinutes, sender, recipient, code));
  }

  /**
   * What a verifier of v1 and v2 concluded: a reason (spec name), or {@code null} and the claims,
   * with the authentication code (0 for v1).
   */
  public record Verdict(
      String reason,
      int version,
      int kid,
      long issuedAt,
      int lifetimeMinutes,
      String sender,
      String recipient,
      int authentication) {
    static Verdict reject(String reason) {
      return new Verdict(reason, -1, -1, -1, -1, null, null, -1);
    }

    public boolean valid() {
      return reason == null;
    }
  }

  /** Verification of v1 and v2 in the order of the format, with clocks in seconds. */
  public static Verdict verify(
      Map<Integer, byte[]> masters, CharSequence token, long now, long skew) {
    // 1. length and alphabet
    if (token.length() > ReferenceTokenV1.MAX_CHARS) {
      return Verdict.reject("MALFORMED");
    }
    // 2. decode
    byte[] t = ReferenceTokenV1.base32Decode(token);
    if (t == null || t.length < 27) {
      return Verdict.reject("MALFORMED");
    }
    // 3. version, then the flags that version allows
    int first = t[0] & 0xff;
    int version = first / 16;
    int flags = t[1] & 0xff;
    int code;
    if (version == 1) {
      if (flags != 0) {
        return Verdict.reject("MALFORMED");
      }
      code = 0;
    } else if (version == 2) {
      if (flags / 8 != 0 || flags % 8 > MAX_CODE) {
        return Verdict.reject("MALFORMED");
      }
      code = flags;
    } else {
      return Verdict.reject("UNSUPPORTED_VERSION");
    }
    // 4. key
    int kid = first % 16;
    byte[] master = masters.get(kid);
    if (master == null) {
      return Verdict.reject("UNKNOWN_KEY");
    }
    // 5. tag, over every byte before it: version and flags included
    byte[] body = Arrays.copyOfRange(t, 0, t.length - 16);
    byte[] expected =
        Arrays.copyOf(ReferenceTokenV1.hmac(ReferenceTokenV1.tokenKey(master), body), 16);
    if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(t, t.length - 16, t.length))) {
      return Verdict.reject("BAD_SIGNATURE");
    }
    // 6. fields
    long issuedAt =
        ((long) (t[2] & 0xff) << 24) | ((t[3] & 0xff) << 16) | ((t[4] & 0xff) << 8) | (t[5] & 0xff);
    int lifetime = ((t[6] & 0xff) << 8) | (t[7] & 0xff);
    int ls = t[8] & 0xff;
    int lr = body.length - 9 - ls;
    if (lifetime < 1 || ls < 1 || ls > 254 || lr < 1 || lr > 254) {
      return Verdict.reject("MALFORMED");
    }
    String sender = ReferenceTokenV1.strictUtf8(Arrays.copyOfRange(body, 9, 9 + ls));
    String recipient = ReferenceTokenV1.strictUtf8(Arrays.copyOfRange(body, 9 + ls, body.length));
    if (sender == null || recipient == null) {
      return Verdict.reject("MALFORMED");
    }
    // 7. time
    if (now < issuedAt - skew) {
      return Verdict.reject("NOT_YET_VALID");
    }
    if (now > issuedAt + 60L * lifetime + skew) {
      return Verdict.reject("EXPIRED");
    }
    return new Verdict(null, version, kid, issuedAt, lifetime, sender, recipient, code);
  }
}
