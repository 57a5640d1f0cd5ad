package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.engine.DecisionContext;
import org.smtpcr.core.engine.DecisionEvent;
import org.smtpcr.core.reply.SmtpReply;
import org.smtpcr.tokens.KeyRing;

final class DecisionLogTest {
  private static final KeyRing RING = KeyRing.generate();
  private static final Pattern FIELD =
      Pattern.compile("([a-z_]+)=(\"(?:[^\"\\\\]|\\\\.)*\"|[^ \"]+)(?: |$)");

  private static DecisionContext context(String helo, String sender, String recipient) {
    return new DecisionContext(
        InetAddresses.forString("192.0.2.1"),
        Optional.of("mail.example.org"),
        Optional.of(helo),
        Optional.of(sender),
        Optional.of(recipient),
        Optional.of("4Xy7Zq1AbC"));
  }

  private static DecisionEvent challenge(DecisionContext c) {
    SmtpReply reply = SmtpReply.of(550, "5.7.1", "Please confirm");
    return new DecisionEvent(
        "s1",
        Stage.RCPT,
        "default",
        new Decision.Challenge(reply, URI.create("https://cr.example/c/x")),
        412_345,
        false,
        c);
  }

  private static String line(LogAddresses mode, DecisionEvent e) {
    return DecisionLog.of(LogLine.of(mode, RING)).format(e);
  }

  /** The line as key=value pairs, checking that it parses to the end. */
  private static List<String[]> parse(String line) {
    Matcher m = FIELD.matcher(line);
    List<String[]> fields = new java.util.ArrayList<>();
    int end = 0;
    while (m.lookingAt()) {
      fields.add(new String[] {m.group(1), m.group(2)});
      end = m.end();
      m.region(end, line.length());
    }
    assertEquals(line.length(), end, "the whole line is key=value fields: " + line);
    return fields;
  }

  @Test
  void format_observing_challengeIsAnAcceptThatWouldHaveChallenged() {
    DecisionLog observing =
        DecisionLog.of(LogLine.of(LogAddresses.NONE, RING), EnforcementMode.OBSERVE);
    DecisionContext c = context("mail.example.org", "<alice@example.org>", "<bob@example.com>");
    assertTrue(
        observing
            .format(challenge(c))
            .startsWith(
                "action=accept would=challenge mode=observe rule=default reason=550/5.7.1 "),
        observing.format(challenge(c)));
    DecisionEvent accepted =
        new DecisionEvent("s1", Stage.RCPT, "whitelist-store", Decision.accept(), 1, false, c);
    assertTrue(
        observing
            .format(accepted)
            .startsWith("action=accept mode=observe rule=whitelist-store reason=pass "),
        observing.format(accepted));
    assertTrue(
        DecisionLog.of(LogLine.of(LogAddresses.NONE, RING), EnforcementMode.ENFORCE)
            .format(challenge(c))
            .startsWith("action=challenge rule=default "));
  }

  @Test
  void from_settings_takesTheRoutesMode() {
    Settings observe = Settings.builder().set(Settings.MODE, EnforcementMode.OBSERVE).build();
    assertTrue(DecisionLog.from(observe, RING).toString().contains("mode=observe"));
    assertTrue(
        DecisionLog.from(Settings.builder().build(), RING).toString().contains("mode=enforce"));
  }

  @Test
  void format_challenge_hasEveryFieldInOrder() {
    assertEquals(
        "action=challenge rule=default reason=550/5.7.1 stage=rcpt client_address=192.0.2.1"
            + " client_name=mail.example.org helo=mail.example.org sender=alice@example.org"
            + " recipient=bob@example.com queue_id=4Xy7Zq1AbC session=s1 delay_ms=0.4",
        line(
            LogAddresses.FULL,
            challenge(context("mail.example.org", "<alice@example.org>", "<bob@example.com>"))));
  }

