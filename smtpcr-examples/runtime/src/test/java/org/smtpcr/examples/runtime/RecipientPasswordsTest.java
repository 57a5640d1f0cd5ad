package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.PassCodes;

final class RecipientPasswordsTest {
  private static final String SECRET = "xyzzy-plugh";
  private static final KeyRing RING = KeyRing.generate();

  @TempDir Path dir;

  @Test
  void parse_skipsCommentsAndBlankLines_andReadsPairs() {
    RecipientPasswords p =
        RecipientPasswords.parse(
            "# who\n\nbob@cr.example \t " + SECRET + "\r\n  sales@cr.example spring-2026\n", "f");
    assertEquals(2, p.size());
    assertFalse(p.toString().contains(SECRET), p::toString);
  }

  @Test
  void parse_badLine_namesFileAndLine_neverThePassword() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RecipientPasswords.parse(
                    "bob@cr.example " + SECRET + "\nalice@cr.example " + SECRET + " extra\n",
                    "/etc/smtpcr/recipient-passwords"));
    assertEquals(
        "/etc/smtpcr/recipient-passwords line 2 must be a recipient and a password, separated by"
            + " spaces",
        e.getMessage());
  }

  @Test
  void parse_lineTooLong_isRefused() {
    String line = "bob@cr.example " + "a".repeat(RecipientPasswords.MAX_LINE);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RecipientPasswords.parse(line, "f"));
    assertEquals("f line 1 is longer than 512 characters", e.getMessage());
  }

  @Test
  void read_fileTooLarge_orNotUtf8_orMissing_isAClearError() throws Exception {
    Path big = dir.resolve("big");
    Files.write(big, new byte[RecipientPasswords.MAX_BYTES + 1]);
    assertEquals(
        big + " is larger than 1048576 bytes",
        assertThrows(IllegalArgumentException.class, () -> RecipientPasswords.read(big))
            .getMessage());
    Path latin = dir.resolve("latin");
    Files.write(latin, new byte[] {'b', '@', 'c', ' ', (byte) 0xe9});
    assertEquals(
        latin + " is not UTF-8 text",
        assertThrows(IllegalArgumentException.class, () -> RecipientPasswords.read(latin))
            .getMessage());
    Path missing = dir.resolve("missing");
    assertEquals(
        missing + " does not exist",
        assertThrows(IllegalArgumentException.class, () -> RecipientPasswords.read(missing))
            .getMessage());
  }

  @Test
  void addTo_aShortPassword_namesTheRecipient_notThePassword() {
    RecipientPasswords p = RecipientPasswords.parse("bob@cr.example short\n", "f");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.addTo(StandardRules.builder(), AddressCanonicalizer.standard(), "f"));
    assertTrue(e.getMessage().startsWith("f: bob@cr.example: "), e.getMessage());
    assertFalse(e.getMessage().contains("short"), e.getMessage());
  }

  @Test
  void addTo_notAnAddress_namesTheRecipient() {
    RecipientPasswords p = RecipientPasswords.parse("bob " + SECRET + "\n", "f");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.addTo(StandardRules.builder(), AddressCanonicalizer.standard(), "f"));
    assertTrue(e.getMessage().startsWith("f: bob: "), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
  }

  @Test
  void theSetting_admitsAnySenderWithThePassword_andTheSubaddressSwitchTurnsItOff()
      throws Exception {
    Path file = dir.resolve("passwords");
    Files.writeString(file, "bob@cr.example " + SECRET + "\n", StandardCharsets.UTF_8);
    Settings on =
        Settings.builder()
            .text(Settings.CHALLENGE_BASE, "https://cr.example/")
            .text(Settings.SPF, "off")
            .text(Settings.DKIM, "off")
            .set(Settings.RECIPIENT_PASSWORDS_FILE, file)
            .build();
    assertInstanceOf(Decision.Accept.class, decide(on, "<bob+" + SECRET + "@cr.example>"));
    assertInstanceOf(Decision.Challenge.class, decide(on, "<bob+wrong-words@cr.example>"));
  }

  @Test
  void subaddressPassCodesOff_aValidPassCodeIsChallenged() throws Exception {
    Settings on =
        Settings.builder()
            .text(Settings.CHALLENGE_BASE, "https://cr.example/")
            .text(Settings.SPF, "off")
            .text(Settings.DKIM, "off")
            .build();
    String code = PassCodes.of(RING).compute("alice@sender.example", "bob@cr.example");
    assertInstanceOf(Decision.Accept.class, decide(on, "<bob+" + code + "@cr.example>"));
    Settings off = on.toBuilder().set(Settings.SUBADDRESS_PASS_CODES, false).build();
    assertInstanceOf(Decision.Challenge.class, decide(off, "<bob+" + code + "@cr.example>"));
  }

  @Test
  void theSetting_aBrokenFile_isRefusedWithTheSettingsName() throws Exception {
    Path file = dir.resolve("passwords");
    Files.writeString(file, "bob@cr.example\n", StandardCharsets.UTF_8);
    Settings s =
        Settings.builder()
            .text(Settings.CHALLENGE_BASE, "https://cr.example/")
            .set(Settings.RECIPIENT_PASSWORDS_FILE, file)
            .build();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                StandardEngine.builder(
                    s, KeyRing.generate(), InMemoryWhitelistStore.builder().build()));
    assertEquals(
        "recipientPasswordsFile: "
            + file
            + " line 1 must be a recipient and a password, separated by spaces",
        e.getMessage());
  }

  /** Whatever the file holds, reading it ends in pairs or a message without the content. */
  @Property(tries = 300)
  void parse_hostileText_neverEchoesAPassword(
      @ForAll @StringLength(max = 600) String junk,
      @ForAll @StringLength(min = 8, max = 20) String pw) {
    String secret = "S3cr3t" + Integer.toHexString(pw.hashCode()) + "q";
    String text = junk + "\nbob@cr.example " + secret + " " + junk + "\n" + junk;
    try {
      RecipientPasswords p = RecipientPasswords.parse(text, "f");
      assertFalse(p.toString().contains(secret));
      p.addTo(StandardRules.builder(), AddressCanonicalizer.standard(), "f");
    } catch (IllegalArgumentException e) {
      assertFalse(e.getMessage().contains(secret), e.getMessage());
      assertTrue(e.getMessage().startsWith("f"), e.getMessage());
    }
  }

  private static Decision decide(Settings s, String rcpt) throws Exception {
    DecisionEngine engine = StandardEngine.build(s, RING, InMemoryWhitelistStore.builder().build());
    return engine
        .decide(
            Transaction.builder()
                .stage(Stage.RCPT)
                .clientAddress(InetAddress.getByName("198.51.100.7"))
                .reversePath("<alice@sender.example>")
                .forwardPath(rcpt)
                .build())
        .decision();
  }
}
