package org.smtpcr.examples.smtp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.examples.runtime.DecisionLog;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.tokens.KeyRing;

/** The decision log of a real SMTP session: MAIL, a challenge and an accept, one INFO line each. */
final class DecisionLogTest {
  private static final String PREFIX = "DecisionLog - ";

  @TempDir Path dir;

  @Test
  void challengeAndAccept_eachWriteOneLineWithTheEnvelope() throws Exception {
    KeyRing ring = KeyRing.generate();
    InMemoryWhitelistStore store = InMemoryWhitelistStore.builder().build();
    store.add(
        WhitelistKey.pair(
            CanonicalAddress.parseCanonical("alice@example.org"),
            CanonicalAddress.parseCanonical("carol@example.com")));
    DecisionEngine engine =
        DecisionEngine.builder()
            .keyRing(ring)
            .challengeBase(URI.create("http://127.0.0.1:8080/"))
            .rules(StandardRules.builder().whitelistStore(store).build())
            .listener(DecisionLog.from(Settings.defaults(), ring))
            .build();
    PrintStream original = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(log, true, UTF_8));
    try (SmtpcrSmtpServer server =
            SmtpcrSmtpServer.builder()
                .engine(engine)
                .maildir(dir)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .build()
                .start();
        SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<alice@example.org>", 250);
      s.command("RCPT TO:<bob@example.com>", 550);
      s.command("RCPT TO:<carol@example.com>", 250);
    } finally {
      System.setErr(original);
    }
    List<String> lines =
        log.toString(UTF_8)
            .lines()
            .filter(l -> l.contains(PREFIX))
            .map(l -> l.substring(l.indexOf(PREFIX) + PREFIX.length()))
            .toList();
    assertEquals(3, lines.size(), log.toString(UTF_8));
    // the server decides MAIL too (the deny list may refuse a sender there)
    assertTrue(
        lines
            .get(0)
            .matches(
                "action=accept rule=default reason=pass stage=mail client_address=127\\.0\\.0\\.1"
                    + " helo=client\\.example sender=alice@example\\.org session=\\S+ delay_ms=[0-9.]+"),
        lines.get(0));
    assertTrue(
        lines
            .get(1)
            .matches(
                "action=challenge rule=default reason=550/5\\.7\\.1 stage=rcpt"
                    + " client_address=127\\.0\\.0\\.1 helo=\\S+ sender=alice@example\\.org"
                    + " recipient=bob@example\\.com session=\\S+ delay_ms=[0-9.]+"),
        lines.get(1));
    assertTrue(
        lines
            .get(2)
            .matches(
                "action=accept rule=whitelist-store reason=pass stage=rcpt"
                    + " client_address=127\\.0\\.0\\.1 helo=\\S+ sender=alice@example\\.org"
                    + " recipient=carol@example\\.com session=\\S+ delay_ms=[0-9.]+"),
        lines.get(2));
  }
}
