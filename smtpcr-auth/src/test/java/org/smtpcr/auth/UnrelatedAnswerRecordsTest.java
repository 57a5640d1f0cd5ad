package org.smtpcr.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.smtpcr.auth.testing.ScriptedDnsServer;
import org.smtpcr.core.auth.SpfResult;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * An answer that also carries records for a name that was not asked. dnsjava before 3.6 (3.5.2 is
 * what Apache James 3.8.1 ships) returned them with the records asked for, 3.6 drops them (its
 * message normalization, the fix of CVE-2024-25638); SMTPCR gives the same result on both: they
 * count neither for the name asked nor, later, for their own name.
 */
final class UnrelatedAnswerRecordsTest {
  private static final Name INTRUDER = name("intruder.example.");
  private static final Name ALIAS = name("alias.example.");
  private static final java.net.InetAddress OUTSIDER = SpfDnsmasqTest.ip("198.51.100.1");
  private static final Name TARGET = name("target.example.");

  private static Name name(String s) {
    try {
      return Name.fromString(s);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static Message answer(Message query) {
    Message m = ScriptedDnsServer.answer(query);
    Name asked = query.getQuestion().getName();
    if (query.getQuestion().getType() != Type.TXT || asked.toString().startsWith("_dmarc.")) {
      return m;
    }
    if (asked.equals(ALIAS)) {
      // one answer: the CNAME, the target's record, and a record of another name
      m.addRecord(new CNAMERecord(asked, DClass.IN, 300, TARGET), Section.ANSWER);
      m.addRecord(
          new TXTRecord(TARGET, DClass.IN, 300, List.of("v=spf1 ip4:192.0.2.0/24 -all")),
          Section.ANSWER);
      m.addRecord(new TXTRecord(INTRUDER, DClass.IN, 300, List.of("v=spf1 +all")), Section.ANSWER);
      return m;
    }
    if (asked.equals(INTRUDER)) {
      m.addRecord(new TXTRecord(asked, DClass.IN, 300, List.of("v=spf1 -all")), Section.ANSWER);
    } else {
      m.addRecord(
          new TXTRecord(asked, DClass.IN, 300, List.of("v=spf1 ip4:192.0.2.0/24 -all")),
          Section.ANSWER);
      m.addRecord(new TXTRecord(INTRUDER, DClass.IN, 300, List.of("v=spf1 +all")), Section.ANSWER);
    }
    return m;
  }

  @Test
  void checkSender_afterACname_recordsForAnotherName_countForNothing() {
    try (ScriptedDnsServer server = ScriptedDnsServer.start(UnrelatedAnswerRecordsTest::answer)) {
      SmtpcrAuthenticator auth = SmtpcrAuthenticator.builder().dnsServer(server.address()).build();
      SpfResult r =
          auth.checkSender(HostileDnsPropertiesTest.CLIENT, "", "a@alias.example")
              .spfMailFrom()
              .orElseThrow();
      // the target's record (pass for the client) or, where the library cannot tell the records
      // apart, a temporary error; never the other name's +all
      assertTrue(r == SpfResult.PASS || r == SpfResult.TEMPERROR, r.toString());
      SpfResult other =
          auth.checkSender(OUTSIDER, "", "a@alias.example").spfMailFrom().orElseThrow();
      assertTrue(
          other == SpfResult.FAIL || other == SpfResult.TEMPERROR,
          "a client outside the target's record: " + other);
    }
  }

  @Test
  void checkSender_recordsForAnotherName_areIgnored() {
    try (ScriptedDnsServer server = ScriptedDnsServer.start(UnrelatedAnswerRecordsTest::answer)) {
      SmtpcrAuthenticator auth = SmtpcrAuthenticator.builder().dnsServer(server.address()).build();
      assertEquals(
          SpfResult.PASS,
          auth.checkSender(HostileDnsPropertiesTest.CLIENT, "", "a@victim.example")
              .spfMailFrom()
              .orElseThrow());
      assertEquals(
          SpfResult.FAIL,
          auth.checkSender(HostileDnsPropertiesTest.CLIENT, "", "a@intruder.example")
              .spfMailFrom()
              .orElseThrow());
    }
  }
}
