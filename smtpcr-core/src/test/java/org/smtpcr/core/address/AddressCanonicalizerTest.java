package org.smtpcr.core.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

final class AddressCanonicalizerTest {

  private final AddressCanonicalizer standard = AddressCanonicalizer.standard();

  /** Input path, expected canonical value, expected sub-address (null for none). */
  static Stream<Arguments> realWorld() {
    return Stream.of(
        // plain, brackets, whitespace, case
        Arguments.of("alice@example.org", "alice@example.org", null),
        Arguments.of("<alice@example.org>", "alice@example.org", null),
        Arguments.of("  <alice@example.org>\t", "alice@example.org", null),
        Arguments.of("<JOHN.DOE@EXAMPLE.COM>", "john.doe@example.com", null),
        Arguments.of("Bob@Mail.Example.NET", "bob@mail.example.net", null),
        // Gmail-style and Postfix sub-addresses
        Arguments.of("<Bob+K3X9-ABCD@Example.COM>", "bob@example.com", "K3X9-ABCD"),
        Arguments.of("john.doe+Newsletter@gmail.com", "john.doe@gmail.com", "Newsletter"),
        Arguments.of("bob+a+b@example.com", "bob@example.com", "a+b"),
        Arguments.of("bob+@example.com", "bob@example.com", null),
        Arguments.of("+bob@example.com", "+bob@example.com", null),
        Arguments.of("+bob+x@example.com", "+bob@example.com", "x"),
        Arguments.of("bob-list@example.com", "bob-list@example.com", null),
        // trailing dot, source route
        Arguments.of("<alice@example.org.>", "alice@example.org", null),
        Arguments.of(
            "<@relay1.example,@relay2.example:alice@Example.org>", "alice@example.org", null),
        Arguments.of("<@[192.0.2.9]:alice@example.org>", "alice@example.org", null),
        // SRS0 as written by postsrsd/Postfix, Exim and libsrs2 with '+' and '-' separators
        Arguments.of(
            "SRS0=8kb5=2A=example.com=user@forwarder.example.net", "user@example.com", null),
        Arguments.of("<srs0=HHH=TT=Example.ORG=Alice@fwd.example>", "alice@example.org", null),
        Arguments.of("SRS0+xGcm=3K=example.com=bob@fwd.example", "bob@example.com", null),
        Arguments.of("SRS0-xGcm=3K=example.com=bob@fwd.example", "bob@example.com", null),
        Arguments.of("SRS0=8kb5=2A=example.com=bob+list@fwd.example", "bob@example.com", "list"),
        Arguments.of("SRS0=8kb5=2A=example.com=we=ird@fwd.example", "we=ird@example.com", null),
        // SRS1 (a forwarder forwarding an SRS0 address)
        Arguments.of(
            "SRS1=x7Kq=fwd1.example==8kb5=2A=example.com=user@fwd2.example",
            "user@example.com",
            null),
        Arguments.of(
            "SRS1+x7Kq=fwd1.example=+8kb5=2A=example.com=user@fwd2.example",
            "user@example.com",
            null),
        // SRS-looking but the embedded domain is not a domain: left alone
        Arguments.of(
            "SRS0=a=b=not_a-domain!=c@fwd.example", "srs0=a=b=not_a-domain!=c@fwd.example", null),
        // BATV: prvs (Exim, Postfix milters), msprvs1, Barracuda btv1, older draft form
        Arguments.of("prvs=0123abcdef=bounce@example.com", "bounce@example.com", null),
        Arguments.of("PRVS=1234567890=Bounce@Example.com", "bounce@example.com", null),
        Arguments.of(
            "msprvs1=19058HVf8jRrA=bounces-123@example.com", "bounces-123@example.com", null),
        Arguments.of("btv1==0d4fa7e34b1==user@example.com", "user@example.com", null),
        Arguments.of("prvs=user/1023abcdef@example.com", "user@example.com", null),
        Arguments.of("prvs=0123abcdef=bob+tag@example.com", "bob@example.com", "tag"),
        // SRS wrapping a BATV address
        Arguments.of(
            "SRS0=8kb5=2A=example.com=prvs=0123abcdef=user@fwd.example", "user@example.com", null),
        // IDN
        Arguments.of("user@bücher.example", "user@xn--bcher-kva.example", null),
        Arguments.of("user@BÜCHER.example.", "user@xn--bcher-kva.example", null),
        Arguments.of("user@bu\u0308cher.example", "user@xn--bcher-kva.example", null),
        Arguments.of("user@xn--bcher-kva.example", "user@xn--bcher-kva.example", null),
        Arguments.of("用户@例子.测试", "用户@xn--fsqu00a.xn--0zwm56d", null),
        Arguments.of("user@例子。测试", "user@xn--fsqu00a.xn--0zwm56d", null),
        // IDNA 2008 deviation characters: straße.de is not strasse.de
        Arguments.of("user@Straße.de", "user@xn--strae-oqa.de", null),
        Arguments.of("user@STRA\u1e9eE.de", "user@xn--strae-oqa.de", null),
        Arguments.of("user@xn--strae-oqa.de", "user@xn--strae-oqa.de", null),
        Arguments.of("user@strasse.de", "user@strasse.de", null),
        Arguments.of("user@ΟΔΟΣ.gr", "user@xn--pxavbq.gr", null),
        // local part Unicode: NFC, only ASCII lowercased
        Arguments.of("Jose\u0301@example.com", "jos\u00e9@example.com", null),
        Arguments.of("JOS\u00c9@example.com", "jos\u00c9@example.com", null),
        Arguments.of("\u212aelvin@example.com", "kelvin@example.com", null),
        // quoted local parts
        Arguments.of("\"john.doe\"@example.com", "john.doe@example.com", null),
        Arguments.of("\"John Doe\"@example.com", "\"john doe\"@example.com", null),
        Arguments.of("\"John Doe+x\"@example.com", "\"john doe\"@example.com", "x"),
        Arguments.of("\"a\\\"b\"@example.com", "\"a\\\"b\"@example.com", null),
        Arguments.of("\"a\\b\"@example.com", "ab@example.com", null),
        Arguments.of("\"a@b\"@example.com", "\"a@b\"@example.com", null),
        // dot anomalies that real MTAs accept (docomo.ne.jp)
        Arguments.of("John..Doe@docomo.ne.jp", "\"john..doe\"@docomo.ne.jp", null),
        Arguments.of("john.@docomo.ne.jp", "\"john.\"@docomo.ne.jp", null),
        // address literals
        Arguments.of("postmaster@[192.0.2.1]", "postmaster@[192.0.2.1]", null),
        Arguments.of("user@[192.000.002.001]", "user@[192.0.2.1]", null),
        Arguments.of("user@[IPv6:2001:DB8:0:0:0:0:0:1]", "user@[IPv6:2001:db8::1]", null),
        Arguments.of("user@[ipv6:::1]", "user@[IPv6:::1]", null),
        Arguments.of("user@[IPv6:::FFFF:192.0.2.1]", "user@[IPv6:::ffff:192.0.2.1]", null),
        // underscores occur in real host names
        Arguments.of("user@mail_1.example", "user@mail_1.example", null));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("realWorld")
  void parse_realWorldPath_canonicalAndSubaddress(String path, String canonical, String sub) {
    ParsedAddress parsed = standard.parse(path);

    assertEquals(canonical, parsed.canonical().value());
    assertEquals(Optional.ofNullable(sub), parsed.subaddress());
    assertEquals(path.strip(), parsed.original());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("realWorld")
  void canonicalize_realWorldCanonicalValue_isFixedPoint(
      String path, String canonical, String sub) {
    CanonicalAddress once = standard.canonicalize(path);

    assertEquals(once, standard.canonicalize(once.value()));
    assertEquals(once, standard.canonicalize("<" + once.value() + ">"));
    assertEquals(once, CanonicalAddress.parseCanonical(once.value()));
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("<>", "null path"),
        Arguments.of("", "null path"),
        Arguments.of("   ", "null path"),
        Arguments.of("bob", "no '@'"),
        Arguments.of("<postmaster>", "no '@'"),
        Arguments.of("bob@", "empty domain"),
        Arguments.of("@example.com", "source route"),
        Arguments.of("<bob@example.com", "does not end with '>'"),
        Arguments.of("bob@example.com>", "does not start with '<'"),
        Arguments.of("bob@@example.com", "more than one"),
        Arguments.of("bob@x@example.com", "more than one"),
        Arguments.of("bob@exa mple.com", "domain contains"),
        Arguments.of("bob@example..com", "empty label"),
        Arguments.of("bob@example.com..", "empty label"),
        Arguments.of("bob@.example.com", "empty label"),
        Arguments.of("bob@-example.com", "domain contains"),
        Arguments.of("bob@example-.com", "domain contains"),
        Arguments.of("bob@" + "a".repeat(64) + ".example", "label"),
        Arguments.of("john doe@example.com", "needs quoting"),
        Arguments.of("a(b)@example.com", "needs quoting"),
        Arguments.of("\"unterminated@example.com", "closing double quote"),
        Arguments.of("\"a\"b@example.com", "followed by '@'"),
        Arguments.of("\"\"@example.com", "empty local part"),
        Arguments.of("bob\r\n@example.com", "U+000D"),
        Arguments.of("bob@example.com\r\nRCPT TO:<x@y>", "U+000D"),
        Arguments.of("bob\u0000@example.com", "U+0000"),
        Arguments.of("bob\u007f@example.com", "U+007F"),
        Arguments.of("bob\u0085@example.com", "U+0085"),
        Arguments.of("bob\u2028@example.com", "U+2028"),
        Arguments.of("bob\ud800@example.com", "U+D800"),
        Arguments.of("bob@[300.1.1.1]", "exceeds 255"),
        Arguments.of("bob@[1.2.3]", "four parts"),
        Arguments.of("bob@[IPv6:zz::1]", "IPv6"),
        Arguments.of("bob@[IPv6:1.2.3.4]", "IPv6"),
        Arguments.of("bob@[IPv6:fe80::1%eth0]", "IPv6"),
        Arguments.of("bob@[X-Tag:stuff]", "unsupported tag"),
        Arguments.of("bob@[192.0.2.1", "square brackets"),
        Arguments.of("<@relay.example:>", "not followed by a mailbox"),
        Arguments.of("<@relay.example,bob@example.com>", "source route"),
        Arguments.of("x".repeat(1001) + "@example.com", "limit 1000"),
        Arguments.of("a".repeat(200) + "@" + "b".repeat(60) + ".example", "limit 254"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalid")
  void parse_invalidPath_throwsWithReason(String path, String reason) {
    InvalidAddressException e =
        assertThrows(InvalidAddressException.class, () -> standard.parse(path));

    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void parse_hostileInput_messageDoesNotEchoInput() {
    String marker = "INJECTED-MARKER";
    String path = "<" + marker + "\r\n" + marker + "@example.com>";

    InvalidAddressException e =
        assertThrows(InvalidAddressException.class, () -> standard.parse(path));

    assertFalse(e.getMessage().contains(marker), e.getMessage());
  }

  @Test
  void parse_overlongInput_messageIsShortAndHasNoInput() {
    String path = "Q".repeat(50_000);

    InvalidAddressException e =
        assertThrows(InvalidAddressException.class, () -> standard.parse(path));

    assertTrue(e.getMessage().length() < 100, e.getMessage());
    assertFalse(e.getMessage().contains("QQ"));
  }

  @Test
  void parse_exactlyMaxLengthLocalWithinByteLimit_accepted() {
    String local = "a".repeat(254 - 1 - "example.com".length());

    CanonicalAddress c = standard.canonicalize(local + "@example.com");

    assertEquals(254, c.value().length());
  }

  @Test
  void parse_nullJavaReference_throwsNullPointer() {
    assertThrows(NullPointerException.class, () -> standard.parse(null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"<>", "", " <> ", "\t", "  "})
  void isNullPath_nullPathForms_true(String path) {
    assertTrue(AddressCanonicalizer.isNullPath(path));
  }

  @ParameterizedTest
  @ValueSource(strings = {"<a@b>", "a@b", "<", "<<>>", "< >x"})
  void isNullPath_otherPaths_false(String path) {
    assertFalse(AddressCanonicalizer.isNullPath(path));
  }

  @Test
  void builder_customSeparators_cutAtFirstOfAny() {
    AddressCanonicalizer c = AddressCanonicalizer.builder().subaddressSeparators("+-").build();

    ParsedAddress parsed = c.parse("bob-smith+x@example.com");

    assertEquals("bob@example.com", parsed.canonical().value());
    assertEquals(Optional.of("smith+x"), parsed.subaddress());
  }

  @Test
  void builder_noSeparators_keepsPlus() {
    AddressCanonicalizer c = AddressCanonicalizer.builder().subaddressSeparators("").build();

    ParsedAddress parsed = c.parse("bob+x@example.com");

    assertEquals("bob+x@example.com", parsed.canonical().value());
    assertEquals(Optional.empty(), parsed.subaddress());
  }

  @Test
  void builder_srsOff_keepsSrsAddress() {
    AddressCanonicalizer c = AddressCanonicalizer.builder().unwrapSrs(false).build();

    assertEquals(
        "srs0=8kb5=2a=example.com=user@fwd.example",
        c.canonicalize("SRS0=8kb5=2A=example.com=user@fwd.example").value());
  }

  @Test
  void builder_batvOff_keepsTag() {
    AddressCanonicalizer c = AddressCanonicalizer.builder().stripBatv(false).build();

    assertEquals(
        "prvs=0123abcdef=bounce@example.com",
        c.canonicalize("prvs=0123abcdef=bounce@example.com").value());
  }

  @Test
  void builder_optionSetTwice_throwsIllegalState() {
    assertThrows(
        IllegalStateException.class,
        () -> AddressCanonicalizer.builder().subaddressSeparators("+").subaddressSeparators("-"));
    assertThrows(
        IllegalStateException.class,
        () -> AddressCanonicalizer.builder().unwrapSrs(true).unwrapSrs(false));
    assertThrows(
        IllegalStateException.class,
        () -> AddressCanonicalizer.builder().stripBatv(true).stripBatv(true));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "1", ".", "@", " ", "\"", "\u00e9", "\n"})
  void builder_badSeparator_throwsIllegalArgument(String sep) {
    assertThrows(
        IllegalArgumentException.class,
        () -> AddressCanonicalizer.builder().subaddressSeparators(sep));
  }

  @Test
  void toString_describesConfiguration() {
    assertEquals(
        "AddressCanonicalizer[separators=\"+\", srs=true, batv=true]", standard.toString());
  }
}
