package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.smtpcr.auth.testing.DkimKeys;
import org.smtpcr.auth.testing.DkimTestSigner;
import org.smtpcr.auth.testing.Dnsmasq;
import org.smtpcr.examples.web.ChromiumBrowser;
import org.smtpcr.tokens.KeyRingFile;
import org.smtpcr.tokens.PassCodes;

/**
 * The whole loop on a running Apache James 3.8.1 (memory server, a child process): the hooks, the
 * mailet and the matcher from the deployable zip in James's {@code extensions-jars/}, configured
 * with the tested blocks of docs/james.md; the challenge page ({@code smtpcr web} from the shaded
 * jar) beside it on the same key file and store; Chromium for the page; IMAP to read what James
 * delivered; webadmin for users, mappings and the mail repositories. The store is an H2 database
 * served over TCP by this test, so that it can be taken down. A real dnsmasq answers SPF for the
 * sender domains.
 *
 * <p>The tests run in order and share the server: each step of the loop builds on the last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
final class JamesLoopIT {
  private static final Duration DELIVERY = Duration.ofSeconds(60);
  private static final Duration PAGE = Duration.ofSeconds(60);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private static final String PASSWORD = "it-password-1";
  private static final String STORE_USER = "smtpcr";
  private static final String STORE_PASSWORD = "it-store-password-7";
  private static final Pattern LINK = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/c/\\S+)\r\n$");
  private static final Pattern PAGE_READY = Pattern.compile("challenge page on (http://\\S+)");
  private static final AtomicInteger SUBJECTS = new AtomicInteger();
  private static final DkimKeys SOFT_KEY = DkimKeys.generate();

  /** Where mailetcontainer.xml's relay processor keeps what would go out (as webadmin names it). */
  private static final String RELAYED = "var/mail/relayed";

  private static Instant classStart;
  private static Path run;
  private static Dnsmasq dns;
  private static Server h2;
  private static int h2Port;
  private static Path keyFile;
  private static Path passwordFile;
  private static ChildJvm page;
  private static URI pageBase;
  private static JamesServer james;
  private static Webadmin webadmin;
  private static Imap imap;
  private static String challengeLink;
  private static final List<String> steps = new ArrayList<>();

  @BeforeAll
  static void startEverything() throws Exception {
    classStart = Instant.now();
    Dnsmasq.requireInstalled();
    run = Path.of(System.getProperty("smtpcr.james.run", "target/james-run")).toAbsolutePath();
    JamesServer.deleteTree(run);
    Files.createDirectories(run);
    dns =
        Dnsmasq.builder("good.example")
            .zone("other.example")
            .zone("soft.example")
            .txt("good.example", "v=spf1 ip4:127.0.0.1 -all")
            .txt("soft.example", "v=spf1 ip4:192.0.2.1 ~all")
            .txt("sel._domainkey.soft.example", SOFT_KEY.txtRecord())
            .txt("other.example", "v=spf1 ip4:127.0.0.1 -all")
            .start();

    // the store: H2 over TCP on loopback, with a password, created by its first client
    h2Port = JamesServer.freePort();
    Path data = Files.createDirectories(run.resolve("h2"));
    h2 = tcpServer(data).start();
    try (Connection c = DriverManager.getConnection(tcpUrl(), STORE_USER, STORE_PASSWORD)) {
      assertTrue(c.isValid(5));
    }

    // the key file, made as docs/james.md says, by `smtpcr keygen`
    keyFile = run.resolve("keyring");
    smtpcr(List.of("keygen", "--out", keyFile.toString()));

    // the page, beside James, on the same key file and store
    passwordFile = run.resolve("store.password");
    Files.writeString(passwordFile, STORE_PASSWORD + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(
        passwordFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    page =
        ChildJvm.start(
            "smtpcr-web",
            List.of(
                "-jar",
                jar("smtpcr.jar").toString(),
                "web",
                "--data",
                run.resolve("page-data").toString(),
                "--keys",
                keyFile.toString(),
                "--store",
                tcpUrl() + ";USER=" + STORE_USER,
                "--store-password-file",
                passwordFile.toString(),
                "--listen",
                "127.0.0.1:0",
                "--pow-bits",
                "10"),
            run,
            run.resolve("page.log"),
            PAGE_READY,
            Duration.ofSeconds(60));
    pageBase = URI.create(page.readyLine().group(1));

    // James, with the documented blocks
    String storeUrl = tcpUrl();
    String handlerChain =
        Fixtures.docSnippet("smtpserver.xml", keyFile, storeUrl)
            .replace(
                "<url>" + storeUrl + "</url>",
                "<url>"
                    + storeUrl
                    + "</url>\n      <user>"
                    + STORE_USER
                    + "</user>\n      <password>"
                    + STORE_PASSWORD
                    + "</password>")
            .replace("https://cr.example.com/", pageBase.toString())
            .replace(
                "<messageHook>true</messageHook>",
                "<messageHook>true</messageHook>\n    <dnsServer>127.0.0.1:"
                    + dns.port()
                    + "</dnsServer>");
    String mailets =
        Fixtures.docSnippet(
            "mailetcontainer.xml",
            null,
            storeUrl + ";USER=" + STORE_USER + ";PASSWORD=" + STORE_PASSWORD);
    james =
        JamesServer.start(
            run.resolve("james"),
            Path.of(System.getProperty("smtpcr.james.lib")),
            extensionJars(),
            Map.of("HANDLERCHAIN", handlerChain, "SMTPCR_MAILETS", mailets));
    webadmin = new Webadmin(james.webadminPort());
    imap = new Imap(james.imapPort());
    webadmin.addUser("bob@example.org", PASSWORD);
    webadmin.addUser("alice@example.org", PASSWORD);
    webadmin.addAlias("postmaster@example.org", "bob@example.org");
    steps.add("started in " + Duration.between(classStart, Instant.now()).toMillis() + " ms");
  }

  private Instant testStart;

  @BeforeEach
  void startClock() {
    testStart = Instant.now();
  }

  @AfterEach
  void stopClock(TestInfo info) {
    steps.add(
        info.getTestMethod().map(m -> m.getName()).orElse("?")
            + " "
            + Duration.between(testStart, Instant.now()).toMillis()
            + " ms");
  }

  @AfterAll
  static void stopEverything() throws Exception {
    steps.add("in all " + Duration.between(classStart, Instant.now()).toMillis() + " ms");
    try (AutoCloseable a = james;
        AutoCloseable b = page;
        AutoCloseable c = dns;
        AutoCloseable d = h2 == null ? null : h2::stop) {
      System.out.println("JamesLoopIT: " + String.join("; ", steps));
    }
  }

  @Test
  @Order(1)
  void unknownSender_getsTheMultiLineChallenge_throughJamesOwnChain() throws Exception {
    try (SmtpClient c = SmtpClient.connect(james.smtpPort(), "mail.good.example")) {
      assertTrue(c.command("MAIL FROM:<carol@good.example>").startsWith("250"));
      String unknown = c.command("RCPT TO:<nobody@example.org>");
      assertTrue(
          unknown.startsWith("550 5.1.1"),
          "ValidRcptHandler, first in the chain, refuses a mailbox that doesn't exist: " + unknown);
      String reply = c.command("RCPT TO:<bob@example.org>");
      String[] lines = reply.split("\r\n");
      // one sentence a line, the link alone on the last
      assertEquals(3, lines.length, reply);
      assertEquals(
          "550-5.7.1 <bob@example.org> only accepts mail from senders who have confirmed they are"
              + " a person.",
          lines[0]);
      assertEquals("550-5.7.1 Confirm here, then send your message again:", lines[1]);
      assertTrue(lines[2].startsWith("550 5.7.1 " + pageBase + "c/"), reply);
      Matcher m = LINK.matcher(reply);
      assertTrue(m.find(), reply);
      challengeLink = m.group(1);
    }
    // the engine wrote the decision log's line before James sent the reply
    assertEquals(
        1,
        decisionLines(
                "action=challenge rule=default reason=550/5.7.1 stage=rcpt"
                    + " client_address=127.0.0.1 helo=mail.good.example"
                    + " sender=carol@good.example recipient=bob@example.org session=")
            .size(),
        "one INFO line in James's log for the challenge:\n" + decisionLines(""));
  }

  /** The decision log's lines in James's log that contain {@code needle}. */
  private static List<String> decisionLines(String needle) throws IOException {
    return Files.readAllLines(james.home().resolve("james.log"), StandardCharsets.UTF_8).stream()
        .filter(l -> l.contains(" INFO ") && l.contains("DecisionLog - "))
        .filter(l -> l.contains(needle))
        .toList();
  }

  @Test
  @Order(2)
  void thePageConfirmsInChromium_andTheResendIsDelivered() throws Exception {
    assertTrue(challengeLink != null, "the challenge step ran first");
    try (ChromiumBrowser browser = ChromiumBrowser.launchOrSkip()) {
      browser.navigate(URI.create(challengeLink));
      browser.waitFor(
          "document.getElementById('pow-form').getAttribute('data-state') === 'found'", PAGE);
      browser.evaluate("document.getElementById('pow-button').click()");
      browser.waitFor("document.getElementById('done') !== null", PAGE);
      assertTrue(
          browser.pageText().contains("bob+"), "the page shows the pass code address afterwards");
    }
    String subject = subject("resend");
    try (SmtpClient c = SmtpClient.connect(james.smtpPort(), "mail.good.example")) {
      assertTrue(c.command("MAIL FROM:<carol@good.example>").startsWith("250"));
      assertEquals(
          "250 2.1.5 Recipient <bob@example.org> OK\r\n", c.command("RCPT TO:<bob@example.org>"));
      assertTrue(
          c.data(message("carol@good.example", "bob@example.org", subject)).startsWith("250"));
    }
    Imap.Delivered d = imap.await("bob@example.org", PASSWORD, subject, DELIVERY);
    assertEquals(
        java.util.Optional.of("yes"),
        d.whitelistedHeader(),
        "the matcher SenderIsWhitelisted, in James's mailet container, saw the confirmation");
    assertEquals(
        1,
        decisionLines(
                "action=accept rule=whitelist-store reason=pass stage=rcpt"
                    + " client_address=127.0.0.1 helo=mail.good.example"
                    + " sender=carol@good.example recipient=bob@example.org session=")
            .size(),
        "one INFO line in James's log for the accept:\n" + decisionLines(""));
  }

  @Test
  @Order(3)
  void aPassCodeInTheSubaddress_isDelivered_withTheDocumentedRecipientRewrite() throws Exception {
    String sender = "dave@good.example";
    String code =
        PassCodes.grouped(
            PassCodes.of(KeyRingFile.read(keyFile)).compute(sender, "bob@example.org"));
    String rcpt = "bob+" + code + "@example.org";
    try (SmtpClient c = SmtpClient.connect(james.smtpPort(), "mail.good.example")) {
      assertTrue(c.command("MAIL FROM:<" + sender + ">").startsWith("250"));
      String refused = c.command("RCPT TO:<" + rcpt + ">");
      assertTrue(
          refused.startsWith("550 5.1.1"),
          "James 3.8's ValidRcptHandler knows no sub-addresses: " + refused);
    }
    // docs/james.md: one regex mapping for the domain takes the sub-address off
    webadmin.addRegexMapping("*@example.org", Fixtures.docBlock("recipient-rewrite").strip());
    String subject = subject("pass code");
    try (SmtpClient c = SmtpClient.connect(james.smtpPort(), "mail.good.example")) {
      assertTrue(c.command("MAIL FROM:<" + sender + ">").startsWith("250"));
      String accepted = c.command("RCPT TO:<" + rcpt + ">");
      assertTrue(
          accepted.startsWith("250"), accepted + " with the mappings " + webadmin.mappings());
      assertTrue(c.data(message(sender, rcpt, subject)).startsWith("250"));
    }
    imap.await("bob@example.org", PASSWORD, subject, DELIVERY);
    try (SmtpClient c = SmtpClient.connect(james.smtpPort(), "mail.good.example")) {
      assertTrue(c.command("MAIL FROM:<" + sender + ">").startsWith("250"));
      String other = c.command("RCPT TO:<bob+aaaaaa-bbbbbb-cccccc@example.org>");
      assertTrue(other.startsWith("550-5.7.1"), "a wrong code is challenged: " + other);
    }
  }

  @Test
  @Order(4)
  void authenticatedOutboundMail_teachesTheMailet_andTheReplyIsDeliveredUnchallenged()
      throws Exception {
    String correspondent = "erin@other.example";
    try (SmtpClient c = SmtpClient.connect(james.smtpPort(), "mail.other.example")) {
      assertTrue(c.command("MAIL FROM:<" + correspondent + ">").startsWith("250"));
      assertTrue(
          c.command("RCPT TO:<alice@example.org>").startsWith("550-5.7.1"),
          "before alice writes, her correspondent is challenged");
    }
    String out = subject("outbound");
    try (SmtpClient c = SmtpClient.connect(james.smtpPort(), "alice-laptop")) {
      String plain =
          Base64.getEncoder()
              .encodeToString(
                  ("\0alice@example.org\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
      assertTrue(c.command("AUTH PLAIN " + plain).startsWith("235"));
      assertTrue(c.command("MAIL FROM:<alice@example.org>").startsWith("250"));
      assertTrue(c.command("RCPT TO:<" + correspondent + ">").startsWith("250"));
      assertTrue(c.data(message("alice@example.org", correspondent, out)).startsWith("250"));
    }
    awaitRepositorySize(RELAYED, 1);

    String reply = subject("reply");
    try (SmtpClient c = SmtpClient.connect(james.smtpPort(), "mail.other.example")) {
      assertTrue(c.command("MAIL FROM:<" + correspondent + ">").startsWith("250"));
      String rcpt = c.command("RCPT TO:<alice@example.org>");
      assertTrue(rcpt.startsWith("250"), "learned from alice's mail: " + rcpt);
      assertTrue(c.data(message(correspondent, "alice@example.org", reply)).startsWith("250"));
    }
    imap.await("alice@example.org", PASSWORD, reply, DELIVERY);
  }

  @Test
  @Order(5)
  void postmasterAndTheNullSender_followTheirRules() throws Exception {
    String toPostmaster = subject("to postmaster");
    try (SmtpClient c = SmtpClient.connect(james.smtpPort(), "mail.good.example")) {
      assertTrue(c.command("MAIL FROM:<frank@good.example>").startsWith("250"));
      String rcpt = c.command("RCPT TO:<postmaster@example.org>");
      assertTrue(rcpt.startsWith("250"), "postmaster is never challenged: " + rcpt);
      assertTrue(
          c.data(message("frank@good.example", "postmaster@example.org", toPostmaster))
              .startsWith("250"));
    }
    imap.await("bob@example.org", PASSWORD, toPostmaster, DELIVERY);

    String dsn = subject("bounce");
    try (SmtpClient c = SmtpClient.connect(james.smtpPort(), "mail.good.example")) {
      assertTrue(c.command("MAIL FROM:<>").startsWith("250"));
      assertTrue(c.command("RCPT TO:<bob@example.org>").startsWith("250"));
      String second = c.command("RCPT TO:<alice@example.org>");
      // one sentence, one line
      assertTrue(
          second.startsWith("452 4.5.3 Mail from the null sender") && second.endsWith(".\r\n"),
          "one recipient per bounce: " + second);
      String plain = c.data(message("mailer-daemon@good.example", "bob@example.org", "no report"));
      assertTrue(plain.startsWith("550 5.7.1"), "a bounce that isn't a report: " + plain);
      assertFalse(plain.contains("http"), "no link for the null sender: " + plain);
    }
    try (SmtpClient c = SmtpClient.connect(james.smtpPort(), "mail.good.example")) {
      assertTrue(c.command("MAIL FROM:<>").startsWith("250"));
      assertTrue(c.command("RCPT TO:<bob@example.org>").startsWith("250"));
      assertTrue(c.data(report(dsn)).startsWith("250"), "a delivery status notification");
    }
    imap.await("bob@example.org", PASSWORD, dsn, DELIVERY);
  }

  @Test
  @Order(6)
  void dkimSignedMail_fromASenderSpfDoesNotPass_isDecidedAtTheEndOfData() throws Exception {
    // SPF for soft.example is softfail from here: the recipient waits for the message, and
    // SmtpcrMessageHook checks DKIM with the jDKIM and Mime4j that James 3.8.1 ships
    smtpcr(
        List.of(
            "whitelist",
            "add",
            "--store",
            tcpUrl() + ";USER=" + STORE_USER,
            "--store-password-file",
            passwordFile.toString(),
            "--data",
            run.resolve("cli-data").toString(),
            "--sender",
            "alice@soft.example",
            "--recipient",
            "bob@example.org"));
    String subject = subject("dkim");
    DkimTestSigner signer = DkimTestSigner.of(SOFT_KEY, "soft.example", "sel");
    String signed =
        signer.sign(
            String.join("\r\n", message("alice@soft.example", "bob@example.org", subject))
                + "\r\n");
    try (SmtpClient c = SmtpClient.connect(james.smtpPort(), "mail.soft.example")) {
      assertTrue(c.command("MAIL FROM:<alice@soft.example>").startsWith("250"));
      String rcpt = c.command("RCPT TO:<bob@example.org>");
      assertTrue(rcpt.startsWith("250"), "provisionally, until the message is seen: " + rcpt);
      String data = c.data(lines(signed));
      assertTrue(data.startsWith("250"), "an aligned DKIM pass authenticates the sender: " + data);
    }
    imap.await("bob@example.org", PASSWORD, subject, DELIVERY);
    try (SmtpClient c = SmtpClient.connect(james.smtpPort(), "mail.soft.example")) {
      assertTrue(c.command("MAIL FROM:<alice@soft.example>").startsWith("250"));
      assertTrue(c.command("RCPT TO:<bob@example.org>").startsWith("250"));
      String data = c.data(lines(signed.replace("Hello from", "Hullo from")));
      assertTrue(data.startsWith("550 5.7.26 "), "a broken signature proves nothing: " + data);
      assertFalse(data.contains("http"), data);
    }
    // a signature whose key is not published: jDKIM reports it as a failure of its own
    String unpublished =
        DkimTestSigner.of(SOFT_KEY, "soft.example", "nokey")
            .sign(
                String.join(
                        "\r\n", message("alice@soft.example", "bob@example.org", subject("nokey")))
                    + "\r\n");
    try (SmtpClient c = SmtpClient.connect(james.smtpPort(), "mail.soft.example")) {
      assertTrue(c.command("MAIL FROM:<alice@soft.example>").startsWith("250"));
      assertTrue(c.command("RCPT TO:<bob@example.org>").startsWith("250"));
      String data = c.data(lines(unpublished));
      assertTrue(data.startsWith("550 5.7.26 "), "a key nobody publishes proves nothing: " + data);
    }
  }

  @Test
  @Order(7)
  void theStoreDown_isA451AtRcpt_andNoMessageOfTheRunEndedInAnErrorRepository() throws Exception {
    h2.stop();
    try (SmtpClient c = SmtpClient.connect(james.smtpPort(), "mail.good.example")) {
      assertTrue(c.command("MAIL FROM:<grace@good.example>").startsWith("250"));
      String rcpt = c.command("RCPT TO:<bob@example.org>");
      assertTrue(rcpt.startsWith("451 4.3.0"), rcpt);
    } finally {
      h2 = tcpServer(run.resolve("h2")).start();
    }
    List<String> repositories = webadmin.repositories();
    assertTrue(repositories.contains("var/mail/error"), repositories.toString());
    for (String repository : repositories) {
      if (!repository.equals(RELAYED)) {
        assertEquals(0, webadmin.repositorySize(repository), repository + " holds mail");
      }
    }
    assertEquals(1, webadmin.repositorySize(RELAYED), "alice's one mail");
    List<String> errors =
        Files.readAllLines(james.home().resolve("james.log"), StandardCharsets.UTF_8).stream()
            .filter(l -> l.contains(" ERROR "))
            .toList();
    assertEquals(List.of(), errors, "James logged no error during the run");
  }

  private static Server tcpServer(Path data) throws java.sql.SQLException {
    return Server.createTcpServer(
        "-tcpPort", Integer.toString(h2Port), "-baseDir", data.toString(), "-ifNotExists");
  }

  private static String tcpUrl() {
    return "jdbc:h2:tcp://127.0.0.1:" + h2Port + "/whitelist";
  }

  private static Path jar(String name) {
    Path p = Path.of(System.getProperty("smtpcr.jar", "../cli/target/" + name));
    assertTrue(Files.isRegularFile(p), "build the smtpcr command first: " + p);
    return p;
  }

  /** The deployable unit's extensions-jars/, plus the H2 driver from its jdbc-drivers/. */
  private static List<Path> extensionJars() throws IOException {
    Path unit = Path.of(System.getProperty("smtpcr.james.extensions"));
    List<Path> jars = new ArrayList<>();
    try (Stream<Path> s = Files.list(unit.resolve("extensions-jars"))) {
      s.sorted().forEach(jars::add);
    }
    try (Stream<Path> s = Files.list(unit.resolve("jdbc-drivers"))) {
      s.filter(p -> p.getFileName().toString().startsWith("h2-")).forEach(jars::add);
    }
    return jars;
  }

  private static void smtpcr(List<String> args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of(ChildJvm.java(), "-jar", jar("smtpcr.jar").toString()));
    command.addAll(args);
    Path output = Files.createTempFile(run, "smtpcr-", ".out");
    Process p =
        new ProcessBuilder(command)
            .directory(run.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        throw new AssertionError("smtpcr " + args + " did not end within " + COMMAND_TIMEOUT);
      }
    } finally {
      p.destroyForcibly();
    }
    assertEquals(0, p.exitValue(), "smtpcr " + args + ": " + Files.readString(output));
  }

  private static void awaitRepositorySize(String repository, int size) throws Exception {
    Instant deadline = Instant.now().plus(DELIVERY);
    int seen = -1;
    while (Instant.now().isBefore(deadline)) {
      try {
        seen = webadmin.repositorySize(repository);
      } catch (IOException e) {
        seen = -1; // created with its first mail
      }
      if (seen == size) {
        return;
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
    throw new AssertionError(repository + " holds " + seen + " mails, not " + size);
  }

  private static String[] lines(String message) {
    List<String> l = new ArrayList<>(List.of(message.split("\r\n", -1)));
    l.remove(l.size() - 1); // after the last CRLF
    return l.toArray(String[]::new);
  }

  private static String subject(String what) {
    return "smtpcr-it " + SUBJECTS.incrementAndGet() + " " + what;
  }

  private static String[] message(String from, String to, String subject) {
    return new String[] {
      "From: <" + from + ">",
      "To: <" + to + ">",
      "Subject: " + subject,
      "Message-ID: <" + SUBJECTS.incrementAndGet() + "." + System.nanoTime() + "@it.example>",
      "Date: Sat, 05 Dec 2026 12:00:00 +0000",
      "",
      "Hello from the SMTPCR integration test."
    };
  }

  /** A delivery status notification (RFC 3464 in RFC 6522's multipart/report). */
  private static String[] report(String subject) {
    return new String[] {
      "From: Mail Delivery System <mailer-daemon@good.example>",
      "To: <bob@example.org>",
      "Subject: " + subject,
      "MIME-Version: 1.0",
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"",
      "",
      "--b1",
      "Content-Type: text/plain",
      "",
      "Your message could not be delivered.",
      "--b1",
      "Content-Type: message/delivery-status",
      "",
      "Reporting-MTA: dns; mail.good.example",
      "",
      "Final-Recipient: rfc822; nobody@good.example",
      "Action: failed",
      "Status: 5.1.1",
      "--b1--"
    };
  }
}
