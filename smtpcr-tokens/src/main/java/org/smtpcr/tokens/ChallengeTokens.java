package org.smtpcr.tokens;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.smtpcr.tokens.TokenException.Reason;
import org.smtpcr.tokens.internal.Base32;
import org.smtpcr.tokens.internal.Hkdf;
import org.smtpcr.tokens.internal.HmacSha256;

/**
 * Mints and verifies challenge tokens: a signed, self-contained statement "this sender may confirm
 * itself to this recipient until then", short enough to sit in an SMTP reply. No state is kept;
 * every host holding the same {@link KeyRing} verifies every token.
 *
 * <p>Two formats exist (see {@code docs/token-format.md}). {@link #mint(String, String, Duration)}
 * writes format v1; {@link #mint(String, String, Duration, SenderAuthentication)} writes format v2,
 * which also carries how the sender was authenticated when it was challenged. {@link #verify}
 * accepts both, so links minted before an upgrade keep working; a v1 token verifies to {@link
 * SenderAuthentication#UNCHECKED}.
 *
 * <pre>{@code
 * ChallengeTokens tokens = ChallengeTokens.builder()
 *     .keyRing(KeyRingFile.read(Path.of("keys")))
 *     .build();
 * String token = tokens.mint("alice@example.org", "bob@example.com");
 * ChallengeClaims claims = tokens.verify(token);   // throws TokenException
 * }</pre>
 *
 * <p>Immutable and thread-safe. Addresses must be canonical (see the decision engine), non-empty,
 * well-formed UTF-8 of at most 254 bytes each; a token is at most {@value #MAX_TOKEN_LENGTH}
 * characters, so the two addresses together may take at most 350 bytes.
 *
 * @since 0.1.0
 */
public final class ChallengeTokens {
  /** Longest token accepted, in characters; longer input is refused before decoding. */
  public static final int MAX_TOKEN_LENGTH = 600;

  /** Longest address, in UTF-8 bytes. */
  public static final int MAX_ADDRESS_BYTES = 254;

  /** Lifetime used when none is given: 7 days. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofDays(7);

  /** Clock skew allowed when none is given: 5 minutes (300 s). */
  public static final Duration DEFAULT_SKEW = Duration.ofMinutes(5);

  private static final int V1 = 1;
  private static final int V2 = 2;
  private static final int V2_RESERVED_FLAGS = 0xf8; // v2 uses the low 3 bits of the flags byte
  private static final int HEADER = 9; // version/kid, flags, issued-at, lifetime, Ls
  private static final int TAG = 16;
  private static final int MIN_BYTES = HEADER + 1 + 1 + TAG; // 27
  private static final int MAX_BYTES = MAX_TOKEN_LENGTH * 5 / 8; // 375: what 600 characters hold
  private static final long MAX_LIFETIME_MINUTES = 0xffff;

  private final KeyRing keyRing;
  private final HmacSha256[] macs; // by key id, null where the ring has no key
  private final Clock clock;
  private final Duration lifetime;
  private final Duration skew;

  private ChallengeTokens(Builder b) {
    this.keyRing = b.keyRing;
    this.clock = b.clock;
    this.lifetime = b.lifetime;
    this.skew = b.skew;
    this.macs = new HmacSha256[KeyRing.MAX_KEY_ID + 1];
    for (int kid : keyRing.keyIds()) {
      byte[] k = keyRing.derive(kid, Hkdf.INFO_CHALLENGE_TOKEN);
      macs[kid] = new HmacSha256(k);
      Arrays.fill(k, (byte) 0);
    }
  }

  /** Starts a builder; only the key ring is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Tokens for {@code keyRing} with the system UTC clock, 7-day lifetime and 300 s skew. */
  public static ChallengeTokens of(KeyRing keyRing) {
    return builder().keyRing(keyRing).build();
  }

  /** The key ring this instance signs and verifies with. */
  public KeyRing keyRing() {
    return keyRing;
  }

  /** The lifetime {@link #mint(String, String)} gives. */
  public Duration defaultLifetime() {
    return lifetime;
  }

