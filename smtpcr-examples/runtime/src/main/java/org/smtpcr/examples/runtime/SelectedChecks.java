package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.SenderAuthenticator;
import org.smtpcr.core.auth.SpfResult;

/**
 * An authenticator limited to the checks the settings leave on: with {@link Settings#SPF} off an
 * SPF result never counts at RCPT (only the DMARC policy and whether the domain has an SPF record
 * are kept, so that DKIM decides at the end of DATA), with {@link Settings#DKIM} off it leaves the
 * results of RCPT as they are at the end of DATA.
 */
final class SelectedChecks implements SenderAuthenticator {
  private final SenderAuthenticator delegate;
  private final boolean spf;
  private final boolean dkim;

  SelectedChecks(SenderAuthenticator delegate, boolean spf, boolean dkim) {
    this.delegate = requireNonNull(delegate, "delegate");
    this.spf = spf;
    this.dkim = dkim;
  }

  @Override
  public AuthenticationResults checkSender(InetAddress client, String helo, String mailFrom) {
    AuthenticationResults r = delegate.checkSender(client, helo, mailFrom);
    if (spf) {
      return r;
    }
    // SPF does not count, but what the domain publishes does: its DMARC policy, and whether it has
    // an SPF record at all; so a sender with DKIM waits for the end of DATA instead of counting as
    // unchecked (which would admit every hit at RCPT)
    AuthenticationResults.Builder b = AuthenticationResults.builder();
    r.senderPolicy().ifPresent(b::senderPolicy);
    r.spfMailFrom().filter(x -> x == SpfResult.NONE).ifPresent(b::spfMailFrom);
    return b.build();
  }

  @Override
  public AuthenticationResults checkMessage(
      AuthenticationResults atRcpt, String mailFrom, InputStream message) throws IOException {
    return dkim ? delegate.checkMessage(atRcpt, mailFrom, message) : atRcpt;
  }

  @Override
  public String toString() {
    return delegate + (spf ? "[spf only]" : "[dkim only]");
  }
}
