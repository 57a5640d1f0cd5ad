package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.tokens.KeyRing;

final class SmtpcrMessageHookTest {
  @TempDir Path dir;

  @Test
  void onMessage_noTransactionFromTheRcptHook_declined() throws Exception {
    SMTPSession session =
        TestSessions.afterMail("198.51.100.7", false, "client.example", MaybeSender.nullSender());
    assertSame(
        HookResult.DECLINED,
        new SmtpcrMessageHook().onMessage(session, envelope("Subject: x\r\n\r\n")));
  }

  @Test
  void onMessage_pendingRecipientAndUnreadableMessage_defers451() throws Exception {
    BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
    c.addProperty("keyFile", Fixtures.keyFile(dir, KeyRing.generate()).toString());
    c.addProperty("challengeBase", "https://cr.example.com/");
    c.addProperty("store.url", Fixtures.h2Url(dir, "whitelist"));
    c.addProperty("subjectPassCodes", "true");
    c.addProperty("messageHook", "true");
    SmtpcrRcptHook rcptHook = new SmtpcrRcptHook();
    rcptHook.init(c);
    try {
      SMTPSession session =
          TestSessions.afterMail(
              "198.51.100.7", false, "client.example", TestSessions.sender("a@b.example"));
      assertSame(
          HookResult.DECLINED,
          rcptHook.doRcpt(
              session,
              TestSessions.sender("a@b.example"),
              new MailAddress("bob@example.org"),
              Map.of()),
          "pending until the end of DATA");

      HookResult result = new SmtpcrMessageHook().onMessage(session, unreadable());
      assertEquals(HookReturnCode.denySoft(), result.getResult());
      assertEquals("451", result.getSmtpRetCode());
    } finally {
      rcptHook.destroy();
    }
  }

  @Test
  void onMessage_challengeCode450_pendingRecipientWithoutCode_denySoft450() throws Exception {
    HookResult result = endOfData(Map.of("challengeCode", "450"), envelope("Subject: x\r\n\r\n"));
    assertEquals(HookReturnCode.denySoft(), result.getResult());
    assertEquals("450", result.getSmtpRetCode());
    assertTrue(result.getSmtpDescription().startsWith("4.7.1 "), result.getSmtpDescription());
    assertTrue(result.getSmtpDescription().contains(" https://cr.example.com/c/"));
  }

  @Test
  void onMessage_observe_wouldBeChallengeAndUnreadableMessage_bothDeclined() throws Exception {
    assertSame(
        HookResult.DECLINED, endOfData(Map.of("mode", "observe"), envelope("Subject: x\r\n\r\n")));
    assertSame(HookResult.DECLINED, endOfData(Map.of("mode", "observe"), unreadable()));
  }

  /** A recipient left pending by the RCPT hook (subject pass codes on), then the end of DATA. */
  private HookResult endOfData(Map<String, String> extra, MailEnvelope message) throws Exception {
    BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
    c.addProperty("keyFile", Fixtures.keyFile(dir, KeyRing.generate()).toString());
    c.addProperty("challengeBase", "https://cr.example.com/");
    c.addProperty("store.url", Fixtures.h2Url(dir, "whitelist"));
    c.addProperty("subjectPassCodes", "true");
    c.addProperty("messageHook", "true");
    extra.forEach(c::addProperty);
    SmtpcrRcptHook rcptHook = new SmtpcrRcptHook();
    rcptHook.init(c);
    try {
      SMTPSession session =
          TestSessions.afterMail(
              "198.51.100.7", false, "client.example", TestSessions.sender("a@b.example"));
      assertSame(
          HookResult.DECLINED,
          rcptHook.doRcpt(
              session,
              TestSessions.sender("a@b.example"),
              new MailAddress("bob@example.org"),
              Map.of()),
          "pending until the end of DATA");
      return new SmtpcrMessageHook().onMessage(session, message);
    } finally {
      rcptHook.destroy();
    }
  }

  @Test
  void init_maxHeaderBytes_inRangeAccepted() throws Exception {
    SmtpcrMessageHook hook = new SmtpcrMessageHook();
    hook.init(config("maxHeaderBytes", "4096"));
    assertEquals("SmtpcrMessageHook[maxHeaderBytes=4096]", hook.toString());
  }

  @Test
  void init_maxHeaderBytes_outOfRangeRefused() {
    assertEquals(
        "maxHeaderBytes must be 1024 to 1048576, got 10",
        assertThrows(
                ConfigurationException.class,
                () -> new SmtpcrMessageHook().init(config("maxHeaderBytes", "10")))
            .getMessage());
  }

  @Test
  void init_unknownSetting_refused() {
    assertEquals(
        "unknown setting for SmtpcrMessageHook; known: maxHeaderBytes",
        assertThrows(
                ConfigurationException.class,
                () -> new SmtpcrMessageHook().init(config("maxHeaders", "4096")))
            .getMessage());
  }

  private static BaseHierarchicalConfiguration config(String key, String value) {
    BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
    c.addProperty("[@class]", SmtpcrMessageHook.class.getName());
    c.addProperty(key, value);
    return c;
  }

  private static MailEnvelope unreadable() {
    return new MailEnvelope() {
      @Override
      public long getSize() {
        return 0;
      }

      @Override
      public List<MailAddress> getRecipients() {
        return List.of();
      }

      @Override
      public MaybeSender getMaybeSender() {
        return MaybeSender.nullSender();
      }

      @Override
      public InputStream getMessageInputStream() throws IOException {
        throw new IOException("spool file gone");
      }

      @Override
      public OutputStream getMessageOutputStream() throws IOException {
        throw new IOException("read only");
      }
    };
  }

  private static MailEnvelope envelope(String message) {
    return new MailEnvelope() {
      @Override
      public long getSize() {
        return message.length();
      }

      @Override
      public List<MailAddress> getRecipients() {
        return List.of();
      }

      @Override
      public MaybeSender getMaybeSender() {
        return MaybeSender.nullSender();
      }

      @Override
      public InputStream getMessageInputStream() {
        return new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public OutputStream getMessageOutputStream() throws IOException {
        throw new IOException("read only");
      }
    };
  }
}
