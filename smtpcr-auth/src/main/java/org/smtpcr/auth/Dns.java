package org.smtpcr.auth;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

/**
 * Bounded DNS on dnsjava: every look-up waits at most the per-query time-out and never past the
 * check's {@link Budget}. CNAME chains are followed by dnsjava (fewer than {@value #MAX_REDIRECTS}
 * links, on every dnsjava version; loops detected). Thread-safe.
 */
final class Dns {
  static final int MAX_REDIRECTS = 8;

  /**
   * The {@code maxRedirects} for dnsjava's {@link LookupSession}: dnsjava 3.6 then follows chains
   * of fewer than {@value #MAX_REDIRECTS} links. dnsjava before 3.6 (3.5.2 is what Apache James
   * 3.8.1 ships, and what runs there) counts one redirect more at the start and one more for every
   * further query when a chain comes in several answers, so it would cut chains within the bound
   * after as few as 4 links; there it gets twice the bound, and {@link #lookup} refuses a result
   * that went through {@value #MAX_REDIRECTS} or more, as 3.6 does. It is recognized by the absence
   * of {@code RedirectLoopException}, which came with 3.6's count.
   */
  static int sessionMaxRedirects() {
    try {
      Class.forName(
          "org.xbill.DNS.lookup.RedirectLoopException",
          false,
          LookupSession.class.getClassLoader());
      return MAX_REDIRECTS;
    } catch (ClassNotFoundException e) {
      return 2 * MAX_REDIRECTS;
    }
  }

  /** The outcome of one look-up. */
  sealed interface Answer {
    /** Records of the type asked for (after CNAMEs). */
    record Records(List<Record> records) implements Answer {}

    /** NXDOMAIN, or no records of that type: a "void lookup" in RFC 7208's terms. */
    record NoData() implements Answer {}

    /**
     * A time-out, a server failure or a broken answer; {@code deadline} when the budget ran out.
     */
    record Failure(boolean deadline, String reason) implements Answer {}
  }

  private static final Answer VOID = new Answer.NoData();

  private final LookupSession session;
  private final long queryTimeoutNanos;

  Dns(LookupSession session, Duration queryTimeout) {
    this.session = session;
    this.queryTimeoutNanos = queryTimeout.toNanos();
  }

  Answer lookup(String name, int type, Budget budget) {
    long wait = budget.remainingNanos(queryTimeoutNanos);
    if (wait <= 0) {
      return new Answer.Failure(true, "deadline");
    }
    Name n;
    try {
      n = Name.fromString(name, Name.root);
    } catch (TextParseException e) {
      return VOID; // not a name: nothing can exist there
    }
    CompletableFuture<LookupResult> f;
    try {
      f = session.lookupAsync(n, type).toCompletableFuture();
    } catch (RuntimeException e) {
      return new Answer.Failure(false, e.getClass().getSimpleName());
    }
    try {
      LookupResult r = f.get(wait, TimeUnit.NANOSECONDS);
      List<Name> aliases = r.getAliases();
      if (aliases.size() >= MAX_REDIRECTS) {
        // dnsjava 3.6 stops there itself; before 3.6 it has a looser bound (see above)
        return new Answer.Failure(false, "too many CNAMEs");
      }
      List<Record> typed = r.getRecords().stream().filter(x -> x.getType() == type).toList();
      // only records of the name asked, or of the one name its CNAMEs lead to: dnsjava before 3.6
      // also returned the answer section's records of other names (3.6 normalizes answers, see
      // CVE-2024-25638)
      List<Record> records;
      if (aliases.isEmpty()) {
        records = typed.stream().filter(x -> x.getName().equals(n)).toList();
      } else {
        Set<Name> owners = typed.stream().map(Record::getName).collect(Collectors.toSet());
        if (owners.size() > 1 || owners.contains(n) || !Collections.disjoint(owners, aliases)) {
          return new Answer.Failure(false, "records of several names after a CNAME");
        }
        records = typed;
      }
      return records.isEmpty() ? VOID : new Answer.Records(records);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof NoSuchDomainException || cause instanceof NoSuchRRSetException) {
        return VOID;
      }
      return new Answer.Failure(
          false, cause == null ? "lookup failed" : cause.getClass().getSimpleName());
    } catch (TimeoutException e) {
      f.cancel(true);
      return new Answer.Failure(budget.expired(), "time-out");
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      return new Answer.Failure(false, "interrupted");
    }
  }
}
