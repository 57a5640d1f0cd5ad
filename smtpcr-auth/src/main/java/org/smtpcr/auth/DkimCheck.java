package org.smtpcr.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.BodyHasher;
import org.apache.james.jdkim.api.Headers;
import org.apache.james.jdkim.api.PublicKeyRecord;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.apache.james.jdkim.impl.BodyHasherImpl;
import org.apache.james.jdkim.impl.CompoundBodyHasher;
import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;
import org.smtpcr.core.auth.DkimSignature;
import org.smtpcr.core.auth.Domains;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * DKIM verification (RFC 6376) with Apache jDKIM in its two-stage form: the header stage (key
 * look-ups on {@link Dns}, header hashes) first, then the body streamed once through every
 * signature's body hasher. Memory is bounded by the header section; the body is never held.
 * Thread-safe; each message gets its own jDKIM verifier.
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
    Verifier v = new Verifier(new KeyRetriever(dns, budget), checked);
    CompoundBodyHasher hasher;
    try {
      BodyHasher bh = v.newBodyHasher(new FieldsView(headers));
      hasher = (CompoundBodyHasher) bh;
    } catch (FailException | RuntimeException e) {
      drain(body, maxBodyBytes);
      return new Outcome(List.of(), false); // jDKIM declares it; it happens for no field we pass
    }
    boolean skipped = false;
    if (hasher != null && !hasher.getBodyHashJobs().isEmpty()) {
      try (OutputStream out = hasher.getOutputStream()) {
        skipped = !copyCrlf(body, out, maxBodyBytes);
      }
    } else {
      drain(body, maxBodyBytes);
    }
    List<DkimSignature> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String field : checked) {
      if (!seen.add(field)) {
        continue; // jDKIM keys its results by the field: a duplicate is the same signature
      }
      result(field, hasher, v, skipped).ifPresent(out::add);
    }
    return new Outcome(List.copyOf(out), skipped);
  }

  private static Optional<DkimSignature> result(
      String field, CompoundBodyHasher hasher, Verifier v, boolean skipped) {
    if (hasher == null) {
      return Optional.empty();
    }
    BodyHasherImpl job = hasher.getBodyHashJobs().get(field);
    if (job != null) {
      if (skipped) {
        return Optional.empty();
      }
      byte[] expected = job.getSignatureRecord().getBodyHash();
      boolean ok = expected != null && MessageDigest.isEqual(expected, job.getDigest());
      return signature(
          job.getSignatureRecord(),
          field,
          ok ? DkimSignature.Result.PASS : DkimSignature.Result.FAIL);
    }
    FailException e = hasher.getSignatureExceptions().get(field);
    if (e == null) {
      return Optional.empty();
    }
    SignatureRecord record = e.getRelatedRecord();
    DkimSignature.Result r = record == null ? null : v.outcomes.get(record);
    if (r == null) {
      if (e instanceof TempFailException) {
        r = DkimSignature.Result.TEMPERROR;
      } else if (record == null) {
        r = DkimSignature.Result.PERMERROR; // the signature itself is broken
      } else {
        r = DkimSignature.Result.FAIL; // the header hash does not verify
      }
    }
    return signature(record, field, r);
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
   * Copies the body into the hashers with bare LF made CRLF (as jDKIM's own parser does); false
   * when the body was longer than {@code max} bytes (the rest is left unread).
   */
  private static boolean copyCrlf(InputStream in, OutputStream out, long max) throws IOException {
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
      out.write(o, 0, k);
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

  /**
   * jDKIM's verifier, told which signatures to check and recording which failures are the key's
   * (permerror), a policy's, or a transient DNS problem's, where jDKIM says "fail" for all.
   */
  private static final class Verifier extends DKIMVerifier {
    final IdentityHashMap<SignatureRecord, DkimSignature.Result> outcomes = new IdentityHashMap<>();
    private final Set<String> values = new HashSet<>();

    Verifier(PublicKeyRecordRetriever retriever, List<String> fields) {
      super(retriever);
      for (String f : fields) {
        values.add(HeaderSection.value(f));
      }
    }

    @Override
    public SignatureRecord newSignatureRecord(String record) {
      if (!values.contains(record)) {
        throw new IllegalStateException("not checked: beyond the signature limit");
      }
      long now = System.currentTimeMillis() / 1000;
      SignatureRecordImpl r =
          new SignatureRecordImpl(record) {
            @Override
            public Long getSignatureTimestamp() {
              Long t = super.getSignatureTimestamp();
              // Long.valueOf: a bare "now" would unbox t, and t is null without a t= tag
              return t != null && t > now && t - now <= FUTURE_TOLERANCE_SECONDS
                  ? Long.valueOf(now)
                  : t;
            }
          };
      Long t = r.getSignatureTimestamp();
      if (t != null && t > now) {
        outcomes.put(r, DkimSignature.Result.POLICY);
      }
      return r;
    }

    @Override
    public PublicKeyRecord publicRecordLookup(SignatureRecord sign)
        throws TempFailException, PermFailException {
      PublicKeyRecord key;
      try {
        key = super.publicRecordLookup(sign);
      } catch (TempFailException e) {
        outcomes.put(sign, DkimSignature.Result.TEMPERROR);
        throw e;
      } catch (PermFailException | RuntimeException e) {
        outcomes.put(sign, DkimSignature.Result.PERMERROR);
        throw e;
      }
      try {
        PublicKey pk = key.getPublicKey();
        boolean weak =
            pk instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS;
        boolean sha1 = "sha1".equals(String.valueOf(sign.getHashMethod()).toLowerCase(Locale.ROOT));
        if (weak || sha1) {
          outcomes.put(sign, DkimSignature.Result.POLICY);
          throw new PermFailException(weak ? "RSA key too short" : "rsa-sha1", sign);
        }
      } catch (IllegalStateException e) {
        outcomes.put(sign, DkimSignature.Result.PERMERROR);
        throw new PermFailException("invalid public key", sign, e);
      }
      return key;
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
