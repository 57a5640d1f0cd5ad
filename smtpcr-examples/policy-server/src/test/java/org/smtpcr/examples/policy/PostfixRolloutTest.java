package org.smtpcr.examples.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.reply.PostfixReplies;
import org.smtpcr.core.store.EntryOrigin;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.examples.runtime.DecisionLog;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.StandardEngine;
import org.smtpcr.tokens.ChallengeClaims;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;

/**
 * The rollout settings behind a real Postfix, each on its own private instance: {@code
 * challengeCode=450} (the challenge is a temporary failure, and once the pair is confirmed the same
 * transaction, retried, is delivered) and {@code mode=observe} (a sender that would be challenged
 * is delivered, and the would-be verdict is in a header and an INFO line). The engines are built as
 * {@code smtpcr policy-server} builds them, from {@link Settings}. Needs Debian's Postfix and root,
 * as {@link PostfixPolicyTest}.
 */
final class PostfixRolloutTest {
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern LINK =
      Pattern.compile("(http://127\\.0\\.0\\.1:[0-9]+/c/([a-z2-7]+))$");
  private static final URI BASE = URI.create("http://127.0.0.1:8080/");

  @TempDir static Path tmp;

  private static Optional<String> unavailable = Optional.empty();
  private static KeyRing keys;
  private static InMemoryWhitelistStore store;
  private static PolicyServer soft;
  private static PolicyServer observing;
  private static PolicyServer enforcing;
  private static PostfixInstance softPostfix;
  private static PostfixInstance observingPostfix;
  private static PostfixInstance warningPostfix;

  @BeforeAll
  static void startAll() throws Exception {
    unavailable = PostfixInstance.unavailable();
    if (unavailable.isPresent()) {
      return;
    }
    keys = KeyRing.generate();
    store = InMemoryWhitelistStore.builder().build();
    soft =
        policyServer(
            Settings.builder()
                .text(Settings.CHALLENGE_CODE, "450")
                .text(Settings.LOCAL_DOMAINS, "cr.test")
                .build(),
            Optional.empty());
    observing =
        policyServer(
            Settings.builder()
                .text(Settings.MODE, "observe")
                .text(Settings.LOCAL_DOMAINS, "cr.test")
                .build(),
            Optional.of("X-SMTPCR"));
    enforcing =
        policyServer(
            Settings.builder().text(Settings.LOCAL_DOMAINS, "cr.test").build(), Optional.empty());
    softPostfix =
        PostfixInstance.start(tmp.resolve("soft"), PostfixInstance.freePort(), soft.port());
    warningPostfix =
        PostfixInstance.startWarnIfReject(
            tmp.resolve("warning"), PostfixInstance.freePort(), enforcing.port());
    observingPostfix =
        PostfixInstance.start(
            tmp.resolve("observing"), PostfixInstance.freePort(), observing.port());
  }

  /** As {@code smtpcr policy-server} builds it: the standard engine, the Postfix texts. */
  private static PolicyServer policyServer(Settings given, Optional<String> header)
      throws IOException {
    Settings settings =
        given.toBuilder()
            .set(Settings.CHALLENGE_BASE, BASE)
            .text(Settings.SPF, "off")
            .text(Settings.DKIM, "off")
            .build();
    DecisionEngine engine =
        StandardEngine.builder(settings, keys, store)
            .replyFormatter(StandardEngine.replies(settings, PostfixReplies.formatter()))
            .listener(DecisionLog.from(settings, keys))
            .build();
    PolicyServer.Builder b =
        PolicyServer.builder()
            .engine(engine)
            .store(store)
            .mode(settings.get(Settings.MODE))
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    header.ifPresent(b::prependHeader);
    return b.build().start();
  }

