package org.smtpcr.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.smtpcr.auth.testing.ScriptedDnsServer;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.DkimSignature;
import org.smtpcr.core.auth.DmarcResult;
import org.smtpcr.core.auth.SpfResult;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Hostile DNS answers from a scripted server: huge TXT records, CNAME loops and endless chains,
 * server failures, silence, include and redirect loops, malformed SPF, DMARC and DKIM records. The
 * checks never throw, never query without bound, and never say {@code pass}, {@code fail} or {@code
 * softfail} for records that cannot justify it: only {@code none}, {@code neutral}, {@code
 * temperror} or {@code permerror}.
 */
final class HostileDnsPropertiesTest {
  static final InetAddress CLIENT = SpfDnsmasqTest.ip("192.0.2.1");

  /** What the server does with every query. */
  enum Mode {
    RECORDS,
    CNAME_LOOP,
    CNAME_CHAIN,
    SERVFAIL,
    REFUSED,
    NXDOMAIN,
    FORMERR,
    SILENT
  }

  record Scenario(
      Mode mode, String spf, String dmarc, String dkimKey, int mxCount, int txtCopies) {}

  private static volatile Scenario scenario;
  private static ScriptedDnsServer server;
  private static SmtpcrAuthenticator auth;

  @BeforeContainer
  static void start() {
    server = ScriptedDnsServer.start(HostileDnsPropertiesTest::answer);
    auth =
        SmtpcrAuthenticator.builder()
            .dnsServer(server.address())
            .queryTimeout(Duration.ofMillis(150))
            .deadline(Duration.ofMillis(600))
            .cache(false)
            .build();
  }

  @AfterContainer
  static void stop() {
    server.close();
  }

  private static final Set<SpfResult> HARMLESS =
      Set.of(SpfResult.NONE, SpfResult.NEUTRAL, SpfResult.TEMPERROR, SpfResult.PERMERROR);

  @Property(tries = 150)
  void checkSender_hostileAnswers_harmlessAndBounded(@ForAll("scenarios") Scenario s) {
    scenario = s;
    int before = server.queries();
    AuthenticationResults r =
        auth.checkSender(CLIENT, "helo.hostile.example", "alice@hostile.example");
    int asked = server.queries() - before;
    SpfResult mailFrom = r.spfMailFrom().orElseThrow();
    SpfResult helo = r.spfHelo().orElseThrow();
    assertTrue(HARMLESS.contains(mailFrom), () -> s + " gave " + mailFrom);
    assertTrue(HARMLESS.contains(helo), () -> s + " gave " + helo);
    assertTrue(r.senderPolicy().isPresent());
    // two SPF evaluations of at most 120 queries each, a DMARC look-up of two; each may follow
    // up to 8 CNAMEs and be asked again over TCP
    assertTrue(
        asked <= 2 * (2 * SpfDns.MAX_QUERIES + 2) * (Dns.MAX_REDIRECTS + 1),
        () -> s + " asked " + asked);
    if (s.mode() == Mode.SERVFAIL || s.mode() == Mode.SILENT || s.mode() == Mode.REFUSED) {
      assertEquals(SpfResult.TEMPERROR, mailFrom);
    }
  }

