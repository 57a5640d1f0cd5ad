package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.store.JdbcWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.testing.UnavailableWhitelistStore;

/**
 * The mailetcontainer.xml block of docs/james.md: its mailet and matcher, configured with the
 * parameters and condition it gives (the store URL pointed at a temporary database), do what the
 * page says.
 */
final class MailetContainerSnippetTest {
  @TempDir Path dir;

  @Test
  void documentedBlock_learnsThenMatchesTheCorrespondent() throws Exception {
    String url = Fixtures.h2Url(dir, "whitelist");
    XMLConfiguration xml = new XMLConfiguration();
    new FileHandler(xml)
        .load(
            new StringReader(
                "<processor state=\"transport\">\n"
                    + Fixtures.docSnippet("mailetcontainer.xml", null, url)
                    + "</processor>\n"));
    List<HierarchicalConfiguration<ImmutableNode>> mailets = xml.configurationsAt("mailet");
    assertEquals(2, mailets.size());

    // <mailet match="SMTPAuthSuccessful" class="...SmtpcrLearnRecipients"> with its parameters
    HierarchicalConfiguration<ImmutableNode> learnElement = mailets.get(0);
    assertEquals("SMTPAuthSuccessful", learnElement.getString("[@match]"));
    assertEquals(SmtpcrLearnRecipients.class.getName(), learnElement.getString("[@class]"));
    FakeMailetConfig.Builder config =
        FakeMailetConfig.builder()
            .mailetName("SmtpcrLearnRecipients")
            .mailetContext(FakeMailContext.defaultContext());
    for (String key : keys(learnElement)) {
      config.setProperty(key, learnElement.getString(key));
    }
    SmtpcrLearnRecipients learn = new SmtpcrLearnRecipients();
    learn.init(config.build());

    // <mailet match="...SenderIsWhitelisted=<url>" ... onMatchException="noMatch">: whatever
    // fails in matching, the accepted mail goes on rather than into the error repository
    assertEquals(
        "nomatch", mailets.get(1).getString("[@onMatchException]").toLowerCase(Locale.ROOT));
    String match = mailets.get(1).getString("[@match]");
    int eq = match.indexOf('=');
    assertEquals(SenderIsWhitelisted.class.getName(), match.substring(0, eq));
    SenderIsWhitelisted matcher = new SenderIsWhitelisted();
    matcher.init(
        FakeMatcherConfig.builder()
            .matcherName("SenderIsWhitelisted")
            .condition(match.substring(eq + 1))
            .mailetContext(FakeMailContext.defaultContext())
            .build());
    try {
      learn.service(
          FakeMail.builder()
              .name("out")
              .sender("alice@localhost")
              .recipient("carol@remote.example")
              .attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice")))
              .build());

      JdbcWhitelistStore page = Fixtures.pageStore(url);
      assertTrue(
          page.find(
                  WhitelistKey.pair(
                      Fixtures.sender("carol@remote.example"),
                      Fixtures.recipient("alice@localhost")))
              .isPresent());
      assertEquals(
          List.of(new MailAddress("alice@localhost")),
          List.copyOf(
              matcher.match(
                  FakeMail.builder()
                      .name("reply")
                      .sender("carol@remote.example")
                      .recipients("alice@localhost", "bob@localhost")
                      .build())));

      // the store goes down: no match and a warning, never an exception
      String log =
          StdErr.capture(
              () ->
                  assertEquals(
                      List.of(),
                      List.copyOf(
                          matcher.match(
                              FakeMail.builder()
                                  .name("reply2")
                                  .sender("carol@remote.example")
                                  .recipients("alice@localhost")
                                  .build(),
                              new UnavailableWhitelistStore("down")))));
      assertTrue(log.contains("WARN"), log);
    } finally {
      matcher.destroy();
      learn.destroy();
    }
  }

  private static List<String> keys(HierarchicalConfiguration<ImmutableNode> element) {
    List<String> keys = new ArrayList<>();
    for (Iterator<String> it = element.getKeys(); it.hasNext(); ) {
      String key = it.next();
      if (!key.startsWith("[@")) {
        keys.add(key);
      }
    }
    return keys;
  }
}