  /** Mints a format v1 token with the default lifetime, signed by the active key. */
  public String mint(String sender, String recipient) {
    return mint(sender, recipient, lifetime);
  }

  /**
   * Mints a format v1 token valid for {@code lifetime} (whole minutes, 1 to 65,535; seconds are
   * dropped), signed by the active key. It says nothing about how the sender was authenticated: it
   * verifies to {@link SenderAuthentication#UNCHECKED}.
   *
   * @throws IllegalArgumentException if an address is empty, longer than 254 bytes, holds a control
   *     character or is not well-formed Unicode, if both together make a token over 600 characters,
   *     or if the lifetime is out of range
   */
  public String mint(String sender, String recipient, Duration lifetime) {
    return mint(sender, recipient, lifetime, V1, 0);
  }

  /**
   * Mints a format v2 token valid for {@code lifetime}, signed by the active key, that also carries
   * how the sender was authenticated when it was challenged; {@link
   * ChallengeClaims#authentication()} returns it. The token has the same length as a v1 token for
   * the same addresses.
   *
   * @param authentication the sender's authentication at the time of the challenge
   * @throws IllegalArgumentException as {@link #mint(String, String, Duration)}
   */
  public String mint(
      String sender, String recipient, Duration lifetime, SenderAuthentication authentication) {
    requireNonNull(authentication, "authentication");
    return mint(sender, recipient, lifetime, V2, authentication.code());
  }

  private String mint(String sender, String recipient, Duration lifetime, int version, int flags) {
    byte[] s = utf8(requireNonNull(sender, "sender"), "sender");
    byte[] r = utf8(requireNonNull(recipient, "recipient"), "recipient");
    requireNonNull(lifetime, "lifetime");
    long minutes = lifetime.toMinutes();
    checkArgument(
        minutes >= 1 && minutes <= MAX_LIFETIME_MINUTES,
        "lifetime must be 1..65535 minutes, got %s",
        lifetime);
    int total = HEADER + s.length + r.length + TAG;
    checkArgument(
        total <= MAX_BYTES,
        "sender and recipient together take %s bytes; a token holds at most %s",
        s.length + r.length,
        MAX_BYTES - HEADER - TAG);
    long issuedAt = clock.instant().getEpochSecond();
    checkState(
        issuedAt >= 0 && issuedAt <= 0xffffffffL, "the clock is outside the range of the format");

    int kid = keyRing.activeKeyId();
    byte[] buf = new byte[total];
    ByteBuffer bb = ByteBuffer.wrap(buf);
    bb.put((byte) ((version << 4) | kid));
    bb.put((byte) flags);
    bb.putInt((int) issuedAt);
    bb.putShort((short) minutes);
    bb.put((byte) s.length);
    bb.put(s);
    bb.put(r);
    byte[] tag = macs[kid].mac(buf, 0, total - TAG);
    System.arraycopy(tag, 0, buf, total - TAG, TAG);
    return Base32.encode(buf);
  }

