package org.smtpcr.examples.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.reply.PostfixReplies;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.EntryOrigin;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.OutboundMarks;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.tokens.KeyRing;

/**
 * Outbound mail and the null sender through a real Postfix: port 25 as in {@link
 * PostfixPolicyTest}, plus a submission service as docs/postfix.md shows it (SASL through a private
 * Dovecot's authentication service, {@code reject_sender_login_mismatch}, the policy asked before
 * {@code permit_sasl_authenticated}, and at {@code END-OF-MESSAGE} through {@code
 * smtpd_end_of_data_restrictions}). Local domain: {@code cr.test}. Needs Debian's Postfix, Dovecot
 * and root; without them the tests fail when {@code smtpcr.it.required=true} and are skipped
 * otherwise.
 */
final class PostfixOutboundTest {
  @TempDir static Path tmp;

  private static Optional<String> unavailable = Optional.empty();
  private static InMemoryWhitelistStore store;
  private static DovecotAuth sasl;
  private static PolicyServer policy;
  private static PostfixInstance postfix;
  private static int submissionPort;

  @BeforeAll
  static void startAll() throws Exception {
    unavailable = PostfixInstance.unavailable().or(DovecotAuth::unavailable);
    if (unavailable.isPresent()) {
      return;
    }
    KeyRing keys = KeyRing.generate();
    store = InMemoryWhitelistStore.builder().build();
    DecisionEngine engine =
        DecisionEngine.builder()
            .keyRing(keys)
            .replyFormatter(PostfixReplies.formatter())
            .challengeBase(java.net.URI.create("http://127.0.0.1:9/"))
            .rules(StandardRules.builder().whitelistStore(store).build())
            .build();
    policy =
        PolicyServer.builder()
            .engine(engine)
            .store(store)
            .localDomains(List.of("cr.test"))
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .build()
            .start();
    sasl = DovecotAuth.start(tmp.resolve("dovecot"));
    submissionPort = PostfixInstance.freePort();
    postfix =
        PostfixInstance.start(
            tmp.resolve("postfix"),
            PostfixInstance.freePort(),
            policy.port(),
            submissionPort,
            sasl.port());
  }

  @AfterAll
  static void stopAll() throws Exception {
    try {
      if (postfix != null) {
        postfix.close();
        assertFalse(postfix.isRunning(), "the Postfix instance is still running");
      }
    } finally {
      try {
        if (policy != null) {
          policy.close();
        }
      } finally {
        if (sasl != null) {
          sasl.close();
        }
      }
    }
  }

  private static void requirePostfix() {
    if (unavailable.isPresent()) {
      if (Boolean.getBoolean("smtpcr.it.required")) {
        fail(unavailable.get());
      }
      Assumptions.abort("skipped: " + unavailable.get());
    }
  }

  private static CanonicalAddress c(String a) {
    return CanonicalAddress.parseCanonical(a);
  }

  private static SmtpClient submission(String user) throws java.io.IOException {
    SmtpClient smtp = new SmtpClient(submissionPort);
    SmtpClient.Reply auth = smtp.auth(user);
    assertEquals(235, auth.code(), auth + "\n" + postfix.maillog());
    return smtp;
  }

  @Test
  void submission_rcptThenRset_learnsNothing() throws Exception {
    requirePostfix();
    try (SmtpClient smtp = submission("dave@cr.test")) {
      SmtpClient.Reply r = smtp.rcpt("dave@cr.test", "mallory@remote.example");
      assertEquals(250, r.code(), r + "\n" + postfix.maillog());
      assertEquals(250, smtp.command("RSET").code());
    }
    assertTrue(
        store.find(WhitelistKey.pair(c("mallory@remote.example"), c("dave@cr.test"))).isEmpty(),
        "RCPT and RSET must not whitelist a pair");
    assertFalse(OutboundMarks.sentRecently(store, c("dave@cr.test")));
  }

