package org.smtpcr.tokens.internal;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 under one fixed key, safe to share between threads. Each thread keeps its own
 * initialised {@link Mac}, so no provider look-up or key schedule happens per call. The JDK's
 * {@code Mac} is used rather than Bouncy Castle's because it runs on the CPU's SHA instructions.
 *
 * <p>Not part of the public API.
 */
public final class HmacSha256 {
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  /** Takes a copy of {@code keyBytes}; the caller may wipe its array afterwards. */
  public HmacSha256(byte[] keyBytes) {
    this.key = new SecretKeySpec(keyBytes, ALGORITHM);
    this.macs = ThreadLocal.withInitial(this::newMac);
    newMac(); // fail now, not on first use, if the platform lacks HmacSHA256
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the Java platform must provide " + ALGORITHM, e);
    } catch (GeneralSecurityException e) {
      // never include the key: the exception text of a provider is not ours to trust
      throw new IllegalStateException(
          "cannot initialise " + ALGORITHM + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** Returns the 32-byte MAC of {@code length} bytes of {@code data} from {@code offset}. */
  public byte[] mac(byte[] data, int offset, int length) {
    Mac mac = macs.get();
    mac.update(data, offset, length);
    return mac.doFinal();
  }

  /** Returns the 32-byte MAC of the concatenation of the given parts. */
  public byte[] mac(byte[]... parts) {
    Mac mac = macs.get();
    for (byte[] part : parts) {
      mac.update(part);
    }
    return mac.doFinal();
  }

  @Override
  public String toString() {
    return "HmacSha256[redacted]";
  }
}
