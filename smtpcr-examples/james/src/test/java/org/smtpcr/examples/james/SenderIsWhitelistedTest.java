package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.store.JdbcWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.testing.UnavailableWhitelistStore;

/** The matcher with James's mailet test kit against an H2 file database. */
final class SenderIsWhitelistedTest {
  @TempDir Path dir;

  private String url;
  private JdbcWhitelistStore page;
  private SenderIsWhitelisted matcher;

  @BeforeEach
  void setUp() {
    url = Fixtures.h2Url(dir, "whitelist");
    page = Fixtures.pageStore(url);
  }

  @AfterEach
  void tearDown() {
    if (matcher != null) {
      matcher.destroy();
    }
  }

  private SenderIsWhitelisted matcher(String condition) throws MessagingException {
    SenderIsWhitelisted m = new SenderIsWhitelisted();
    m.init(
        FakeMatcherConfig.builder()
            .matcherName("SenderIsWhitelisted")
            .condition(condition)
            .mailetContext(FakeMailContext.defaultContext())
            .build());
    return m;
  }

  @Test
  void match_returnsTheRecipientsTheSenderIsWhitelistedFor() throws Exception {
    page.add(
        WhitelistKey.pair(
            Fixtures.sender("carol@partner.example"), Fixtures.recipient("alice@example.org")));
    page.add(WhitelistKey.domain("partner.example", Fixtures.recipient("dave@example.org")));
    matcher = matcher(url);

    FakeMail mail =
        FakeMail.builder()
            .name("m1")
            .sender("Carol+list@Partner.Example")
            .recipients("alice@example.org", "bob@example.org", "Dave+x@example.org")
            .build();

    assertEquals(
        List.of(new MailAddress("alice@example.org"), new MailAddress("Dave+x@example.org")),
        List.copyOf(matcher.match(mail)));
  }

  @Test
  void match_withTheSitesSeparators_readsAddressesAsTheEngineDoes() throws Exception {
    page.add(
        WhitelistKey.pair(
            Fixtures.sender("carol@partner.example"), Fixtures.recipient("alice@example.org")));
    FakeMail mail =
        FakeMail.builder()
            .name("m4")
            .sender("carol-list@partner.example")
            .recipients("alice-x@example.org")
            .build();
    matcher = matcher(url);
    assertEquals(List.of(), List.copyOf(matcher.match(mail)), "with '+', carol-list is not carol");
    matcher.destroy();
    matcher = matcher("subaddressSeparators=- " + url);
    assertEquals(List.of(new MailAddress("alice-x@example.org")), List.copyOf(matcher.match(mail)));
    assertThrows(MessagingException.class, () -> matcher("subaddressSeparators=a " + url));
    assertThrows(MessagingException.class, () -> matcher("subaddressSeparators=-"));
  }

  @Test
  void match_globalSender_matchesEveryRecipient() throws Exception {
    page.add(WhitelistKey.globalSender(Fixtures.sender("news@partner.example")));
    matcher = matcher(url);
    FakeMail mail =
        FakeMail.builder()
            .name("m2")
            .sender("news@partner.example")
            .recipients("alice@example.org", "bob@example.org")
            .build();
    assertEquals(2, matcher.match(mail).size());
  }

  @Test
  void match_unknownSender_matchesNothing() throws Exception {
    matcher = matcher(url);
    assertTrue(
        matcher
            .match(
                FakeMail.builder()
                    .name("m3")
                    .sender("eve@elsewhere.example")
                    .recipient("alice@example.org")
                    .build())
            .isEmpty());
  }

  @Test
  void match_nullSender_matchesNothing() throws Exception {
    page.add(WhitelistKey.globalDomain("example.org"));
    matcher = matcher(url);
    assertTrue(
        matcher
            .match(
                FakeMail.builder()
                    .name("m4")
                    .sender(MaybeSender.nullSender())
                    .recipient("alice@example.org")
                    .build())
            .isEmpty());
  }

  @Test
  void match_storeFails_noMatchAndAWarningWithoutUrlOrAddresses() throws Exception {
    String secretUrl = url + ";USER=smtpcr;PASSWORD=hunter2-secret";
    matcher = matcher(secretUrl);
    // the database breaks under the matcher: its table is gone
    JdbcDataSource admin = new JdbcDataSource();
    admin.setURL(url);
    try (Connection c = admin.getConnection("smtpcr", "hunter2-secret");
        Statement st = c.createStatement()) {
      st.execute("DROP TABLE smtpcr_whitelist");
    }
    String log =
        StdErr.capture(
            () ->
                assertEquals(
                    List.of(),
                    List.copyOf(
                        matcher.match(
                            FakeMail.builder()
                                .name("m5")
                                .sender("carol@partner.example")
                                .recipient("alice@example.org")
                                .build()))));
    assertTrue(
        log.contains("WARN") && log.contains("the whitelist store failed") && log.contains("m5"),
        log);
    for (String secret :
        new String[] {"hunter2-secret", dir.toString(), "carol@partner.example", "alice@example"}) {
      assertFalse(log.contains(secret), log);
    }
  }

  @Test
  void match_storeDown_matchesNothingNeverThrows() throws Exception {
    page.add(
        WhitelistKey.pair(
            Fixtures.sender("carol@partner.example"), Fixtures.recipient("alice@example.org")));
    matcher = matcher(url);
    FakeMail mail =
        FakeMail.builder()
            .name("m6")
            .sender("carol@partner.example")
            .recipients("alice@example.org", "bob@example.org")
            .state("transport")
            .build();
    String log =
        StdErr.capture(
            () ->
                assertEquals(
                    List.of(),
                    List.copyOf(matcher.match(mail, new UnavailableWhitelistStore("down")))));
    assertTrue(log.contains("WARN") && log.contains("(down)"), log);
    assertEquals("transport", mail.getState(), "the mail goes on where it was");
  }

  @Test
  void init_noCondition_saysWhatIsNeeded() {
    MessagingException e = assertThrows(MessagingException.class, () -> matcher(""));
    assertEquals(
        "SenderIsWhitelisted needs the whitelist store's JDBC URL as its condition:"
            + " SenderIsWhitelisted=jdbc:...",
        e.getMessage());
  }
}
