package org.smtpcr.examples.james;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.james.core.MailAddress;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MessageHook;

/**
 * The last message hook of the test server, standing in for James's queueing (SendMailHandler):
 * keeps the message and answers {@code 250 2.6.0}. (protocols-smtp sends no reply at all when every
 * message hook declines, so the test chain needs one that answers.)
 */
final class CapturingMessageHook implements MessageHook {
  /** A delivered message. */
  record Delivered(String sender, List<String> recipients, String text) {}

  private final List<Delivered> delivered = new CopyOnWriteArrayList<>();

  @Override
  public HookResult onMessage(SMTPSession session, MailEnvelope mail) {
    try (InputStream in = mail.getMessageInputStream()) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      delivered.add(
          new Delivered(
              mail.getMaybeSender().asString("<>"),
              mail.getRecipients().stream().map(MailAddress::asString).toList(),
              text));
    } catch (IOException e) {
      return HookResult.builder()
          .hookReturnCode(HookReturnCode.denySoft())
          .smtpReturnCode("451")
          .smtpDescription("4.3.0 test hook could not read the message")
          .build();
    }
    return HookResult.builder()
        .hookReturnCode(HookReturnCode.ok())
        .smtpReturnCode("250")
        .smtpDescription("2.6.0 Message accepted")
        .build();
  }

  List<Delivered> delivered() {
    return List.copyOf(delivered);
  }
}
