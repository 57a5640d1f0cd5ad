package org.smtpcr.examples.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.tokens.KeyRing;

/** The connection caps, over real sockets on loopback (127.0.0.1 and 127.0.0.2 as two clients). */
final class ConnectionLimitTest {
  private static final InetAddress ONE = InetAddress.getLoopbackAddress();

  @TempDir Path dir;

  private SmtpcrSmtpServer server;
  private final List<SmtpSession> sessions = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    for (SmtpSession s : sessions) {
      s.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void start(SmtpcrSmtpServer.Builder b) throws IOException {
    DecisionEngine engine =
        DecisionEngine.builder()
            .keyRing(KeyRing.generate())
            .challengeBase(URI.create("http://127.0.0.1:8080/"))
            .rules(
                StandardRules.builder()
                    .whitelistStore(InMemoryWhitelistStore.builder().build())
                    .build())
            .build();
    server =
        b.engine(engine)
            .maildir(dir.resolve("maildir"))
            .bind(new InetSocketAddress(ONE, 0))
            .build()
            .start();
  }

  private SmtpSession open(InetAddress from) throws IOException {
    SmtpSession s = new SmtpSession(server.port(), from);
    sessions.add(s);
    return s;
  }

  private static InetAddress two() throws IOException {
    return InetAddress.getByName("127.0.0.2");
  }

  @Test
  void perClientCap_refusesTheNextSessionWith421AndCloses_otherClientsAndLaterSessionsGoOn()
      throws Exception {
    start(SmtpcrSmtpServer.builder().maxConnectionsPerClient(2));
    SmtpSession first = open(ONE);
    first.expect(220);
    open(ONE).expect(220);

    SmtpSession third = open(ONE);
    SmtpSession.Reply refused = third.expect(421);
    assertEquals(
        "421 " + ClientConnectionLimit.REPLY_TEXT + "\r\n", refused.raw(), "one line, 4.7.0");
    assertThrows(IOException.class, third::read, "the server closed the connection");

    open(two()).hello().command("QUIT", 221);

    first.command("QUIT", 221);
    assertThrows(IOException.class, first::read, "closed after QUIT");
    open(ONE).hello();
  }

  @Test
  void perClientCap_defaultIsTen() throws Exception {
    start(SmtpcrSmtpServer.builder());
    for (int i = 0; i < SmtpcrSmtpServer.DEFAULT_MAX_CONNECTIONS_PER_CLIENT; i++) {
      open(ONE).expect(220);
    }
    open(ONE).expect(421);
    open(two()).expect(220);
  }

  @Test
  void totalCap_refusesEveryClientOverIt() throws Exception {
    start(SmtpcrSmtpServer.builder().maxConnections(2));
    open(ONE).expect(220);
    open(two()).expect(220);
    SmtpSession over = open(InetAddress.getByName("127.0.0.3"));
    over.expect(421);
    assertThrows(IOException.class, over::read);
  }

  @Test
  void clientOf_groupsAnIpv6Slash64_keepsIpv4Addresses() throws Exception {
    assertEquals(
        InetAddress.getByName("2001:db8:1:2::"),
        ClientConnectionLimit.clientOf(InetAddress.getByName("2001:db8:1:2:aaaa:bbbb:cccc:dddd")));
    assertEquals(
        InetAddress.getByName("192.0.2.7"),
        ClientConnectionLimit.clientOf(InetAddress.getByName("192.0.2.7")));
  }

  @Test
  void settings_defaultsAreTheServers() {
    assertEquals(
        SmtpcrSmtpServer.DEFAULT_MAX_CONNECTIONS,
        Settings.defaults().get(Settings.SMTP_MAX_CONNECTIONS));
    assertEquals(
        SmtpcrSmtpServer.DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
        Settings.defaults().get(Settings.SMTP_MAX_CONNECTIONS_PER_CLIENT));
  }

  @Test
  void builder_refusesCapsOutOfRange() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SmtpcrSmtpServer.builder().maxConnectionsPerClient(0));
    assertThrows(
        IllegalArgumentException.class, () -> SmtpcrSmtpServer.builder().maxConnections(0));
  }
}