  /**
   * Verifies a token of format v1 or v2 and returns what it says.
   *
   * @throws TokenException with the reason of the first check that failed, in the order of the
   *     format: {@code MALFORMED}, {@code UNSUPPORTED_VERSION}, {@code UNKNOWN_KEY}, {@code
   *     BAD_SIGNATURE}, {@code MALFORMED} (fields), {@code NOT_YET_VALID}, {@code EXPIRED}
   */
  public ChallengeClaims verify(CharSequence token) {
    requireNonNull(token, "token");
    int len = token.length();
    if (len > MAX_TOKEN_LENGTH) {
      throw new TokenException(
          Reason.MALFORMED,
          "token has " + len + " characters; at most " + MAX_TOKEN_LENGTH + " allowed");
    }
    byte[] buf = Base32.decodeOrNull(token, (char) 0);
    if (buf == null) {
      throw new TokenException(Reason.MALFORMED, "token is not canonical unpadded base32");
    }
    if (buf.length < MIN_BYTES) {
      throw new TokenException(
          Reason.MALFORMED,
          "token decodes to " + buf.length + " bytes; at least " + MIN_BYTES + " expected");
    }
    int version = (buf[0] & 0xff) >>> 4;
    int flags = buf[1] & 0xff;
    SenderAuthentication authentication;
    if (version == V1) {
      if (flags != 0) {
        throw new TokenException(Reason.MALFORMED, "token flags are not 0 (format v1)");
      }
      authentication = SenderAuthentication.UNCHECKED;
    } else if (version == V2) {
      if ((flags & V2_RESERVED_FLAGS) != 0) {
        throw new TokenException(
            Reason.MALFORMED, "token flags set reserved bits (format v2 uses the low 3 only)");
      }
      authentication =
          SenderAuthentication.ofCode(flags)
              .orElseThrow(
                  () ->
                      new TokenException(
                          Reason.MALFORMED,
                          "token authentication code "
                              + flags
                              + " is not one of 0.."
                              + (SenderAuthentication.values().length - 1)));
    } else {
      throw new TokenException(
          Reason.UNSUPPORTED_VERSION, "token version " + version + "; 1 or 2 expected");
    }
    int kid = buf[0] & 0x0f;
    HmacSha256 mac = macs[kid];
    if (mac == null) {
      throw new TokenException(
          Reason.UNKNOWN_KEY,
          "token was signed with key id " + kid + ", which is not in the ring " + keyRing.keyIds());
    }
    int body = buf.length - TAG;
    byte[] expected = mac.mac(buf, 0, body);
    if (!tagMatches(expected, buf, body)) {
      throw new TokenException(Reason.BAD_SIGNATURE, "token signature does not match");
    }

    ByteBuffer bb = ByteBuffer.wrap(buf);
    bb.position(2);
    long issuedAt = bb.getInt() & 0xffffffffL;
    int minutes = bb.getShort() & 0xffff;
    int ls = bb.get() & 0xff;
    int lr = body - HEADER - ls;
    if (minutes < 1) {
      throw new TokenException(Reason.MALFORMED, "token lifetime is 0 minutes");
    }
    if (ls < 1 || ls > MAX_ADDRESS_BYTES || lr < 1 || lr > MAX_ADDRESS_BYTES) {
      throw new TokenException(Reason.MALFORMED, "token address lengths are out of range 1..254");
    }
    String sender = strictUtf8(buf, HEADER, ls);
    String recipient = strictUtf8(buf, HEADER + ls, lr);

    Instant now = clock.instant();
    Instant notBefore = Instant.ofEpochSecond(issuedAt).minus(skew);
    Instant notAfter = Instant.ofEpochSecond(issuedAt + 60L * minutes).plus(skew);
    if (now.isBefore(notBefore)) {
      throw new TokenException(
          Reason.NOT_YET_VALID,
          "token is issued "
              + Duration.between(now, Instant.ofEpochSecond(issuedAt)).toSeconds()
              + " s in the future at "
              + Instant.ofEpochSecond(issuedAt)
              + " (skew "
              + skew.toSeconds()
              + " s)");
    }
    if (now.isAfter(notAfter)) {
      Instant expiry = Instant.ofEpochSecond(issuedAt + 60L * minutes);
      throw new TokenException(
          Reason.EXPIRED,
          "token expired "
              + Duration.between(expiry, now).toSeconds()
              + " s ago at "
              + expiry
              + " (skew "
              + skew.toSeconds()
              + " s)");
    }
    return new ChallengeClaims(
        kid,
        Instant.ofEpochSecond(issuedAt),
        Duration.ofMinutes(minutes),
        sender,
        recipient,
        authentication);
  }

  @Override
  public String toString() {
    return "ChallengeTokens[" + keyRing + ", lifetime=" + lifetime + ", skew=" + skew + "]";
  }

  /**
   * Compares the 16-byte tag at {@code buf[at..]} with the start of {@code mac} in constant time:
   * every byte is looked at, whatever differs (as {@code MessageDigest.isEqual} does, without
   * copying).
   */
  private static boolean tagMatches(byte[] mac, byte[] buf, int at) {
    int diff = 0;
    for (int i = 0; i < TAG; i++) {
      diff |= mac[i] ^ buf[at + i];
    }
    return diff == 0;
  }

