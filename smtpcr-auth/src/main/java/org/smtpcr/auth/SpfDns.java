package org.smtpcr.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.IPAddr;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * jSPF's view of DNS, on {@link Dns}, with the bounds of RFC 7208 §4.6.4 that jSPF leaves out. jSPF
 * itself counts the terms that query DNS ({@code include}, {@code a}, {@code mx}, {@code ptr},
 * {@code exists}, {@code redirect}; more than 10 is a permerror). This class adds, per evaluation:
 * at most {@value #MAX_VOID_LOOKUPS} void look-ups, at most {@value #MAX_MX_NAMES} names per MX
 * answer, at most {@value #MAX_QUERIES} queries in all, TXT records of at most {@value
 * #MAX_TXT_CHARS} characters (a longer SPF record is a permerror, a longer other record is
 * ignored), and the check's deadline.
 *
 * <p>jSPF's synchronous executor calls it on the checking thread, so the state of the evaluation in
 * progress lives in a thread-local {@link Evaluation}. When a bound is hit the evaluation records
 * it and every further query fails at once; {@link SpfCheck} then turns the outcome into {@code
 * permerror} (a limit) or {@code temperror} (the deadline), whatever jSPF concluded.
 */
final class SpfDns implements DNSService {
  static final int MAX_VOID_LOOKUPS = 2;
  static final int MAX_MX_NAMES = 10;
  static final int MAX_QUERIES = 120;
  static final int MAX_TXT_CHARS = 4096;

  /** Why an evaluation was stopped. */
  enum Stop {
    LIMIT,
    DEADLINE
  }

  /** The state of one SPF evaluation. */
  static final class Evaluation {
    final Budget budget;
    int queries;
    int voids;
    Stop stop;

    Evaluation(Budget budget) {
      this.budget = budget;
    }
  }

  private final Dns dns;
  private static final ThreadLocal<Evaluation> current = new ThreadLocal<>();

  SpfDns(Dns dns) {
    this.dns = dns;
  }

  void begin(Evaluation evaluation) {
    current.set(evaluation);
  }

  void end() {
    current.remove();
  }

  @Override
  public List<String> getRecords(DNSRequest request) throws TimeoutException {
    if (request.getRecordType() == DNSRequest.SPF) {
      return null; // RFC 7208 §3.1: the SPF RR type is gone; only TXT is asked for
    }
    Evaluation e = current.get();
    if (e == null) {
      throw new TimeoutException("no SPF evaluation in progress");
    }
    if (e.stop != null) {
      throw new TimeoutException("evaluation stopped");
    }
    if (++e.queries > MAX_QUERIES) {
      return stop(e, Stop.LIMIT, "too many DNS queries");
    }
    int type = dnsType(request.getRecordType());
    Dns.Answer answer = dns.lookup(request.getHostname(), type, e.budget);
    if (answer instanceof Dns.Answer.Failure f) {
      if (f.deadline()) {
        return stop(e, Stop.DEADLINE, "deadline");
      }
      throw new TimeoutException(f.reason());
    }
    if (answer instanceof Dns.Answer.NoData) {
      if (++e.voids > MAX_VOID_LOOKUPS) {
        return stop(e, Stop.LIMIT, "too many void lookups");
      }
      return null;
    }
    List<Record> records = ((Dns.Answer.Records) answer).records();
    if (type == Type.MX && records.size() > MAX_MX_NAMES) {
      return stop(e, Stop.LIMIT, "too many MX records");
    }
    List<String> out = new ArrayList<>(records.size());
    for (Record r : records) {
      if (r instanceof ARecord a) {
        out.add(a.getAddress().getHostAddress());
      } else if (r instanceof AAAARecord a) {
        out.add(a.getAddress().getHostAddress());
      } else if (r instanceof MXRecord mx) {
        out.add(mx.getTarget().toString());
      } else if (r instanceof PTRRecord ptr) {
        out.add(IPAddr.stripDot(ptr.getTarget().toString()));
      } else if (r instanceof TXTRecord txt) {
        String text = joined(txt);
        if (text != null) {
          out.add(text);
        } else if (isSpf(txt)) {
          return stop(e, Stop.LIMIT, "SPF record too long");
        } // else: an oversized record that is not SPF does not matter here
      }
    }
    return out.isEmpty() ? null : out;
  }

  /**
   * The strings of a TXT record joined (RFC 7208 §3.3); null when longer than {@value
   * #MAX_TXT_CHARS} characters.
   */
  static String joined(TXTRecord txt) {
    StringBuilder sb = new StringBuilder();
    for (String s : txt.getStrings()) {
      if (sb.length() + s.length() > MAX_TXT_CHARS) {
        return null;
      }
      sb.append(s);
    }
    return sb.toString();
  }

  /** True when the record starts like an SPF record ({@code v=spf1}, RFC 7208 §4.5). */
  static boolean isSpf(TXTRecord txt) {
    StringBuilder head = new StringBuilder();
    for (String s : txt.getStrings()) {
      head.append(s, 0, Math.min(s.length(), 7 - head.length()));
      if (head.length() >= 7) {
        break;
      }
    }
    String h = head.toString().toLowerCase(Locale.ROOT);
    return h.equals("v=spf1") || h.equals("v=spf1 ");
  }

  private static List<String> stop(Evaluation e, Stop why, String reason) throws TimeoutException {
    e.stop = why;
    throw new TimeoutException(reason);
  }

  private static int dnsType(int jspfType) {
    return switch (jspfType) {
      case DNSRequest.A -> Type.A;
      case DNSRequest.AAAA -> Type.AAAA;
      case DNSRequest.MX -> Type.MX;
      case DNSRequest.PTR -> Type.PTR;
      default -> Type.TXT;
    };
  }

  @Override
  public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
    try {
      return CompletableFuture.completedFuture(getRecords(request));
    } catch (TimeoutException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Used for the {@code %{r}} macro only; we don't look the local host up. */
  @Override
  public List<String> getLocalDomainNames() {
    return List.of();
  }

  /** Ignored: the time-out is the authenticator's. */
  @Override
  public void setTimeOut(int timeOut) {}

  @Override
  public int getRecordLimit() {
    return MAX_MX_NAMES;
  }

  /** Ignored: the limit is fixed by RFC 7208. */
  @Override
  public void setRecordLimit(int recordLimit) {}
}