  @Test
  void submission_acceptedMessage_learnsEachRecipientAndMarksTheSender() throws Exception {
    requirePostfix();
    try (SmtpClient smtp = submission("bob@cr.test")) {
      assertEquals(250, smtp.command("MAIL FROM:<bob@cr.test>").code());
      assertEquals(250, smtp.command("RCPT TO:<frank@remote.example>").code());
      SmtpClient.Reply quoted = smtp.command("RCPT TO:<\"grace h\"@remote.example>");
      assertEquals(250, quoted.code(), quoted + "\n" + postfix.maillog());
      SmtpClient.Reply queued =
          smtp.data("bob@cr.test", "frank@remote.example", "out " + UUID.randomUUID());
      assertEquals(250, queued.code(), queued + "\n" + postfix.maillog());
    }
    // Postfix answers the final dot after the policy's END-OF-MESSAGE answer: learning is done
    WhitelistEntry frank =
        store.find(WhitelistKey.pair(c("frank@remote.example"), c("bob@cr.test"))).orElseThrow();
    assertEquals(EntryOrigin.LEARNED, frank.origin());
    assertTrue(frank.expiresAt().isPresent());
    assertTrue(
        store
            .find(WhitelistKey.pair(c("\"grace h\"@remote.example"), c("bob@cr.test")))
            .isPresent());
    assertTrue(OutboundMarks.sentRecently(store, c("bob@cr.test")));
    // frank's answer on port 25 now passes
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort())) {
      SmtpClient.Reply r = smtp.rcpt("frank@remote.example", "bob@cr.test");
      assertEquals(250, r.code(), r + "\n" + postfix.maillog());
    }
  }

  @Test
  void submission_senderTheUserDoesNotOwn_isRefusedAndLearnsNothing() throws Exception {
    requirePostfix();
    try (SmtpClient smtp = submission("erin@cr.test")) {
      SmtpClient.Reply r = smtp.rcpt("carol@cr.test", "heidi@remote.example");
      assertEquals(553, r.code(), r + "\n" + postfix.maillog());
    }
    assertTrue(
        store.find(WhitelistKey.pair(c("heidi@remote.example"), c("carol@cr.test"))).isEmpty());
  }

  @Test
  void nullSender_secondRecipientOfTheTransaction_isDeferred452() throws Exception {
    requirePostfix();
    // carol sent mail recently, so a bounce to her alone passes
    store.countIfUnder(
        List.of(OutboundMarks.mark(c("carol@cr.test"), Instant.now(), Duration.ofDays(1))));
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort())) {
      SmtpClient.Reply first = smtp.rcpt("", "carol@cr.test");
      assertEquals(250, first.code(), first + "\n" + postfix.maillog());
      SmtpClient.Reply second = smtp.command("RCPT TO:<bob@cr.test>");
      assertEquals(452, second.code(), second + "\n" + postfix.maillog());
      assertTrue(second.lines().get(0).startsWith("452 4.5.3 "), second.toString());
      // a new transaction (RSET) starts the count again
      assertEquals(250, smtp.command("RSET").code());
      assertEquals(250, smtp.rcpt("", "carol@cr.test").code());
    }
  }

  @Test
  void nullSender_toRecipientWhoSentNoMail_isRefused_untilTheySendOne() throws Exception {
    requirePostfix();
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort())) {
      SmtpClient.Reply r = smtp.rcpt("", "ivan@cr.test");
      assertEquals(550, r.code(), r + "\n" + postfix.maillog());
    }
    try (SmtpClient smtp = submission("ivan@cr.test")) {
      assertEquals(250, smtp.rcpt("ivan@cr.test", "judy@remote.example").code());
      SmtpClient.Reply queued =
          smtp.data("ivan@cr.test", "judy@remote.example", "out " + UUID.randomUUID());
      assertEquals(250, queued.code(), queued + "\n" + postfix.maillog());
    }
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort())) {
      SmtpClient.Reply r = smtp.rcpt("", "ivan@cr.test");
      assertEquals(250, r.code(), "a bounce to a recipient who sent mail: " + r);
      assertEquals(250, smtp.data("MAILER-DAEMON@remote.example", "ivan@cr.test", "bounce").code());
    }
  }
}
