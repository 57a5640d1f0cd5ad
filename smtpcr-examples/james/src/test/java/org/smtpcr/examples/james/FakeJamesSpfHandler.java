package org.smtpcr.examples.james;

import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailHook;

/**
 * Stands in for James server 3.8's {@code SPFHandler} (not on the test class path): at MAIL it
 * stores a jSPF {@code Received-SPF} text in the transaction attachment {@code SPF_HEADER}, as that
 * handler does, with the result named by the sender's local part ({@code jamesfail@...} stores
 * {@code fail}, {@code jamespass@...} {@code pass}); other senders get nothing stored.
 */
public final class FakeJamesSpfHandler implements MailHook {
  /** The constructor the handler chain calls. */
  public FakeJamesSpfHandler() {}

  @Override
  public HookResult doMail(SMTPSession session, MaybeSender sender) {
    if (!sender.isNullSender()) {
      String local = sender.get().getLocalPart();
      if (local.startsWith("james")) {
        String result = local.substring("james".length());
        session.setAttachment(
            JamesSpf.SPF_HEADER,
            result
                + " (spfCheck: domain of "
                + sender.get().getDomain().asString()
                + " designates 127.0.0.1 as permitted sender) client-ip=127.0.0.1;",
            State.Transaction);
      }
    }
    return HookResult.DECLINED;
  }
}
