package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.SenderAuthenticator;

/**
 * An authenticator limited to the checks the settings leave on: with {@link Settings#SPF} off it
 * checks nothing at RCPT (the sender is then unchecked there), with {@link Settings#DKIM} off it
 * leaves the results of RCPT as they are at the end of DATA.
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
    return spf ? delegate.checkSender(client, helo, mailFrom) : AuthenticationResults.notChecked();
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
