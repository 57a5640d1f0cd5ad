package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.store.OutboundMarks;
import org.smtpcr.tokens.KeyRing;

/** {@link SmtpcrRcptHook} called directly, on protocols-smtp's session class. */
final class SmtpcrRcptHookTest {
  @TempDir Path dir;

  private SmtpcrRcptHook hook;

  @BeforeEach
  void init() throws Exception {
    hook = configured(Map.of());
  }

  @AfterEach
  void destroy() {
    hook.destroy();
  }

  private SmtpcrRcptHook configured(Map<String, String> extra) throws Exception {
    BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
    config.addProperty("[@class]", SmtpcrRcptHook.class.getName());
    config.addProperty("keyFile", Fixtures.keyFile(dir, KeyRing.generate()).toString());
    config.addProperty("challengeBase", "https://cr.example.com/");
    config.addProperty("store.url", Fixtures.h2Url(dir, "whitelist"));
    config.addProperty("trustedNetworks", "192.0.2.0/24");
    extra.forEach(config::addProperty);
    SmtpcrRcptHook h = new SmtpcrRcptHook();
    h.init(config);
    return h;
  }

  @Test
  void doRcpt_unknownSender_denies550AndLeavesMultiLineReplyForTheHandler() throws Exception {
    SMTPSession session =
        TestSessions.afterMail(
            "198.51.100.7", false, "client.example", TestSessions.sender("a@b.example"));
    HookResult result =
        hook.doRcpt(
            session,
            TestSessions.sender("a@b.example"),
            new MailAddress("bob@example.org"),
            Map.of());

    assertEquals(HookReturnCode.deny(), result.getResult());
    assertEquals("550", result.getSmtpRetCode());
    assertTrue(result.getSmtpDescription().startsWith("5.7.1 <bob@example.org> only accepts mail"));
    assertTrue(result.getSmtpDescription().contains(" https://cr.example.com/c/"));
    assertFalse(
        result.getSmtpDescription().contains("\r") || result.getSmtpDescription().contains("\n"));

    // what James makes of the result, and what the result handler makes of that
    Response oneLine = new SMTPResponse(result.getSmtpRetCode(), result.getSmtpDescription());
    Response multi = new SmtpcrReplyHandler().onResponse(session, oneLine, 0, hook);
    List<String> lines = TestSessions.lines(multi);
    assertTrue(lines.size() > 1, lines.toString());
    assertTrue(
        lines.get(lines.size() - 1).startsWith("550 5.7.1 https://cr.example.com/c/"),
        lines.toString());
  }

  @Test
  void doRcpt_challengeCode450_deniesSoftly450WithTheLink() throws Exception {
    SmtpcrRcptHook soft = configured(Map.of("challengeCode", "450"));
    try {
      SMTPSession session =
          TestSessions.afterMail(
              "198.51.100.7", false, "client.example", TestSessions.sender("a@b.example"));
      HookResult result =
          soft.doRcpt(
              session,
              TestSessions.sender("a@b.example"),
              new MailAddress("bob@example.org"),
              Map.of());
      assertEquals(HookReturnCode.denySoft(), result.getResult());
      assertEquals("450", result.getSmtpRetCode());
      assertTrue(result.getSmtpDescription().startsWith("4.7.1 <bob@example.org> only accepts"));
      assertTrue(result.getSmtpDescription().contains(" https://cr.example.com/c/"));
    } finally {
      soft.destroy();
    }
  }

  @Test
  void doRcpt_observe_wouldBeChallenge_declined() throws Exception {
    SmtpcrRcptHook observe = configured(Map.of("mode", "observe"));
    try {
      SMTPSession session =
          TestSessions.afterMail(
              "198.51.100.7", false, "client.example", TestSessions.sender("a@b.example"));
      assertSame(
          HookResult.DECLINED,
          observe.doRcpt(
              session,
              TestSessions.sender("a@b.example"),
              new MailAddress("bob@example.org"),
              Map.of()));
    } finally {
      observe.destroy();
    }
  }

