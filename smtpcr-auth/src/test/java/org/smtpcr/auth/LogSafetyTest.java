package org.smtpcr.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.smtpcr.auth.testing.ScriptedDnsServer;
import org.smtpcr.core.auth.AuthenticationResults;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** What the peer or a DNS record says never adds a line to our log. */
final class LogSafetyTest {
  private static Message answer(Message query) {
    Message m = ScriptedDnsServer.answer(query);
    if (query.getQuestion().getType() == Type.TXT) {
      m.addRecord(
          new TXTRecord(
              query.getQuestion().getName(),
              DClass.IN,
              60,
              java.util.List.of("v=spf1 exp=x\r\nInjected-Record: yes -all")),
          Section.ANSWER);
    }
    return m;
  }

  @Test
  void checks_hostileHeloAndRecords_logNoInjectedLine() throws IOException {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (ScriptedDnsServer server = ScriptedDnsServer.start(LogSafetyTest::answer)) {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      SmtpcrAuthenticator auth =
          SmtpcrAuthenticator.builder()
              .dnsServer(server.address())
              .deadline(Duration.ofSeconds(2))
              .build();
      AuthenticationResults r =
          auth.checkSender(
              HostileDnsPropertiesTest.CLIENT,
              "evil.example\r\nInjected-Helo: yes",
              "a\r\nInjected-Sender: yes@evil.example");
      auth.checkMessage(
          r,
          "a@evil.example",
          new ByteArrayInputStream(
              "From: a@evil.example\r\nDKIM-Signature: v=1; d=evil.example; s=x\r\n\r\nb\r\n"
                  .getBytes(StandardCharsets.UTF_8)));
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("sender check"), log);
    assertFalse(log.contains("\nInjected"), log);
    assertFalse(log.contains("\r"), log);
  }
}
