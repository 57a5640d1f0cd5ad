package org.smtpcr.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.james.jdkim.DKIMCommon;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.Headers;
import org.apache.james.jdkim.api.PublicKeyRecord;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.apache.james.jdkim.impl.BodyHasherImpl;
import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;
import org.smtpcr.core.auth.DkimSignature;
import org.smtpcr.core.auth.Domains;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * DKIM verification (RFC 6376) in two stages: the header stage (key look-ups on {@link Dns}, header
 * hashes) first, then the body streamed once through every signature's body hasher. Memory is
 * bounded by the header section; the body is never held. Thread-safe.
 *
 * <p>Apache jDKIM does the parsing, the key selection and the hashing, but the steps are driven
 * here, one signature at a time, rather than by jDKIM's {@code DKIMVerifier.newBodyHasher}: that
 * method changed between jDKIM 0.3 (which Apache James 3.8.1 ships, and which wins over ours in
 * James's extension class loader) and 0.5 (it throws instead of returning when no signature passes
 * the header stage in 0.3, validates in another place, and ties failures to their signature only in
 * 0.5), and it reports "fail" for everything, where we need to tell a broken signature or key
 * (permerror), a policy's refusal and a transient DNS problem apart. Only API that both versions
 * have is used; the build runs the DKIM tests on 0.3 too (smtpcr-auth, execution
 * james-3.8.1-libraries).
 */
final class DkimCheck {
  /** A signer's clock may run this far ahead of ours (jDKIM allows none). */
  static final long FUTURE_TOLERANCE_SECONDS = 300;

  /** RFC 8301 §3.2: shorter RSA keys are not considered valid. */
  static final int MIN_RSA_BITS = 1024;

  private final Dns dns;

  DkimCheck(Dns dns) {
    this.dns = dns;
  }

  /** What verifying a message's signatures found. */
  record Outcome(List<DkimSignature> signatures, boolean bodySkipped) {}

  /**
   * What the header stage found for one signature: a result, or a body hash still to compare. The
   * record is null when the signature could not be parsed.
   */
  private record Stage(SignatureRecord record, DkimSignature.Result result, BodyHasherImpl body) {
    static Stage done(SignatureRecord record, DkimSignature.Result result) {
      return new Stage(record, result, null);
    }
  }

  /**
   * Verifies at most {@code maxSignatures} signatures (the topmost), reading the body from {@code
   * body} up to {@code maxBodyBytes}. Signatures whose body hash could not be computed within that
   * bound get no result ({@link Outcome#bodySkipped()}).
   */
  Outcome verify(
      HeaderSection headers, InputStream body, long maxBodyBytes, int maxSignatures, Budget budget)
      throws IOException {
    List<String> all = headers.fields("DKIM-Signature");
    List<String> checked = all.subList(0, Math.min(all.size(), maxSignatures));
    if (checked.isEmpty()) {
      drain(body, maxBodyBytes);
      return new Outcome(List.of(), false);
    }
    Headers view = new FieldsView(headers);
    DKIMVerifier keys = new DKIMVerifier(new KeyRetriever(dns, budget));
    long now = System.currentTimeMillis() / 1000;
    // keyed by the whole field, in order: a duplicate field is the same signature
    Map<String, Stage> stages = new LinkedHashMap<>();
    List<OutputStream> hashers = new ArrayList<>();
    for (String field : checked) {
      if (!stages.containsKey(field)) {
        Stage s = headerStage(field, view, keys, now);
        stages.put(field, s);
        if (s.body() != null) {
          hashers.add(s.body().getOutputStream());
        }
      }
    }
    boolean skipped = false;
    if (hashers.isEmpty()) {
      drain(body, maxBodyBytes);
    } else {
      skipped = !copyCrlf(body, hashers, maxBodyBytes);
    }
    List<DkimSignature> out = new ArrayList<>();
    for (Map.Entry<String, Stage> e : stages.entrySet()) {
      Stage s = e.getValue();
      if (s.body() == null) {
        signature(s.record(), e.getKey(), s.result()).ifPresent(out::add);
      } else if (!skipped) {
        byte[] expected = s.record().getBodyHash();
        boolean ok = expected != null && MessageDigest.isEqual(expected, s.body().getDigest());
        signature(
                s.record(), e.getKey(), ok ? DkimSignature.Result.PASS : DkimSignature.Result.FAIL)
            .ifPresent(out::add);
      }
    }
    return new Outcome(List.copyOf(out), skipped);
  }

