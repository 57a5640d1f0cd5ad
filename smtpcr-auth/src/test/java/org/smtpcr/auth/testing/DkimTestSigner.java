package org.smtpcr.auth.testing;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.exceptions.FailException;

/**
 * Signs test messages with Apache jDKIM's signer, so tests anywhere can produce DKIM-signed mail
 * whose key a test DNS server ({@link Dnsmasq}) publishes.
 *
 * <pre>{@code
 * DkimKeys keys = DkimKeys.generate();
 * dnsBuilder.txt("sel._domainkey.smtpcr.test", keys.txtRecord());
 * byte[] signed = DkimTestSigner.of(keys, "smtpcr.test", "sel").sign(message);
 * }</pre>
 *
 * Immutable; {@link #canonicalization}, {@link #signedHeaders} and the like return changed copies.
 */
public final class DkimTestSigner {
  /** Relaxed header and body canonicalization, the usual choice. */
  public static final String RELAXED = "relaxed/relaxed";

  /** Simple header and body canonicalization. */
  public static final String SIMPLE = "simple/simple";

  private final DkimKeys keys;
  private final String domain;
  private final String selector;
  private final String canonicalization;
  private final String signedHeaders;
  private final String algorithm;

  /** {@code t=}: {@link #NOW}, {@link #NONE} or epoch seconds. */
  private final long timestamp;

  private static final long NOW = -1;
  private static final long NONE = -2;

  private DkimTestSigner(
      DkimKeys keys,
      String domain,
      String selector,
      String canonicalization,
      String signedHeaders,
      String algorithm,
      long timestamp) {
    this.keys = requireNonNull(keys, "keys");
    this.domain = requireNonNull(domain, "domain");
    this.selector = requireNonNull(selector, "selector");
    this.canonicalization = requireNonNull(canonicalization, "canonicalization");
    this.signedHeaders = requireNonNull(signedHeaders, "signedHeaders");
    this.algorithm = requireNonNull(algorithm, "algorithm");
    this.timestamp = timestamp;
  }

  /**
   * A signer for {@code d=domain; s=selector}, rsa-sha256, relaxed/relaxed, signing From, To,
   * Subject, Date, with {@code t=} the time of signing.
   */
  public static DkimTestSigner of(DkimKeys keys, String domain, String selector) {
    return new DkimTestSigner(
        keys, domain, selector, RELAXED, "from:to:subject:date", "rsa-sha256", NOW);
  }

  /** The same signer with {@code c=} set to this ({@link #RELAXED}, {@link #SIMPLE}, ...). */
  public DkimTestSigner canonicalization(String c) {
    return new DkimTestSigner(keys, domain, selector, c, signedHeaders, algorithm, timestamp);
  }

  /** The same signer with {@code h=} set to these header names, colon-separated. */
  public DkimTestSigner signedHeaders(String h) {
    return new DkimTestSigner(keys, domain, selector, canonicalization, h, algorithm, timestamp);
  }

  /** The same signer with {@code a=} set to this ({@code rsa-sha256}, {@code rsa-sha1}). */
  public DkimTestSigner algorithm(String a) {
    return new DkimTestSigner(
        keys, domain, selector, canonicalization, signedHeaders, a, timestamp);
  }

  /**
   * The same signer without the optional {@code t=} tag (RFC 6376 §3.5: RECOMMENDED, not required).
   */
  public DkimTestSigner withoutTimestamp() {
    return new DkimTestSigner(
        keys, domain, selector, canonicalization, signedHeaders, algorithm, NONE);
  }

  /** The same signer with {@code t=} set to this time instead of the time of signing. */
  public DkimTestSigner timestamp(Instant t) {
    return new DkimTestSigner(
        keys, domain, selector, canonicalization, signedHeaders, algorithm, t.getEpochSecond());
  }

  /** The {@code DKIM-Signature: ...} field (no line end) for this message (CRLF line ends). */
  public String signatureField(byte[] message) {
    String template =
        "v=1; a="
            + algorithm
            + "; c="
            + canonicalization
            + "; d="
            + domain
            + "; s="
            + selector
            + (timestamp == NONE
                ? ""
                : "; t=" + (timestamp == NOW ? System.currentTimeMillis() / 1000 : timestamp))
            + "; h="
            + signedHeaders
            + "; bh=; b=;";
    try {
      return new DKIMSigner(template, keys.privateKey()).sign(new ByteArrayInputStream(message));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (FailException e) {
      throw new IllegalStateException("signing failed: " + e.getMessage(), e);
    }
  }

  /** The message with its {@code DKIM-Signature} field prepended. */
  public byte[] sign(byte[] message) {
    byte[] field = (signatureField(message) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[field.length + message.length];
    System.arraycopy(field, 0, out, 0, field.length);
    System.arraycopy(message, 0, out, field.length, message.length);
    return out;
  }

  /** {@link #sign(byte[])} for text with CRLF line ends. */
  public String sign(String message) {
    return new String(sign(message.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }
}