  @Test
  void doRcpt_localDomainsSet_aRecipientElsewhereIsRefusedWithoutALink() throws Exception {
    SmtpcrRcptHook local = configured(Map.of("localDomains", "example.org"));
    try {
      SMTPSession session =
          TestSessions.afterMail(
              "198.51.100.7", false, "client.example", TestSessions.sender("a@b.example"));
      HookResult ours =
          local.doRcpt(
              session,
              TestSessions.sender("a@b.example"),
              new MailAddress("bob@example.org"),
              Map.of());
      assertTrue(ours.getSmtpDescription().contains(" https://cr.example.com/c/"));
      HookResult elsewhere =
          local.doRcpt(
              session,
              TestSessions.sender("a@b.example"),
              new MailAddress("carol@elsewhere.example"),
              Map.of());
      assertEquals(HookReturnCode.deny(), elsewhere.getResult());
      assertEquals("550", elsewhere.getSmtpRetCode());
      assertFalse(elsewhere.getSmtpDescription().contains("https://"), "no link minted for it");
    } finally {
      local.destroy();
    }
  }

  @Test
  void doRcpt_nullSenderAny_acceptsABounceWithoutAnOutboundMark() throws Exception {
    SmtpcrRcptHook any = configured(Map.of("nullSender", "any"));
    try {
      SMTPSession session =
          TestSessions.afterMail("198.51.100.7", false, "client.example", MaybeSender.nullSender());
      assertSame(
          HookResult.DECLINED,
          any.doRcpt(
              session, MaybeSender.nullSender(), new MailAddress("bob@example.org"), Map.of()));
    } finally {
      any.destroy();
    }
  }

  @Test
  void doRcpt_postmasterFromUnknownSender_declinedByTheEngine() throws Exception {
    SMTPSession session =
        TestSessions.afterMail(
            "198.51.100.7", false, "client.example", TestSessions.sender("a@b.example"));
    assertSame(
        HookResult.DECLINED,
        hook.doRcpt(
            session,
            TestSessions.sender("a@b.example"),
            new MailAddress("postmaster@example.org"),
            Map.of()));
    assertTrue(
        session.getAttachment(OpenTransaction.KEY, State.Transaction).isPresent(),
        "the engine was asked");
  }

  @Test
  void doRcpt_nullSenderWithoutMessageHook_onlyForARecipientWhoSentMailRecently() throws Exception {
    SMTPSession session =
        TestSessions.afterMail("198.51.100.7", false, "client.example", MaybeSender.nullSender());
    HookResult refused =
        hook.doRcpt(
            session, MaybeSender.nullSender(), new MailAddress("bob@example.org"), Map.of());
    assertEquals(HookReturnCode.deny(), refused.getResult());
    assertEquals("550", refused.getSmtpRetCode());
    assertFalse(refused.getSmtpDescription().contains("https://"), "no link for a bounce");

    // carol sent mail recently (outbound learning marks her): a bounce to her is expected
    Fixtures.pageStore(Fixtures.h2Url(dir, "whitelist"))
        .countIfUnder(
            List.of(
                OutboundMarks.mark(
                    Fixtures.recipient("carol@example.org"), Instant.now(), Duration.ofDays(30))));
    SMTPSession next =
        TestSessions.afterMail("198.51.100.7", false, "client.example", MaybeSender.nullSender());
    assertSame(
        HookResult.DECLINED,
        hook.doRcpt(
            next, MaybeSender.nullSender(), new MailAddress("carol@example.org"), Map.of()));
  }

  @Test
  void doRcpt_nullSenderWithMessageHook_declinedToWaitForTheReport() throws Exception {
    SmtpcrRcptHook withMessageHook = configured(Map.of("messageHook", "true"));
    try {
      SMTPSession session =
          TestSessions.afterMail("198.51.100.7", false, "client.example", MaybeSender.nullSender());
      assertSame(
          HookResult.DECLINED,
          withMessageHook.doRcpt(
              session, MaybeSender.nullSender(), new MailAddress("bob@example.org"), Map.of()));
    } finally {
      withMessageHook.destroy();
    }
  }

  @Test
  void doRcpt_trustedNetwork_declined() throws Exception {
    SMTPSession session =
        TestSessions.afterMail(
            "192.0.2.9", false, "relay.example", TestSessions.sender("a@b.example"));
    assertSame(
        HookResult.DECLINED,
        hook.doRcpt(
            session,
            TestSessions.sender("a@b.example"),
            new MailAddress("bob@example.org"),
            Map.of()));
  }

  @Test
  void doRcpt_authenticatedSession_declined() throws Exception {
    SMTPSession session =
        TestSessions.afterMail("198.51.100.7", false, "laptop", TestSessions.sender("a@b.example"));
    session.setUsername(Username.of("alice@example.org"));
    assertSame(
        HookResult.DECLINED,
        hook.doRcpt(
            session,
            TestSessions.sender("a@b.example"),
            new MailAddress("bob@example.org"),
            Map.of()));
  }

