package org.smtpcr.examples.james;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.AbstractAuthRequiredToRelayRcptHook;
import org.apache.james.protocols.smtp.hook.HookResult;

/**
 * Stands in for James server's {@code AuthRequiredToRelayRcptHook} (a core handler, after the
 * handlers configured in smtpserver.xml): refuses recipients outside the local domains with {@code
 * 550 5.7.1 Requested action not taken: relaying denied}. Counts the recipients it sees, so a test
 * can tell that a hook before it let a recipient through.
 */
final class RelayGuard extends AbstractAuthRequiredToRelayRcptHook {
  private final Set<String> localDomains;
  private final AtomicInteger seen = new AtomicInteger();

  RelayGuard(Set<String> localDomains) {
    this.localDomains = Set.copyOf(localDomains);
  }

  @Override
  public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
    seen.incrementAndGet();
    return super.doRcpt(session, sender, rcpt);
  }

  @Override
  protected boolean isLocalDomain(Domain domain) {
    return localDomains.contains(domain.asString());
  }

  int seen() {
    return seen.get();
  }
}
