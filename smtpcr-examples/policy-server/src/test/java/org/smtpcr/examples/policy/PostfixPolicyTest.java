package org.smtpcr.examples.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
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
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.OutboundMarks;
import org.smtpcr.examples.web.ChallengePage;
import org.smtpcr.examples.web.ChallengeWebServer;
import org.smtpcr.tokens.ChallengeClaims;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.PassCodes;

/**
 * The policy server behind a real Postfix: a private instance on a loopback port asks our server at
 * RCPT and delivers accepted mail into Maildirs; the challenge page runs beside them. Needs
 * Debian's Postfix and root; without them the tests fail when {@code smtpcr.it.required=true} and
 * are skipped (visibly, per test) otherwise.
 */
final class PostfixPolicyTest {
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern LINK =
      Pattern.compile("(http://127\\.0\\.0\\.1:[0-9]+/c/([a-z2-7]+))$");

  @TempDir static Path tmp;

  private static Optional<String> unavailable = Optional.empty();
  private static KeyRing keys;
  private static InMemoryWhitelistStore store;
  private static DecisionEngine engine;
  private static ChallengeWebServer web;
  private static PolicyServer policy;
  private static PostfixInstance postfix;

  @BeforeAll
  static void startAll() throws Exception {
    unavailable = PostfixInstance.unavailable();
    if (unavailable.isPresent()) {
      return;
    }
    keys = KeyRing.generate();
    store = InMemoryWhitelistStore.builder().build();
    ChallengePage page =
        ChallengePage.builder()
            .tokens(ChallengeTokens.of(keys))
            .passCodes(PassCodes.of(keys))
            .store(store)
            .powDifficultyBits(8)
            .build();
    web =
        ChallengeWebServer.builder()
            .page(page)
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .build()
            .start();
    engine =
        DecisionEngine.builder()
            .keyRing(keys)
            .replyFormatter(PostfixReplies.formatter())
            .challengeBase(web.baseUri())
            .rules(StandardRules.builder().whitelistStore(store).build())
            .build();
    policy = policyServer(0);
    postfix =
        PostfixInstance.start(tmp.resolve("postfix"), PostfixInstance.freePort(), policy.port());
  }

  private static PolicyServer policyServer(int port) throws IOException {
    return PolicyServer.builder()
        .engine(engine)
        .store(store)
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
        .build()
        .start();
  }