  @Test
  void format_acceptOfTheNullSenderWithoutQueueId_saysPassAndLeavesOutWhatIsUnknown() {
    DecisionEvent e =
        new DecisionEvent(
            "s1",
            Stage.RCPT,
            "null-sender",
            Decision.accept(),
            0,
            false,
            new DecisionContext(
                InetAddresses.forString("2001:db8::1"),
                Optional.empty(),
                Optional.empty(),
                Optional.of("<>"),
                Optional.of("<bob@example.com>"),
                Optional.empty()));
    assertEquals(
        "action=accept rule=null-sender reason=pass stage=rcpt client_address=2001:db8::1"
            + " sender=<> recipient=bob@example.com session=s1 delay_ms=0.0",
        line(LogAddresses.FULL, e));
  }

  @Test
  void format_failure_saysFailure() {
    DecisionEvent e =
        new DecisionEvent(
            "s1",
            Stage.RCPT,
            "whitelist-store",
            new Decision.Defer(SmtpReply.of(451, "4.3.0", "Try later")),
            2_000_000,
            true,
            context("h", "<a@b.example>", "<c@d.example>"));
    assertTrue(
        line(LogAddresses.FULL, e).startsWith("action=defer rule=whitelist-store reason=failure "));
  }

  @Test
  void format_hostileValues_stayOneLineOfFields() {
    String helo = "evil\r\nINFO fake action=accept \"x\" \\ " + "y".repeat(5000);
    String line =
        line(
            LogAddresses.FULL,
            challenge(context(helo, "<a b\n@example.org>", "<bob@example.com>")));
    assertFalse(line.contains("\n") || line.contains("\r"), line);
    assertTrue(line.length() < 1500, "bounded: " + line.length());
    List<String[]> fields = parse(line);
    assertEquals(
        List.of(
            "action",
            "rule",
            "reason",
            "stage",
            "client_address",
            "client_name",
            "helo",
            "sender",
            "recipient",
            "queue_id",
            "session",
            "delay_ms"),
        fields.stream().map(f -> f[0]).toList());
    assertTrue(fields.get(6)[1].startsWith("\"evil??INFO fake action=accept \\\"x\\\" \\\\ yyy"));
    assertEquals("\"a b?@example.org\"", fields.get(7)[1]);
  }