  @Property(tries = 60)
  void checkMessage_hostileAnswers_neverPassNeverOurFail(
      @ForAll("scenarios") Scenario s, @ForAll("signatures") String signatureField)
      throws IOException {
    scenario = s;
    String message =
        signatureField
            + "\r\nFrom: alice@hostile.example\r\nTo: bob@example.net\r\nSubject: x\r\n\r\nbody\r\n";
    AuthenticationResults atRcpt =
        AuthenticationResults.builder().spfMailFrom(SpfResult.TEMPERROR).build();
    AuthenticationResults r =
        auth.checkMessage(
            atRcpt,
            "alice@hostile.example",
            new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
    assertTrue(r.messageChecked());
    assertTrue(r.dkim().size() <= SmtpcrAuthenticator.DEFAULT_MAX_SIGNATURES);
    for (DkimSignature sig : r.dkim()) {
      assertTrue(sig.result() != DkimSignature.Result.PASS, () -> s + " passed " + sig);
    }
    // SPF was temperror and nothing passed: DMARC can only be temporary, never a fail
    r.dmarc().ifPresent(d -> assertEquals(DmarcResult.Result.TEMPERROR, d.result(), s::toString));
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<String> spfTerms =
        Arbitraries.of(
                "include:hostile.example",
                "include:%{d}",
                "include:loop.hostile.example",
                "redirect=hostile.example",
                "redirect=%{d}",
                "a",
                "a:nx.hostile.example",
                "a:%{l}.%{l}.%{l}.%{l}.hostile.example",
                "mx",
                "mx/24",
                "ptr",
                "exists:%{i}.hostile.example",
                "exists:%{ir}.%{v}._spf.%{d2}",
                "exp=%{d}",
                "ip4:999.1.1.1",
                "ip6:zz::1",
                "ip4:203.0.113.0/33",
                "a/99",
                "%{",
                "include:",
                "?all",
                "v=spf1",
                "x=" + "y".repeat(300),
                "\u0000",
                "é")
            .list()
            .ofMaxSize(40)
            .map(l -> "v=spf1 " + String.join(" ", l));
    Arbitrary<String> dmarc =
        Arbitraries.of(
                "v=DMARC1; p=reject",
                "v=DMARC1; p=bogus",
                "v=DMARC1",
                "v=DMARC1; p=none; sp=reject; adkim=s; aspf=x",
                "v=dmarc1; p=reject",
                "v=DMARC1;" + "p=reject;".repeat(500),
                "garbage",
                "")
            .list()
            .ofMaxSize(3)
            .map(l -> String.join("\u0001", l));
    Arbitrary<String> keys =
        Arbitraries.of(
            "v=DKIM1; k=rsa; p=",
            "v=DKIM1; k=rsa; p=!!!",
            "v=DKIM1; k=ed25519; p=AAAA",
            "v=DKIM1; k=rsa; p=" + "A".repeat(5000),
            "v=DKIM2; p=MIIB",
            "garbage",
            "");
    return Combinators.combine(
            Arbitraries.of(Mode.class),
            spfTerms,
            dmarc,
            keys,
            Arbitraries.integers().between(0, 30),
            Arbitraries.integers().between(1, 3))
        .as(Scenario::new);
  }

  @Provide
  Arbitrary<String> signatures() {
    Arbitrary<String> one =
        Arbitraries.of(
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=hostile.example; s=sel;"
                + " h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA",
            "DKIM-Signature: v=1; a=rsa-sha1; d=hostile.example; s=sel; h=from; bh=AAAA; b=AAAA",
            "DKIM-Signature: v=1; a=rsa-sha256; d=hostile.example; s=%%%; h=from; bh=AA; b=AA",
            "DKIM-Signature: v=1; a=rsa-sha256; d="
                + "x".repeat(300)
                + "; s=s; h=from; bh=AA; b=AA",
            "DKIM-Signature: v=1; a=rsa-sha256; c=bogus/bogus; d=hostile.example; s=sel; h=from;"
                + " bh=AA; b=AA",
            "DKIM-Signature: v=1; a=rsa-sha256; d=hostile.example; s=sel; h=from; l=99999999999;"
                + " bh=AA; b=AA",
            "DKIM-Signature: v=1; a=rsa-sha256; d=hostile.example; s=sel; h=from; t=99999999999;"
                + " bh=AA; b=AA",
            "DKIM-Signature: garbage",
            "DKIM-Signature: ;;;;====",
            "DKIM-Signature:");
    return one.list().ofMinSize(1).ofMaxSize(30).map(l -> String.join("\r\n", l));
  }

  /** The scripted server's answer to one query, following the current scenario. */
  private static Message answer(Message query) {
    Scenario s = scenario;
    Record question = query.getQuestion();
    if (s == null || question == null) {
      return ScriptedDnsServer.answer(query, Rcode.SERVFAIL);
    }
    Name name = question.getName();
    int type = question.getType();
    return switch (s.mode()) {
      case SILENT -> null;
      case SERVFAIL -> ScriptedDnsServer.answer(query, Rcode.SERVFAIL);
      case REFUSED -> ScriptedDnsServer.answer(query, Rcode.REFUSED);
      case NXDOMAIN -> ScriptedDnsServer.answer(query, Rcode.NXDOMAIN);
      case FORMERR -> ScriptedDnsServer.answer(query, Rcode.FORMERR);
      case CNAME_LOOP -> cname(query, name, name);
      case CNAME_CHAIN -> {
        try {
          yield cname(query, name, Name.fromString("c", name));
        } catch (TextParseException | RuntimeException e) {
          yield ScriptedDnsServer.answer(query, Rcode.SERVFAIL);
        }
      }
      case RECORDS -> records(query, s, name, type);
    };
  }

  private static Message cname(Message query, Name name, Name target) {
    Message m = ScriptedDnsServer.answer(query);
    m.addRecord(new CNAMERecord(name, DClass.IN, 60, target), Section.ANSWER);
    return m;
  }

  private static Message records(Message query, Scenario s, Name name, int type) {
    Message m = ScriptedDnsServer.answer(query);
    String n = name.toString(true).toLowerCase(java.util.Locale.ROOT);
    if ((type == Type.A || type == Type.AAAA) && n.contains("192")) {
      return m; // exists:%{i}... must not find the client: an answer there is an authorization
    }
    try {
      switch (type) {
        case Type.TXT -> {
          String text =
              n.startsWith("_dmarc.")
                  ? s.dmarc()
                  : n.contains("._domainkey.") ? s.dkimKey() : s.spf();
          for (String record : text.split("\u0001", -1)) {
            for (int i = 0; i < s.txtCopies(); i++) {
              m.addRecord(
                  new TXTRecord(name, DClass.IN, 60, split(record + (i == 0 ? "" : " " + i))),
                  Section.ANSWER);
            }
          }
        }
        case Type.A ->
            m.addRecord(
                new ARecord(name, DClass.IN, 60, InetAddress.getByName("203.0.113.9")),
                Section.ANSWER);
        case Type.AAAA ->
            m.addRecord(
                new AAAARecord(name, DClass.IN, 60, InetAddress.getByName("2001:db8::9")),
                Section.ANSWER);
        case Type.MX -> {
          for (int i = 0; i < s.mxCount(); i++) {
            m.addRecord(
                new MXRecord(
                    name, DClass.IN, 60, i, Name.fromString("mx" + i + ".hostile.example.")),
                Section.ANSWER);
          }
        }
        default -> {}
      }
    } catch (IOException | RuntimeException e) {
      return ScriptedDnsServer.answer(query, Rcode.SERVFAIL);
    }
    return m;
  }

  private static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < text.length(); i += 200) {
      out.add(text.substring(i, Math.min(text.length(), i + 200)));
    }
    if (out.isEmpty()) {
      out.add("");
    }
    return out;
  }
}
