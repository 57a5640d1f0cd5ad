package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.StringReader;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.examples.runtime.CachingWhitelistStore;
import org.smtpcr.examples.runtime.SettingSource;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.StandardEngine;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;

/**
 * A setting given once means the same in James as on the command line: James's XML and the
 * properties file the CLI servers read (the same keys; the cli module's OneSettingEverywhereTest
 * shows the options and the file give these settings there) give equal settings, and engines that
 * accept a client of the trusted network and challenge with links valid for 7 days.
 */
final class OneSettingEverywhereTest {
  private static final String BASE = "https://cr.example.com/";

  @TempDir Path dir;

  @Test
  void trustedNetworkAndSevenDays_sameInJamesXmlAndThePropertiesFile() throws Exception {
    KeyRing ring = KeyRing.generate();
    Path keyFile = Fixtures.keyFile(dir, ring);
    String storeUrl = Fixtures.h2Url(dir, "whitelist");
    HierarchicalConfiguration<ImmutableNode> handler =
        handler(
            """
        <handlerchain>
          <handler class="org.smtpcr.examples.james.SmtpcrRcptHook">
            <keyFile>%s</keyFile>
            <challengeBase>%s</challengeBase>
            <trustedNetworks>192.0.2.0/24</trustedNetworks>
            <challengeLifetime>7d</challengeLifetime>
            <store><url>%s</url><connectionTimeout>20s</connectionTimeout><cache>on</cache><cacheTtl>1s</cacheTtl></store>
          </handler>
        </handlerchain>
        """
                .formatted(keyFile, BASE, storeUrl));
    Properties file = new Properties();
    file.load(
        new StringReader(
            "keyFile="
                + keyFile
                + "\nchallengeBase="
                + BASE
                + "\ntrustedNetworks=192.0.2.0/24\nchallengeLifetime=7d\nstore.url="
                + storeUrl
                + "\nstore.connectionTimeout=20s\nstore.cache=on\nstore.cacheTtl=1s\n"));

    Settings fromXml = HookConfig.settings(handler);
    Settings fromFile = Settings.read(SettingSource.of(file));
    assertEquals(fromFile, fromXml);
    assertEquals(Duration.ofDays(7), fromXml.get(Settings.CHALLENGE_LIFETIME));

    HookConfig.Setup james = HookConfig.read(handler);
    try {
      // the store settings reach the store: the near cache is on, as asked
      assertInstanceOf(CachingWhitelistStore.class, james.lease().store());
      behavesAsConfigured(james.engine(), ring);
    } finally {
      james.lease().close();
    }
    behavesAsConfigured(
        StandardEngine.build(fromFile, ring, InMemoryWhitelistStore.builder().build()), ring);
  }

  @Test
  void isoDurationsStillWork() throws Exception {
    Settings iso =
        HookConfig.settings(
            handler(
                """
        <handlerchain><handler class="x"><challengeLifetime>P7D</challengeLifetime></handler></handlerchain>"""));
    Settings shortForm =
        HookConfig.settings(
            handler(
                """
        <handlerchain><handler class="x"><challengeLifetime>1w</challengeLifetime></handler></handlerchain>"""));
    assertEquals(iso, shortForm);
  }

  /** A client in 192.0.2.0/24 is accepted; another is challenged with a link valid for 7 days. */
  private static void behavesAsConfigured(DecisionEngine engine, KeyRing ring) throws Exception {
    assertInstanceOf(Decision.Accept.class, engine.decide(rcpt("192.0.2.77")).decision());
    Decision.Challenge c =
        assertInstanceOf(Decision.Challenge.class, engine.decide(rcpt("198.51.100.7")).decision());
    String path = c.link().getPath();
    assertEquals(
        Duration.ofDays(7),
        ChallengeTokens.of(ring).verify(path.substring(path.lastIndexOf('/') + 1)).lifetime());
  }

  private static Transaction rcpt(String client) throws Exception {
    return Transaction.builder()
        .stage(Stage.RCPT)
        .clientAddress(InetAddress.getByName(client))
        .reversePath("<alice@sender.example>")
        .forwardPath("<bob@cr.example>")
        .build();
  }

  private static HierarchicalConfiguration<ImmutableNode> handler(String xml) throws Exception {
    XMLConfiguration config = new XMLConfiguration();
    new FileHandler(config).load(new StringReader(xml));
    List<HierarchicalConfiguration<ImmutableNode>> handlers = config.configurationsAt("handler");
    return handlers.get(0);
  }
}