  @Property
  void format_anyHelo_isOnePrintableLineThatParses(@ForAll String helo) {
    String line = line(LogAddresses.FULL, challenge(context(helo, "<a@b.example>", "<c@d.ex>")));
    assertTrue(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f), line);
    assertEquals(12, parse(line).size(), line);
  }

  @Test
  void hash_isStableKeyedAndShowsNoAddress() {
    DecisionEvent e =
        challenge(context("mail.example.org", "<Alice@Example.org>", "<bob@example.com>"));
    String a = line(LogAddresses.HASH, e);
    String b = DecisionLog.of(LogLine.of(LogAddresses.HASH, RING)).format(e);
    assertEquals(a, b, "the same site hashes alike");
    assertFalse(a.contains("@") || a.contains("192.0.2.1") || a.toLowerCase().contains("alice"), a);
    Matcher m = Pattern.compile("sender=(h[0-9a-f]:[0-9a-f]{16}) ").matcher(a);
    assertTrue(m.find(), a);
    String lower =
        line(
            LogAddresses.HASH,
            challenge(context("mail.example.org", "alice@example.org", "<bob@example.com>")));
    assertTrue(lower.contains("sender=" + m.group(1) + " "), "case and brackets do not count");
    String otherSite = DecisionLog.of(LogLine.of(LogAddresses.HASH, KeyRing.generate())).format(e);
    assertNotEquals(a, otherSite, "keyed: another key ring gives other values");
    assertTrue(a.contains("client_name=mail.example.org"), a);
  }

  @Test
  void none_leavesTheAddressesOut() {
    String line =
        line(
            LogAddresses.NONE,
            challenge(context("mail.example.org", "<alice@example.org>", "<bob@example.com>")));
    assertEquals(
        "action=challenge rule=default reason=550/5.7.1 stage=rcpt client_name=mail.example.org"
            + " helo=mail.example.org queue_id=4Xy7Zq1AbC session=s1 delay_ms=0.4",
        line);
  }

  @Test
  void setting_parsesItsThreeValuesAndRefusesOthers() {
    assertEquals(LogAddresses.FULL, Settings.defaults().get(Settings.LOG_ADDRESSES));
    assertEquals(
        LogAddresses.HASH,
        Settings.builder()
            .text(Settings.LOG_ADDRESSES, "Hash")
            .build()
            .get(Settings.LOG_ADDRESSES));
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> Settings.builder().text(Settings.LOG_ADDRESSES, "partial"));
    assertTrue(e.getMessage().contains("full, hash or none"), e.getMessage());
    assertEquals(Optional.of(Settings.LOG_ADDRESSES), Settings.named("--log-addresses"));
  }

  /** Each call to write, as the bytes it was given. */
  private static final class Writes extends java.io.OutputStream {
    final List<String> writes = new java.util.ArrayList<>();

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      writes.add(new String(b, off, len, StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void writingTo_aTimeStampingStream_writesTimeHeadAndLineInOneWrite() {
    Writes target = new Writes();
    Clock clock = Clock.fixed(Instant.parse("2026-12-06T12:34:56.789Z"), ZoneOffset.UTC);
    DecisionLog log =
        DecisionLog.of(LogLine.of(LogAddresses.FULL, RING))
            .writingTo(LogPrintStream.timeStamped(target, StandardCharsets.UTF_8, clock));
    DecisionEvent e = challenge(context("mail.example.org", "<a@b.example>", "<c@d.example>"));
    log.onDecision(e);
    assertEquals(List.of("12:34:56 [INFO] DecisionLog - " + log.format(e) + "\n"), target.writes);
    assertTrue(log.format(e).startsWith("action=challenge rule=default "), log.format(e));
    assertTrue(log.toString().contains("direct"), log.toString());
  }

  @Test
  void writingTo_theJournal_writesPriority6_andLeavesTheStreamsOwnLevelsAlone() {
    Writes target = new Writes();
    LogPrintStream journal = LogPrintStream.journal(target, StandardCharsets.UTF_8);
    DecisionLog log = DecisionLog.of(LogLine.of(LogAddresses.NONE, RING)).writingTo(journal);
    journal.println("[WARN] Foo - it failed");
    DecisionEvent e = challenge(context("h", "<a@b.example>", "<c@d.example>"));
    log.onDecision(e);
    // a stack trace's line: the level of the line before it that went through the stream
    journal.println("\tat Foo.bar(Foo.java:1)");
    assertEquals(
        List.of(
            "<4>[WARN] Foo - it failed\n",
            "<6>[INFO] DecisionLog - " + log.format(e) + "\n",
            "<4>\tat Foo.bar(Foo.java:1)\n"),
        target.writes);
  }

  @Test
  void writingTo_aLongLineThenAShortOne_eachIsWholeAndNothingOfTheOtherIsLeft() {
    Writes target = new Writes();
    DecisionLog log =
        DecisionLog.of(LogLine.of(LogAddresses.FULL, RING))
            .writingTo(LogPrintStream.plain(target, StandardCharsets.UTF_8));
    DecisionEvent longOne =
        challenge(context("x".repeat(190), "<" + "a".repeat(150) + "@b.example>", "<c@d.ex>"));
    DecisionEvent shortOne = challenge(context("h", "<>", "<c@d.ex>"));
    log.onDecision(longOne);
    log.onDecision(shortOne);
    assertEquals(
        List.of(
            "[INFO] DecisionLog - " + log.format(longOne) + "\n",
            "[INFO] DecisionLog - " + log.format(shortOne) + "\n"),
        target.writes);
    assertTrue(log.format(shortOne).contains(" sender=<> "), log.format(shortOne));
  }

  @Property
  void writingTo_anyHelo_writesTheFormattedLine(@ForAll String helo) {
    Writes target = new Writes();
    DecisionLog log =
        DecisionLog.of(LogLine.of(LogAddresses.FULL, RING))
            .writingTo(LogPrintStream.plain(target, StandardCharsets.UTF_8));
    DecisionEvent e = challenge(context(helo, "<a@b.example>", "<c@d.ex>"));
    log.onDecision(e);
    assertEquals(List.of("[INFO] DecisionLog - " + log.format(e) + "\n"), target.writes);
    assertEquals(12, parse(log.format(e)).size());
  }
}