  /**
   * The header stage of one signature: parse it, look up and vet its key, verify the header hash,
   * and prepare its body hasher. Permerror for a signature or key that is broken or doesn't apply,
   * policy for one we refuse (a weak key, rsa-sha1, a timestamp in the future), temperror when the
   * key look-up failed for now, fail when the header hash does not verify.
   */
  private static Stage headerStage(String field, Headers headers, DKIMVerifier keys, long now) {
    SignatureRecord record = null;
    try {
      SignatureRecord parsed = new SignatureRecordImpl(HeaderSection.value(field));
      parsed.validate(); // jDKIM 0.5 validates in the constructor, 0.3 does not
      record = parsed; // so an invalid signature has no record with either version
      Long t = record.getSignatureTimestamp();
      if (t != null && t - now > FUTURE_TOLERANCE_SECONDS) {
        return Stage.done(record, DkimSignature.Result.POLICY);
      }
      PublicKeyRecord key;
      try {
        key = keys.publicRecordLookup(record);
      } catch (TempFailException e) {
        return Stage.done(record, DkimSignature.Result.TEMPERROR);
      } catch (PermFailException e) {
        return Stage.done(record, DkimSignature.Result.PERMERROR);
      }
      PublicKey pk = key.getPublicKey();
      boolean weak = pk instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS;
      String hash = String.valueOf(record.getHashMethod()).toLowerCase(Locale.ROOT);
      if (weak || hash.equals("sha1")) {
        return Stage.done(record, DkimSignature.Result.POLICY);
      }
      try {
        Signature sig =
            Signature.getInstance(
                hash.toUpperCase(Locale.ROOT)
                    + "with"
                    + String.valueOf(record.getHashKeyType()).toUpperCase(Locale.ROOT));
        sig.initVerify(pk);
        HeaderHash.update(headers, record, sig);
        if (!sig.verify(record.getSignature())) {
          return Stage.done(record, DkimSignature.Result.FAIL);
        }
      } catch (GeneralSecurityException e) {
        return Stage.done(record, DkimSignature.Result.FAIL); // as jDKIM: it does not verify
      }
      return new Stage(record, null, new BodyHasherImpl(record));
    } catch (PermFailException | RuntimeException e) {
      // unparseable or invalid tags, an unusable key record, an unsupported canonicalization
      return Stage.done(record, DkimSignature.Result.PERMERROR);
    }
  }

  private static Optional<DkimSignature> signature(
      SignatureRecord record, String field, DkimSignature.Result r) {
    String d = null;
    if (record != null) {
      try {
        CharSequence token = record.getDToken();
        d = token == null ? null : token.toString();
      } catch (RuntimeException e) {
        d = null;
      }
    }
    if (d == null) {
      d = tag(HeaderSection.value(field), "d");
    }
    if (d == null) {
      return Optional.empty();
    }
    return Domains.tryNormalize(d).map(domain -> new DkimSignature(domain, r));
  }

  /** The value of one tag of a tag=value list, or null; for signatures jDKIM can't parse. */
  static String tag(String value, String name) {
    for (String t : value.split(";", 100)) {
      int eq = t.indexOf('=');
      if (eq > 0 && t.substring(0, eq).strip().equals(name)) {
        String v = t.substring(eq + 1).replaceAll("[\\s]+", "");
        return v.isEmpty() ? null : v;
      }
    }
    return null;
  }

  /**
   * Copies the body into the hashers with bare LF made CRLF (as jDKIM's own parser does), and
   * closes them; false when the body was longer than {@code max} bytes (the rest is left unread).
   */
  private static boolean copyCrlf(InputStream in, List<OutputStream> outs, long max)
      throws IOException {
    byte[] buf = new byte[8192];
    byte[] o = new byte[16384];
    long total = 0;
    int prev = -1;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > max) {
        return false;
      }
      int k = 0;
      for (int i = 0; i < n; i++) {
        byte b = buf[i];
        if (b == '\n' && prev != '\r') {
          o[k++] = '\r';
        }
        o[k++] = b;
        prev = b;
      }
      for (OutputStream out : outs) {
        out.write(o, 0, k);
      }
    }
    for (OutputStream out : outs) {
      out.close(); // the canonicalizers complete the body (trailing empty lines) on close
    }
    return true;
  }

  /** Reads the rest of the body, up to {@code max} bytes, as the SPI asks: nothing to hash. */
  private static void drain(InputStream in, long max) throws IOException {
    byte[] buf = new byte[8192];
    long left = max;
    int n;
    while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
      left -= n;
    }
  }

  /** The header fields as jDKIM reads them. */
  private static final class FieldsView implements Headers {
    private final HeaderSection headers;

    FieldsView(HeaderSection headers) {
      this.headers = headers;
    }

    @Override
    public List<String> getFields() {
      return headers.fields();
    }

    @Override
    public List<String> getFields(String name) {
      return headers.fields(name);
    }
  }

  /** jDKIM's header hash, which it keeps protected in a class both 0.3 and 0.5 have. */
  private static final class HeaderHash extends DKIMCommon {
    private HeaderHash() {}

    /** Feeds the signed header fields and the signature field (b= empty) to {@code sig}. */
    static void update(Headers headers, SignatureRecord record, Signature sig)
        throws SignatureException, PermFailException {
      signatureCheck(headers, record, record.getHeaders(), sig);
    }
  }

  /** Public keys from {@code <selector>._domainkey.<d>} TXT, on the bounded resolver. */
  private static final class KeyRetriever implements PublicKeyRecordRetriever {
    private final Dns dns;
    private final Budget budget;

    KeyRetriever(Dns dns, Budget budget) {
      this.dns = dns;
      this.budget = budget;
    }

    @Override
    public List<String> getRecords(
        CharSequence methodAndOption, CharSequence selector, CharSequence token)
        throws TempFailException, PermFailException {
      if (!"dns/txt".equalsIgnoreCase(methodAndOption.toString())) {
        throw new PermFailException("unsupported key query method");
      }
      Dns.Answer a = dns.lookup(selector + "._domainkey." + token, Type.TXT, budget);
      if (a instanceof Dns.Answer.Failure f) {
        throw new TempFailException("key look-up failed: " + f.reason());
      }
      List<String> out = new ArrayList<>();
      if (a instanceof Dns.Answer.Records records) {
        for (Record r : records.records()) {
          String text = SpfDns.joined((TXTRecord) r);
          if (text != null) {
            out.add(text);
          }
        }
      }
      return out;
    }
  }
}
