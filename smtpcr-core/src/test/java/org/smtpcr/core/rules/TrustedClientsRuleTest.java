package org.smtpcr.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.smtpcr.core.rules.RuleProbe.decide;
import static org.smtpcr.core.rules.RuleProbe.ip;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;

final class TrustedClientsRuleTest {
  private static Transaction from(InetAddress client, Stage stage) {
    Transaction.Builder b = Transaction.builder().stage(stage).clientAddress(client);
    if (stage.compareTo(Stage.MAIL) >= 0) {
      b.reversePath("<a@example.org>");
    }
    if (stage.compareTo(Stage.RCPT) >= 0) {
      b.forwardPath("<b@example.com>");
    }
    return b.build();
  }

  @Test
  void authenticated_session_acceptedAtEveryStage() {
    for (Stage s : Stage.values()) {
      Transaction.Builder b =
          Transaction.builder().stage(s).clientAddress(ip("203.0.113.9")).authenticatedUser("ann");
      if (s.compareTo(Stage.MAIL) >= 0) {
        b.reversePath("<ann@example.com>");
      }
      if (s.compareTo(Stage.RCPT) >= 0) {
        b.forwardPath("<x@example.net>");
      }
      assertEquals(
          Optional.of(Decision.accept()),
          decide(TrustedClientsRule.authenticated(), b.build()),
          s.name());
    }
  }

  @Test
  void authenticatedSessionsDisabled_abstains() {
    TrustedClientsRule r = TrustedClientsRule.builder().authenticatedSessions(false).build();
    Transaction t =
        Transaction.builder()
            .stage(Stage.CONNECT)
            .clientAddress(ip("203.0.113.9"))
            .authenticatedUser("ann")
            .build();
    assertEquals(Optional.empty(), decide(r, t));
  }

  @Test
  void networks_ipv4AndIpv6_acceptInsideAbstainOutside() {
    TrustedClientsRule r =
        TrustedClientsRule.builder().network("192.0.2.0/24").network("2001:db8:10::/48").build();
    assertEquals(Optional.of(Decision.accept()), decide(r, from(ip("192.0.2.200"), Stage.RCPT)));
    assertEquals(Optional.empty(), decide(r, from(ip("192.0.3.1"), Stage.RCPT)));
    assertEquals(
        Optional.of(Decision.accept()), decide(r, from(ip("2001:db8:10:ffff::1"), Stage.CONNECT)));
    assertEquals(Optional.empty(), decide(r, from(ip("2001:db8:11::1"), Stage.CONNECT)));
  }

  @Test
  void networks_ipv4MappedClient_matchesIpv4Network() throws UnknownHostException {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 5};
    InetAddress client = Inet6Address.getByAddress(null, mapped, -1);
    TrustedClientsRule r = TrustedClientsRule.builder().network("192.0.2.0/24").build();
    assertEquals(Optional.of(Decision.accept()), decide(r, from(client, Stage.RCPT)));
  }

  @Test
  void noNetworksUnauthenticated_abstains() {
    assertEquals(
        Optional.empty(),
        decide(TrustedClientsRule.authenticated(), from(ip("127.0.0.1"), Stage.RCPT)));
  }
}