  private static String strictUtf8(byte[] buf, int off, int len) {
    // canonical addresses are nearly always ASCII: skip the decoder (and its allocations) then
    boolean ascii = true;
    for (int i = off, end = off + len; i < end; i++) {
      if (buf[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(buf, off, len, StandardCharsets.ISO_8859_1);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(buf, off, len))
          .toString();
    } catch (CharacterCodingException e) {
      throw new TokenException(Reason.MALFORMED, "token address is not well-formed UTF-8");
    }
  }

  /**
   * Encodes {@code s} as UTF-8, refusing empty, over-long and ill-formed (lone surrogate) text, and
   * control characters: canonical addresses never hold them, and the pass-code MAC separates the
   * two addresses with a NUL byte, so a NUL inside one would let two pairs share a code.
   */
  static byte[] utf8(String s, String what) {
    int n = s.length();
    checkArgument(n > 0, "%s is empty", what);
    checkArgument(n <= MAX_ADDRESS_BYTES, "%s is longer than %s bytes", what, MAX_ADDRESS_BYTES);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      checkArgument(c >= 0x20 && c != 0x7f, "%s contains a control character at index %s", what, i);
      if (Character.isSurrogate(c)) {
        // with every surrogate paired, String.getBytes(UTF_8) is exact (it replaces lone ones)
        if (!Character.isHighSurrogate(c)
            || i + 1 == n
            || !Character.isLowSurrogate(s.charAt(i + 1))) {
          throw new IllegalArgumentException(what + " is not well-formed Unicode (lone surrogate)");
        }
        i++;
      }
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    checkArgument(
        b.length <= MAX_ADDRESS_BYTES,
        "%s takes %s bytes in UTF-8; at most %s allowed",
        what,
        b.length,
        MAX_ADDRESS_BYTES);
    return b;
  }

  /**
   * Builds {@link ChallengeTokens}. Each option is set once. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private KeyRing keyRing;
    private Clock clock;
    private Duration lifetime;
    private Duration skew;

    private Builder() {}

    /** The keys to sign and verify with (required). */
    public Builder keyRing(KeyRing keyRing) {
      checkState(this.keyRing == null, "keyRing was already set");
      this.keyRing = requireNonNull(keyRing, "keyRing");
      return this;
    }

    /** The clock for issuing and checking (default: the system UTC clock). */
    public Builder clock(Clock clock) {
      checkState(this.clock == null, "clock was already set");
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** The lifetime of minted tokens (default 7 days; whole minutes, 1 to 65,535). */
    public Builder lifetime(Duration lifetime) {
      checkState(this.lifetime == null, "lifetime was already set");
      requireNonNull(lifetime, "lifetime");
      checkArgument(
          lifetime.toMinutes() >= 1 && lifetime.toMinutes() <= MAX_LIFETIME_MINUTES,
          "lifetime must be 1..65535 minutes, got %s",
          lifetime);
      this.lifetime = lifetime;
      return this;
    }

    /** How far a verifier's clock may differ from the minter's (default 300 s; 0 to 1 day). */
    public Builder skew(Duration skew) {
      checkState(this.skew == null, "skew was already set");
      requireNonNull(skew, "skew");
      checkArgument(
          !skew.isNegative() && skew.compareTo(Duration.ofDays(1)) <= 0,
          "skew must be 0..1 day, got %s",
          skew);
      this.skew = skew;
      return this;
    }

    /** The instance. */
    public ChallengeTokens build() {
      checkState(keyRing != null, "keyRing is required");
      if (clock == null) {
        clock = Clock.systemUTC();
      }
      if (lifetime == null) {
        lifetime = DEFAULT_LIFETIME;
      }
      if (skew == null) {
        skew = DEFAULT_SKEW;
      }
      return new ChallengeTokens(this);
    }
  }
}
