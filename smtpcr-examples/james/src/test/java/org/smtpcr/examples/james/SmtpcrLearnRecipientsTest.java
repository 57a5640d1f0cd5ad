package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import javax.mail.MessagingException;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.store.JdbcWhitelistStore;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;

/**
 * The mailet with James's mailet test kit against an H2 file database. {@link FakeMailContext}
 * serves the domain {@code localhost} only, so our users are {@code @localhost} here.
 */
final class SmtpcrLearnRecipientsTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Attribute AUTHENTICATED =
      new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice"));

  @TempDir Path dir;

  private String url;
  private JdbcWhitelistStore page;
  private SmtpcrLearnRecipients mailet;

  @BeforeEach
  void setUp() {
    url = Fixtures.h2Url(dir, "whitelist");
    page = Fixtures.pageStore(url);
  }

  @AfterEach
  void tearDown() {
    if (mailet != null) {
      mailet.destroy();
    }
  }

  private SmtpcrLearnRecipients mailet(String... params) throws MessagingException {
    FakeMailetConfig.Builder config =
        FakeMailetConfig.builder()
            .mailetName("SmtpcrLearnRecipients")
            .mailetContext(FakeMailContext.defaultContext())
            .setProperty("storeUrl", url);
    for (int i = 0; i < params.length; i += 2) {
      config.setProperty(params[i], params[i + 1]);
    }
    SmtpcrLearnRecipients m = new SmtpcrLearnRecipients(Clock.fixed(NOW, ZoneOffset.UTC));
    m.init(config.build());
    return m;
  }

  private static WhitelistKey learned(String remote, String ours) {
    return WhitelistKey.pair(Fixtures.sender(remote), Fixtures.recipient(ours));
  }

  @Test
  void service_authenticatedLocalSender_learnsRemoteRecipientsCanonicalOnly() throws Exception {
    mailet = mailet();
    FakeMail mail =
        FakeMail.builder()
            .name("m1")
            .sender("Alice+lists@localhost")
            .recipients("Carol+news@Remote.Example", "dave@localhost", "erin@other.example")
            .attribute(AUTHENTICATED)
            .state("transport")
            .build();

    mailet.service(mail);

    assertTrue(page.find(new WhitelistKey("carol@remote.example", "alice@localhost")).isPresent());
    assertTrue(page.find(learned("erin@other.example", "alice@localhost")).isPresent());
    assertFalse(
        page.find(learned("dave@localhost", "alice@localhost")).isPresent(),
        "local recipients are not learned");
    assertEquals(2, page.count());
    assertEquals(
        Optional.of(NOW.plus(Duration.ofDays(365))),
        page.find(learned("erin@other.example", "alice@localhost"))
            .map(WhitelistEntry::expiresAt)
            .orElseThrow(),
        "learned entries last 365 days by default");
    assertEquals("transport", mail.getState(), "the mail goes on");
  }

  @Test
  void service_notAuthenticated_learnsNothing() throws Exception {
    mailet = mailet();
    mailet.service(
        FakeMail.builder()
            .name("m2")
            .sender("alice@localhost")
            .recipient("carol@remote.example")
            .build());
    assertEquals(0, page.count());
  }

  @Test
  void service_authenticatedOnlyOff_learnsWithoutAuthentication() throws Exception {
    mailet = mailet("authenticatedOnly", "false");
    mailet.service(
        FakeMail.builder()
            .name("m3")
            .sender("alice@localhost")
            .recipient("carol@remote.example")
            .build());
    assertTrue(page.find(learned("carol@remote.example", "alice@localhost")).isPresent());
  }

  @Test
  void service_remoteSender_learnsNothing() throws Exception {
    mailet = mailet();
    mailet.service(
        FakeMail.builder()
            .name("m4")
            .sender("mallory@remote.example")
            .recipient("carol@other.example")
            .attribute(AUTHENTICATED)
            .build());
    assertEquals(0, page.count());
  }

  @Test
  void service_authenticatedAsAnotherUser_learnsNothing() throws Exception {
    // bob logged in and wrote as alice (James's verifyIdentity off): he may not whitelist for her
    mailet = mailet();
    mailet.service(
        FakeMail.builder()
            .name("m8")
            .sender("alice@localhost")
            .recipient("carol@remote.example")
            .attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("bob")))
            .build());
    mailet.service(
        FakeMail.builder()
            .name("m9")
            .sender("alice@localhost")
            .recipient("carol@remote.example")
            .attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("bob@localhost")))
            .build());
    assertEquals(0, page.count());
  }

  @Test
  void service_authenticatedOnlyOff_anotherUserStillLearnsNothing() throws Exception {
    mailet = mailet("authenticatedOnly", "false");
    mailet.service(
        FakeMail.builder()
            .name("m10")
            .sender("alice@localhost")
            .recipient("carol@remote.example")
            .attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("bob")))
            .build());
    assertEquals(0, page.count());
  }

  @Test
  void service_virtualHostingUserName_learns() throws Exception {
    mailet = mailet();
    mailet.service(
        FakeMail.builder()
            .name("m11")
            .sender("Alice+x@localhost")
            .recipient("carol@remote.example")
            .attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice@LOCALHOST")))
            .build());
    assertTrue(page.find(learned("carol@remote.example", "alice@localhost")).isPresent());
  }

  @Test
  void service_senderOutsideLocalDomains_learnsNothing() throws Exception {
    // James serves localhost, but SMTPCR's localDomains do not name it
    mailet = mailet("localDomains", "example.org");
    mailet.service(
        FakeMail.builder()
            .name("m12")
            .sender("alice@localhost")
            .recipient("carol@remote.example")
            .attribute(AUTHENTICATED)
            .build());
    assertEquals(0, page.count());
  }

  @Test
  void service_senderInLocalDomains_learns() throws Exception {
    mailet = mailet("localDomains", "example.org, LocalHost.");
    mailet.service(
        FakeMail.builder()
            .name("m13")
            .sender("alice@localhost")
            .recipient("carol@remote.example")
            .attribute(AUTHENTICATED)
            .build());
    assertTrue(page.find(learned("carol@remote.example", "alice@localhost")).isPresent());
  }

  @Test
  void init_badLocalDomain_namesIt() {
    MessagingException e =
        assertThrows(MessagingException.class, () -> mailet("localDomains", "exa mple..org"));
    assertTrue(e.getMessage().startsWith("SmtpcrLearnRecipients: localDomains"), e.getMessage());
  }

  @Test
  void service_nullSender_learnsNothing() throws Exception {
    mailet = mailet();
    mailet.service(
        FakeMail.builder()
            .name("m5")
            .sender(MaybeSender.nullSender())
            .recipient("carol@remote.example")
            .attribute(AUTHENTICATED)
            .build());
    assertEquals(0, page.count());
  }

  @Test
  void service_entryLifetime_setsExpiryButKeepsPermanentEntries() throws Exception {
    page.add(learned("frank@remote.example", "alice@localhost"));
    mailet = mailet("entryLifetime", "P365D");
    mailet.service(
        FakeMail.builder()
            .name("m6")
            .sender("alice@localhost")
            .recipients("carol@remote.example", "frank@remote.example")
            .attribute(AUTHENTICATED)
            .build());

    assertEquals(
        Optional.of(NOW.plus(Duration.ofDays(365))),
        page.find(learned("carol@remote.example", "alice@localhost")).orElseThrow().expiresAt());
    assertEquals(
        Optional.empty(),
        page.find(learned("frank@remote.example", "alice@localhost")).orElseThrow().expiresAt(),
        "a permanent entry stays permanent");
  }

  @Test
  void service_storeFails_mailGoesOnUnchanged() throws Exception {
    url = Fixtures.h2Url(dir, "missing") + ";IFEXISTS=TRUE";
    mailet = mailet("storeConnectionTimeout", "PT0.25S");
    FakeMail mail =
        FakeMail.builder()
            .name("m7")
            .sender("alice@localhost")
            .recipient("carol@remote.example")
            .attribute(AUTHENTICATED)
            .state("transport")
            .build();
    mailet.service(mail);
    assertEquals("transport", mail.getState());
  }

  @Test
  void init_unknownParameter_refused() {
    assertThrows(MessagingException.class, () -> mailet("storUrl", "jdbc:h2:mem:x"));
  }

  @Test
  void init_missingStoreUrl_namesIt() {
    url = "";
    MessagingException e = assertThrows(MessagingException.class, () -> mailet());
    assertEquals(
        "SmtpcrLearnRecipients: the whitelist store's JDBC url is required", e.getMessage());
  }

  @Test
  void init_badLifetime_namesIt() {
    MessagingException e =
        assertThrows(MessagingException.class, () -> mailet("entryLifetime", "a year"));
    assertEquals(
        "SmtpcrLearnRecipients: entryLifetime must be a duration such as 45s, 30m, 12h, 7d, 2w or PT12H",
        e.getMessage());
  }

  @Test
  void init_secretInPassword_notInMessage() {
    MessagingException e =
        assertThrows(
            MessagingException.class,
            () ->
                mailet(
                    "storePassword", "hunter2-secret", "storeDriverClass", "com.example.Missing"));
    assertFalse(e.getMessage().contains("hunter2-secret"), e.getMessage());
  }
}