  @AfterAll
  static void stopAll() throws Exception {
    try {
      for (PostfixInstance p :
          new PostfixInstance[] {softPostfix, observingPostfix, warningPostfix}) {
        if (p != null) {
          p.close();
          assertFalse(p.isRunning(), "a Postfix instance is still running");
        }
      }
    } finally {
      for (PolicyServer s : new PolicyServer[] {soft, observing, enforcing}) {
        if (s != null) {
          s.close();
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

  @Test
  void challengeCode450_unknownSender_temporaryWithLink_thenRetryAfterConfirmingIsDelivered()
      throws Exception {
    requirePostfix();
    String sender = "erin-" + UUID.randomUUID().toString().substring(0, 8) + "@sender.example";
    String subject = "retried " + UUID.randomUUID();
    String token;
    try (SmtpClient smtp = new SmtpClient(softPostfix.smtpPort())) {
      SmtpClient.Reply r = smtp.rcpt(sender, "carol@cr.test");
      assertEquals(450, r.code(), r + "\n" + softPostfix.maillog());
      assertTrue(
          r.lines()
              .get(0)
              .startsWith(
                  "450-4.7.1 <carol@cr.test>: Recipient address rejected: This address only"),
          r.toString());
      // the sending MTA retries by itself: the text does not ask the person to resend
      assertTrue(
          r.lines().get(0).contains("Confirm here; your mail server retries by itself: http"),
          r.toString());
      assertFalse(r.toString().contains("send your message again"), r.toString());
      Matcher link = LINK.matcher(r.lines().get(0));
      assertTrue(link.find(), "the policy text ends in the link: " + r);
      assertEquals(link.group(1), r.last().substring("450 4.7.1 ".length()), "the footer's link");
      token = link.group(2);
      // a temporary refusal of the only recipient: nothing accepted, the sender's MTA keeps it
      assertEquals(554, smtp.command("DATA").code());
    }
    // what the page writes when the person confirms
    ChallengeClaims claims = ChallengeTokens.of(keys).verify(token);
    store.confirm(
        WhitelistKey.pair(
            CanonicalAddress.parseCanonical(claims.sender()),
            CanonicalAddress.parseCanonical(claims.recipient())),
        Optional.empty(),
        claims.authentication(),
        EntryOrigin.PAGE);

    // the sending MTA's next retry: the same transaction, the same message, nothing resent by hand
    try (SmtpClient smtp = new SmtpClient(softPostfix.smtpPort())) {
      SmtpClient.Reply r = smtp.rcpt(sender, "carol@cr.test");
      assertEquals(250, r.code(), r.toString());
      assertEquals(250, smtp.data(sender, "carol@cr.test", subject).code());
    }
    String delivered = awaitDelivery(softPostfix, "carol", subject);
    assertTrue(delivered.contains("From: <" + sender + ">"), delivered);
  }

  @Test
  void observe_senderThatWouldBeChallenged_isDeliveredWithTheWouldBeVerdict() throws Exception {
    requirePostfix();
    String sender = "fred-" + UUID.randomUUID().toString().substring(0, 8) + "@sender.example";
    String subject = "observed " + UUID.randomUUID();
    try (LogCapture log = new LogCapture()) {
      try (SmtpClient smtp = new SmtpClient(observingPostfix.smtpPort())) {
        SmtpClient.Reply r = smtp.rcpt(sender, "dave@cr.test");
        assertEquals(250, r.code(), r + "\n" + observingPostfix.maillog());
        assertEquals(250, smtp.data(sender, "dave@cr.test", subject).code());
      }
      String delivered = awaitDelivery(observingPostfix, "dave", subject);
      assertTrue(
          delivered.contains("X-SMTPCR: would-challenge (default)"),
          "the header says what enforcing would have done:\n" + delivered);
      assertEquals(
          1,
          log.count(
              "action=accept would=challenge mode=observe rule=default reason=550/5.7.1 stage=rcpt"
                  + " client_address=127.0.0.1"),
          "the decision log's line says what enforcing would have done:\n" + log.text());
      assertTrue(log.text().contains("sender=" + sender), log.text());
    }
    // nothing was whitelisted by observing: enforcing later still challenges this sender
    assertTrue(
        store
            .find(
                WhitelistKey.pair(
                    CanonicalAddress.parseCanonical(sender),
                    CanonicalAddress.parseCanonical("dave@cr.test")))
            .isEmpty());
  }

  @Test
  void warnIfReject_enforcingServer_postfixLogsTheChallengeAndDelivers() throws Exception {
    requirePostfix();
    String sender = "gina-" + UUID.randomUUID().toString().substring(0, 8) + "@sender.example";
    String subject = "warned " + UUID.randomUUID();
    try (SmtpClient smtp = new SmtpClient(warningPostfix.smtpPort())) {
      SmtpClient.Reply r = smtp.rcpt(sender, "ivan@cr.test");
      assertEquals(250, r.code(), r + "\n" + warningPostfix.maillog());
      assertEquals(250, smtp.data(sender, "ivan@cr.test", subject).code());
    }
    awaitDelivery(warningPostfix, "ivan", subject);
    // NOQUEUE: reject_warning: RCPT from localhost[127.0.0.1]: 550 5.7.1 <ivan@cr.test>: ...
    Pattern warning =
        Pattern.compile(
            "reject_warning: RCPT from [^ ]*\\[127\\.0\\.0\\.1\\]: 550 5\\.7\\.1 <ivan@cr\\.test>:"
                + " Recipient address rejected: This address only accepts mail[^\\n]*"
                + " http://127\\.0\\.0\\.1:8080/c/[a-z2-7]+;");
    long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
    while (!warning.matcher(warningPostfix.maillog()).find() && System.nanoTime() - deadline < 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    assertTrue(
        warning.matcher(warningPostfix.maillog()).find(),
        "Postfix logs what it would have refused:\n" + warningPostfix.maillog());
  }

  private static String awaitDelivery(PostfixInstance postfix, String user, String subject)
      throws IOException {
    Path dir = postfix.newMail(user);
    long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          for (Path f : files.toList()) {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            if (text.contains("Subject: " + subject)) {
              return text;
            }
          }
        }
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    return fail(
        "no message \""
            + subject
            + "\" in "
            + dir
            + " within "
            + DELIVERY_TIMEOUT
            + "; maillog:\n"
            + postfix.maillog());
  }
}
