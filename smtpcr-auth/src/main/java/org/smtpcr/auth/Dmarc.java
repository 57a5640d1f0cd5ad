package org.smtpcr.auth;

import java.util.Locale;
import java.util.Optional;
import org.smtpcr.core.auth.DmarcPolicy;
import org.smtpcr.core.auth.Domains;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * DMARC policy discovery (RFC 7489 §6.6.3): {@code _dmarc.<domain>}, then {@code
 * _dmarc.<organizational domain>} whose {@code sp=} (or {@code p=}) then applies. Thread-safe.
 */
final class Dmarc {
  /** A usable DMARC record, reduced to what we act on. */
  record Policy(DmarcPolicy policy, boolean strictDkim, boolean strictSpf) {}

  private static final Policy ABSENT = new Policy(DmarcPolicy.ABSENT, false, false);
  private static final Policy TEMPERROR = new Policy(DmarcPolicy.TEMPERROR, false, false);

  private final Dns dns;

  Dmarc(Dns dns) {
    this.dns = dns;
  }

  /**
   * The policy that applies to mail from {@code domain} (normalized): ABSENT when nothing usable is
   * published, TEMPERROR when a look-up failed or the budget ran out.
   */
  Policy lookup(String domain, Budget budget) {
    Lookup at = lookupAt(domain, budget);
    if (at.failed) {
      return TEMPERROR;
    }
    if (at.record != null) {
      return new Policy(at.record.p, at.record.strictDkim, at.record.strictSpf);
    }
    String org = Domains.organizational(domain);
    if (org.isEmpty() || org.equals(domain)) {
      return ABSENT;
    }
    Lookup parent = lookupAt(org, budget);
    if (parent.failed) {
      return TEMPERROR;
    }
    if (parent.record != null) {
      DmarcPolicy p = parent.record.sp != null ? parent.record.sp : parent.record.p;
      return new Policy(p, parent.record.strictDkim, parent.record.strictSpf);
    }
    return ABSENT;
  }

  private record Lookup(Parsed record, boolean failed) {}

  private Lookup lookupAt(String domain, Budget budget) {
    Dns.Answer a = dns.lookup("_dmarc." + domain, Type.TXT, budget);
    if (a instanceof Dns.Answer.Failure) {
      return new Lookup(null, true);
    }
    if (!(a instanceof Dns.Answer.Records records)) {
      return new Lookup(null, false);
    }
    Parsed found = null;
    int candidates = 0;
    for (Record r : records.records()) {
      String text = SpfDns.joined((TXTRecord) r);
      if (text == null || !isDmarc(text)) {
        continue;
      }
      candidates++;
      Optional<Parsed> p = parse(text);
      if (p.isPresent()) {
        found = p.get();
      }
    }
    // RFC 7489 §6.6.3: more than one record means none applies
    return new Lookup(candidates == 1 ? found : null, false);
  }

  /** The parsed tags we use; {@code sp} null when absent. */
  record Parsed(DmarcPolicy p, DmarcPolicy sp, boolean strictDkim, boolean strictSpf) {}

  static boolean isDmarc(String text) {
    String t = text.strip();
    int semi = t.indexOf(';');
    String first = (semi < 0 ? t : t.substring(0, semi)).strip();
    int eq = first.indexOf('=');
    return eq > 0
        && first.substring(0, eq).strip().equals("v")
        && first.substring(eq + 1).strip().equals("DMARC1");
  }

  /**
   * Parses a record that {@link #isDmarc}. An invalid or missing {@code p=} leaves a record with a
   * {@code rua=} as {@code p=none} and discards any other (RFC 7489 §6.6.3 step 6); an invalid
   * {@code sp=}, {@code adkim=} or {@code aspf=} takes its default.
   */
  static Optional<Parsed> parse(String text) {
    DmarcPolicy p = null;
    DmarcPolicy sp = null;
    boolean strictDkim = false;
    boolean strictSpf = false;
    boolean rua = false;
    String[] tags = text.split(";", 64);
    for (int i = 1; i < tags.length; i++) {
      String tag = tags[i];
      int eq = tag.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String name = tag.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = tag.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
      switch (name) {
        case "p" -> p = policy(value);
        case "sp" -> sp = policy(value);
        case "adkim" -> strictDkim = value.equals("s");
        case "aspf" -> strictSpf = value.equals("s");
        case "rua" -> rua = !value.isEmpty();
        default -> {}
      }
    }
    if (p == null) {
      return rua
          ? Optional.of(new Parsed(DmarcPolicy.NONE, null, strictDkim, strictSpf))
          : Optional.empty();
    }
    return Optional.of(new Parsed(p, sp, strictDkim, strictSpf));
  }

  private static DmarcPolicy policy(String value) {
    return switch (value) {
      case "none" -> DmarcPolicy.NONE;
      case "quarantine" -> DmarcPolicy.QUARANTINE;
      case "reject" -> DmarcPolicy.REJECT;
      default -> null;
    };
  }
}