  @Test
  void doRcpt_clientJamesLetsRelay_declinedWithoutAskingTheEngine() throws Exception {
    SMTPSession session =
        TestSessions.afterMail(
            "198.51.100.7", true, "client.example", TestSessions.sender("a@b.example"));
    assertSame(
        HookResult.DECLINED,
        hook.doRcpt(
            session,
            TestSessions.sender("a@b.example"),
            new MailAddress("bob@example.org"),
            Map.of()));
    assertTrue(
        session.getAttachment(OpenTransaction.KEY, State.Transaction).isEmpty(),
        "the engine was not asked");
  }

  @Test
  void doRcpt_trustRelayingClientsOff_relayingClientIsAsked() throws Exception {
    SmtpcrRcptHook strict = configured(Map.of("trustRelayingClients", "false"));
    try {
      SMTPSession session =
          TestSessions.afterMail(
              "198.51.100.7", true, "client.example", TestSessions.sender("a@b.example"));
      assertEquals(
          HookReturnCode.deny(),
          strict
              .doRcpt(
                  session,
                  TestSessions.sender("a@b.example"),
                  new MailAddress("bob@example.org"),
                  Map.of())
              .getResult());
    } finally {
      strict.destroy();
    }
  }

  @Test
  void doRcpt_threeArgumentOverload_decidesLikeTheFourArgumentOne() throws Exception {
    SMTPSession session =
        TestSessions.afterMail(
            "198.51.100.7", false, "client.example", TestSessions.sender("a@b.example"));
    HookResult three =
        hook.doRcpt(
            session, TestSessions.sender("a@b.example"), new MailAddress("bob@example.org"));
    assertEquals("550", three.getSmtpRetCode());
    @SuppressWarnings("deprecation")
    HookResult deprecated =
        hook.doRcpt(session, new MailAddress("a@b.example"), new MailAddress("carol@example.org"));
    assertEquals("550", deprecated.getSmtpRetCode());
  }

  @Test
  void doRcpt_sameTransaction_keepsOneTransactionState() throws Exception {
    SMTPSession session =
        TestSessions.afterMail(
            "198.51.100.7", false, "client.example", TestSessions.sender("a@b.example"));
    hook.doRcpt(
        session,
        TestSessions.sender("a@b.example"),
        new MailAddress("postmaster@example.org"),
        Map.of());
    OpenTransaction first =
        session.getAttachment(OpenTransaction.KEY, State.Transaction).orElseThrow();
    hook.doRcpt(
        session,
        TestSessions.sender("a@b.example"),
        new MailAddress("abuse@example.org"),
        Map.of());
    OpenTransaction second =
        session.getAttachment(OpenTransaction.KEY, State.Transaction).orElseThrow();
    assertSame(first, second);
    assertEquals(
        List.of("<postmaster@example.org>", "<abuse@example.org>"),
        second.state().acceptedRecipients());

    session.resetState(); // RSET
    hook.doRcpt(
        session,
        TestSessions.sender("a@b.example"),
        new MailAddress("postmaster@example.org"),
        Map.of());
    assertEquals(
        List.of("<postmaster@example.org>"),
        session
            .getAttachment(OpenTransaction.KEY, State.Transaction)
            .orElseThrow()
            .state()
            .acceptedRecipients());
  }

  @Test
  void doRcpt_beforeInit_defers451() throws Exception {
    SMTPSession session =
        TestSessions.afterMail(
            "198.51.100.7", false, "client.example", TestSessions.sender("a@b.example"));
    HookResult result =
        new SmtpcrRcptHook()
            .doRcpt(
                session,
                TestSessions.sender("a@b.example"),
                new MailAddress("bob@example.org"),
                Map.of());
    assertEquals(HookReturnCode.denySoft(), result.getResult());
    assertEquals("451", result.getSmtpRetCode());
    assertEquals("4.3.0 Temporary local problem, please try again.", result.getSmtpDescription());
  }

  @Test
  void toString_namesRulesButNoKeyOrStore() throws Exception {
    String s = hook.toString();
    assertTrue(s.contains("whitelist-store"), s);
    assertFalse(s.contains("jdbc:"), s);
    assertFalse(s.contains(dir.toString()), s);
  }
}