  @AfterAll
  static void stopAll() throws Exception {
    try {
      if (postfix != null) {
        postfix.close();
        assertFalse(postfix.isRunning(), "the Postfix instance is still running");
      }
    } finally {
      if (policy != null) {
        policy.close();
      }
      if (web != null) {
        web.close();
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
  void rcpt_unknownSender_challengedWithVerifiableLinkOnItsOwnLine() throws IOException {
    requirePostfix();
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort())) {
      SmtpClient.Reply r = smtp.rcpt("alice@sender.example", "bob@cr.test");
      assertEquals(550, r.code(), r + "\n" + postfix.maillog());
      List<String> lines = r.lines();
      assertEquals(2, lines.size(), "the footer repeats the link on a line of its own: " + r);
      assertTrue(
          lines.get(0).startsWith("550-5.7.1 <bob@cr.test>: Recipient address rejected: "),
          r.toString());
      assertTrue(lines.get(1).startsWith("550 5.7.1 "), r.toString());
      for (String line : lines) {
        assertTrue(line.length() + 2 <= 512, "a reply line of " + line.length() + " characters");
      }
      Matcher first = LINK.matcher(lines.get(0));
      assertTrue(first.find(), "the policy text ends in the link: " + r);
      // the Postfix texts do not name the recipient again, and room is left for this recipient
      // only,
      // so the whole text comes through, not a shortened one
      assertTrue(
          lines
              .get(0)
              .contains(
                  "<bob@cr.test>: Recipient address rejected: This address only accepts mail from"
                      + " senders who have confirmed they are a person. Confirm here, then send your message again: http"),
          r.toString());
      String link = lines.get(1).substring("550 5.7.1 ".length());
      assertEquals(first.group(1), link, "the last line is the link alone, whole");
      ChallengeClaims claims = ChallengeTokens.of(keys).verify(first.group(2));
      assertEquals("alice@sender.example", claims.sender());
      assertEquals("bob@cr.test", claims.recipient());
    }
  }

  /**
   * The challenge as the sender sees it through a second, sending Postfix that relays to this one
   * ({@code relayhost}): the policy action is one line, the footer repeats the link alone, and the
   * sending Postfix's bounce joins them. The link a mail client finds in it is the minted one.
   */
  @Test
  void challenge_throughASendingPostfix_bounceReadsWholeAndItsLinksAreTheMintedOne()
      throws Exception {
    requirePostfix();
    String sender = "ann-" + UUID.randomUUID().toString().substring(0, 8);
    try (PostfixInstance sending =
        PostfixInstance.startSending(
            tmp.resolve("sending"),
            PostfixInstance.freePort(),
            postfix.smtpPort(),
            List.of(sender))) {
      String from = sender + "@" + PostfixInstance.SENDING_DOMAIN;
      try (SmtpClient c = new SmtpClient(sending.smtpPort())) {
        assertEquals(250, c.command("MAIL FROM:<" + from + ">").code());
        assertEquals(250, c.command("RCPT TO:<carol@cr.test>").code(), sending::maillog);
        assertEquals(354, c.command("DATA").code());
        assertEquals(250, c.command("Subject: Hello Carol\r\n\r\nHi!\r\n.").code());
        c.command("QUIT");
      }
      String bounce = Bounces.await(sending, sender, DELIVERY_TIMEOUT);
      // kept for docs/challenge-page.md, "The bounce the sender sees"
      Files.createDirectories(Path.of("target", "bounces"));
      Files.writeString(Path.of("target", "bounces", "postfix-policy-server.eml"), bounce);
      String human = Bounces.humanReadablePart(bounce);
      String joined = human.replaceAll("\\s+", " ");
      Matcher said =
          Pattern.compile(
                  "<carol@cr\\.test>: host 127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\] said:"
                      + " 550-5\\.7\\.1 <carol@cr\\.test>: Recipient address rejected: This"
                      + " address only accepts mail from senders who have confirmed they are a"
                      + " person\\. Confirm here, then send your message again: (\\S+) 550 5\\.7\\.1"
                      + " (\\S+) \\(in reply to RCPT TO command\\)")
              .matcher(joined);
      assertTrue(said.find(), () -> "the bounce's text:\n" + human);
      String link = said.group(1);
      assertEquals(link, said.group(2), "the footer repeats the link");
      assertEquals(List.of(link, link), Bounces.linkify(human), human);
      Matcher token = LINK.matcher(link);
      assertTrue(token.find(), link);
      ChallengeClaims claims = ChallengeTokens.of(keys).verify(token.group(2));
      assertEquals(from, claims.sender());
      assertEquals("carol@cr.test", claims.recipient());
    }
  }

  @Test
  void rcpt_recipientLongerThan254_textShortenedLinkWholeWithin512() throws IOException {
    requirePostfix();
    // Postfix sets no length limit; the sub-address makes the name it prints long, the token
    // carries the canonical bob@cr.test
    String rcpt = "bob+" + "x".repeat(260) + "@cr.test";
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort())) {
      SmtpClient.Reply r = smtp.rcpt("alice@sender.example", rcpt);
      assertEquals(550, r.code(), r + "\n" + postfix.maillog());
      List<String> lines = r.lines();
      assertEquals(2, lines.size(), r.toString());
      assertTrue(
          lines
              .get(0)
              .startsWith(
                  "550-5.7.1 <" + rcpt + ">: Recipient address rejected: This address only"),
          r.toString());
      assertTrue(
          lines.get(0).length() + 2 <= 512,
          "a reply line of " + lines.get(0).length() + " characters");
      Matcher first = LINK.matcher(lines.get(0));
      assertTrue(first.find(), "the policy text ends in the link: " + r);
      assertTrue(
          lines.get(0).contains("... http"), "the text in front of the link is shortened: " + r);
      assertEquals(
          first.group(1),
          lines.get(1).substring("550 5.7.1 ".length()),
          "the footer's link, whole");
      // a link cut by Postfix would not verify
      assertEquals("bob@cr.test", ChallengeTokens.of(keys).verify(first.group(2)).recipient());
    }
  }

  @Test
  void resend_afterConfirmingOnThePage_isDelivered() throws Exception {
    requirePostfix();
    String sender = "carl-" + UUID.randomUUID().toString().substring(0, 8) + "@sender.example";
    String link;
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort())) {
      SmtpClient.Reply r = smtp.rcpt(sender, "carol@cr.test");
      assertEquals(550, r.code(), r.toString());
      link = r.last().substring("550 5.7.1 ".length());
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(URI.create(link)).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode(), page.body());
    String challenge = attribute(page.body(), "data-challenge");
    int bits = Integer.parseInt(attribute(page.body(), "data-bits"));
    Matcher issued = Pattern.compile("name=\"issued\" value=\"([0-9]+)\"").matcher(page.body());
    assertTrue(issued.find(), "the form carries the issue time");
    Matcher stamp = Pattern.compile("name=\"stamp\" value=\"([0-9a-f]+)\"").matcher(page.body());
    assertTrue(stamp.find(), "the form carries the server's stamp");
    long nonce = solve(HexFormat.of().parseHex(challenge), bits);
    HttpResponse<String> confirmed =
        http.send(
            HttpRequest.newBuilder(URI.create(link))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "issued="
                            + issued.group(1)
                            + "&bits="
                            + bits
                            + "&stamp="
                            + stamp.group(1)
                            + "&nonce="
                            + nonce))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, confirmed.statusCode(), confirmed.body());

    String subject = "resend " + UUID.randomUUID();
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort())) {
      SmtpClient.Reply r = smtp.rcpt(sender, "carol@cr.test");
      assertEquals(250, r.code(), r.toString());
      SmtpClient.Reply queued = smtp.data(sender, "carol@cr.test", subject);
      assertEquals(250, queued.code(), queued.toString());
    }
    awaitDelivery("carol", subject);
  }

  @Test
  void nullSender_toRecipientWhoSentMailRecently_isDelivered() throws Exception {
    requirePostfix();
    // a bounce answers mail that was sent: bob sent some (PostfixOutboundTest sends it for real)
    store.countIfUnder(
        List.of(
            OutboundMarks.mark(
                CanonicalAddress.parseCanonical("bob@cr.test"),
                java.time.Instant.now(),
                Duration.ofDays(1))));
    String subject = "bounce " + UUID.randomUUID();
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort())) {
      SmtpClient.Reply r = smtp.rcpt("", "bob@cr.test");
      assertEquals(250, r.code(), r.toString());
      assertEquals(250, smtp.data("MAILER-DAEMON@sender.example", "bob@cr.test", subject).code());
    }
    awaitDelivery("bob", subject);
  }

  @Test
  void postmaster_fromUnknownSender_isDelivered() throws Exception {
    requirePostfix();
    String subject = "to postmaster " + UUID.randomUUID();
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort())) {
      SmtpClient.Reply r = smtp.rcpt("stranger@unknown.example", "postmaster@cr.test");
      assertEquals(250, r.code(), r.toString());
      assertEquals(
          250, smtp.data("stranger@unknown.example", "postmaster@cr.test", subject).code());
    }
    awaitDelivery("postmaster", subject);
  }

  @Test
  void policyServerDown_postfixAnswersTemporary4xx_thenRecovers() throws Exception {
    requirePostfix();
    int port = policy.port();
    policy.close();
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort())) {
      SmtpClient.Reply r = smtp.rcpt("dora@sender.example", "bob@cr.test");
      assertEquals(451, r.code(), r.toString());
      assertTrue(
          r.lines()
              .get(0)
              .startsWith(
                  "451 4.3.5 <bob@cr.test>: Recipient address rejected: "
                      + "Policy service unavailable"),
          r.toString());
      // a transient reply: the sending MTA keeps the message and retries; nothing was accepted
      assertEquals(554, smtp.command("DATA").code());
    } finally {
      policy = policyServer(port);
    }
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort())) {
      SmtpClient.Reply r = smtp.rcpt("dora@sender.example", "bob@cr.test");
      assertEquals(550, r.code(), "Postfix asks the restarted server: " + r);
    }
  }

  @Test
  void rcpt_quotedLocalPartSender_getsANormalChallenge() throws IOException {
    requirePostfix();
    // Postfix hands the policy server "john doe"@sender.example as john doe@sender.example
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort())) {
      SmtpClient.Reply r = smtp.rcpt("\"john doe\"@sender.example", "bob@cr.test");
      assertEquals(550, r.code(), r + "\n" + postfix.maillog());
      Matcher link = LINK.matcher(r.lines().get(0));
      assertTrue(link.find(), r.toString());
      ChallengeClaims claims = ChallengeTokens.of(keys).verify(link.group(2));
      assertEquals("\"john doe\"@sender.example", claims.sender());
      assertEquals("bob@cr.test", claims.recipient());
    }
  }

  @Test
  void rcpt_senderPostfixTakesAndWeCannotRead_isDeferredNeverRefusedPermanently() throws Exception {
    requirePostfix();
    // longer than RFC 5321's 254 octets: Postfix takes it, the engine's parser does not. Not a
    // 5xx (the mail would be lost), not accepted (it would pass without a challenge)
    String sender = "a".repeat(250) + "@sender.example";
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort())) {
      SmtpClient.Reply r = smtp.rcpt(sender, "bob@cr.test");
      assertEquals(451, r.code(), r + "\n" + postfix.maillog());
    }
  }

  private static String attribute(String html, String name) {
    Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(html);
    assertTrue(m.find(), name + " not in the page");
    return m.group(1);
  }

  /**
   * The page's proof of work (smtpcr-pow-v2): a nonce whose hash starts with {@code bits} zero
   * bits.
   */
  private static long solve(byte[] challenge, int bits) throws NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (long nonce = 0; nonce < (1L << (bits + 8)); nonce++) {
      sha.update(challenge);
      byte[] h = sha.digest(ByteBuffer.allocate(Long.BYTES).putLong(nonce).array());
      if (leadingZeroBits(h) >= bits) {
        return nonce;
      }
    }
    throw new AssertionError("no nonce found for " + bits + " bits");
  }

  private static int leadingZeroBits(byte[] h) {
    int n = 0;
    for (byte b : h) {
      if (b != 0) {
        return n + Integer.numberOfLeadingZeros(b & 0xff) - 24;
      }
      n += 8;
    }
    return n;
  }

  private static void awaitDelivery(String user, String subject) throws IOException {
    Path dir = postfix.newMail(user);
    long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          for (Path f : files.toList()) {
            if (Files.readString(f, StandardCharsets.UTF_8).contains("Subject: " + subject)) {
              return;
            }
          }
        }
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    fail(
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
