package org.smtpcr.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.smtpcr.auth.testing.ScriptedDnsServer;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.SpfResult;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** dnsjava's cache: a second check of the same domain asks the server nothing. */
final class CacheTest {
  private static Message answer(Message query) {
    Message m = ScriptedDnsServer.answer(query);
    if (query.getQuestion().getType() == Type.TXT) {
      m.addRecord(
          new TXTRecord(
              query.getQuestion().getName(),
              DClass.IN,
              300,
              List.of("v=spf1 ip4:192.0.2.0/24 -all")),
          Section.ANSWER);
    }
    return m;
  }

  @Test
  void checkSender_cached_secondCheckCostsNoQuery() {
    try (ScriptedDnsServer server = ScriptedDnsServer.start(CacheTest::answer)) {
      SmtpcrAuthenticator auth = SmtpcrAuthenticator.builder().dnsServer(server.address()).build();
      AuthenticationResults first =
          auth.checkSender(HostileDnsPropertiesTest.CLIENT, "", "a@cached.example");
      int asked = server.queries();
      assertTrue(asked >= 2, "SPF and DMARC were asked for");
      AuthenticationResults second =
          auth.checkSender(HostileDnsPropertiesTest.CLIENT, "", "b@cached.example");
      assertEquals(asked, server.queries());
      assertEquals(SpfResult.PASS, second.spfMailFrom().orElseThrow());
      assertEquals(first, second);
    }
  }

  @Test
  void checkSender_uncached_asksAgain() {
    try (ScriptedDnsServer server = ScriptedDnsServer.start(CacheTest::answer)) {
      SmtpcrAuthenticator auth =
          SmtpcrAuthenticator.builder().dnsServer(server.address()).cache(false).build();
      auth.checkSender(HostileDnsPropertiesTest.CLIENT, "", "a@cached.example");
      int asked = server.queries();
      auth.checkSender(HostileDnsPropertiesTest.CLIENT, "", "a@cached.example");
      assertEquals(2 * asked, server.queries());
    }
  }
}
