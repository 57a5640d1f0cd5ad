package org.smtpcr.examples.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.MutableClock;
import org.smtpcr.tokens.PassCodes;

/** Invariants of the page under hostile input: addresses carried by tokens, paths, form bodies. */
final class ChallengePagePropertiesTest {
  /** Every tag the page's templates write; anything else that looks like markup came from input. */
  private static final Pattern OWN_MARKUP =
      Pattern.compile(
          "<!DOCTYPE html>|</?(html|head|meta|title|link|script|body|main|h1|h2|p|strong|bdi|ol|li|noscript|form|input|progress"
              + "|button|code|a|header|footer)(\\s[^<>]*)?>");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final KeyRing keyRing = KeyRing.generate();
  private final ChallengeTokens tokens =
      ChallengeTokens.builder().keyRing(keyRing).clock(clock).build();
  private final PassCodes passCodes = PassCodes.of(keyRing);
  private final CountingStore store = new CountingStore();
  // difficulty 0: every nonce passes, so the success page is reachable without work; limits high
  // enough for every try to confirm
  private final ChallengePage page =
      ChallengePage.builder()
          .tokens(tokens)
          .passCodes(passCodes)
          .store(store)
          .clock(clock)
          .powDifficultyBits(0)
          .confirmationsPerRecipientPerDay(1_000_000)
          .confirmationsPerSenderDomainPerDay(1_000_000)
          .confirmationsPerNetworkPerHour(1_000_000)
          .build();

  @Property(tries = 300)
  void anyCanonicalHostileAddress_isShownEscapedOnChallengeAndSuccessPages(
      @ForAll("canonicalAddresses") String sender, @ForAll("canonicalAddresses") String recipient) {
    String token = tokens.mint(sender, recipient);
    PageResponse get = page.get("/c/" + token);
    assertEquals(200, get.status(), get.bodyText());
    assertNoForeignMarkup(get.bodyText());
    assertTrue(get.bodyText().contains("<bdi>" + Html.escape(sender) + "</bdi>"), get.bodyText());

    PageResponse post =
        page.post(
            "/c/" + token,
            ChallengePageTest.FORM,
            ChallengePageTest.solvedForm(page, token, 0),
            ChallengePageTest.CLIENT);
    assertEquals(200, post.status(), post.bodyText());
    assertNoForeignMarkup(post.bodyText());
    assertTrue(
        post.bodyText().contains("<bdi>" + Html.escape(recipient) + "</bdi>"), post.bodyText());
  }

  @Property(tries = 300)
  void anyTokenCarriedText_neverProducesUnescapedMarkup(
      @ForAll("addresses") String sender, @ForAll("addresses") String recipient) {
    String token = tokens.mint(sender, recipient);
    PageResponse get = page.get("/c/" + token);
    assertNoForeignMarkup(get.bodyText());
    byte[] form =
        get.status() == 200
            ? ChallengePageTest.solvedForm(page, token, 0)
            : ChallengePageTest.form(0, 0, "0".repeat(33), 0);
    PageResponse post =
        page.post("/c/" + token, ChallengePageTest.FORM, form, ChallengePageTest.CLIENT);
    assertNoForeignMarkup(post.bodyText());
    // a token whose addresses are not canonical is refused on both, so a GET never offers a check
    // that the POST would refuse
    assertEquals(get.status() == 200, post.status() == 200);
  }

  @Property(tries = 300)
  void anyPath_getsAnAnswerWithSecurityHeadersAndNoForeignMarkup(@ForAll("paths") String path) {
    PageResponse r = page.get(path);
    assertTrue(r.status() >= 200 && r.status() < 500, "status " + r.status());
    ChallengePageTest.assertSecurityHeaders(r);
    assertNoForeignMarkup(r.bodyText());
    assertEquals(0, store.adds().size());
  }

  @Property(tries = 300)
  void anyFormBody_neverThrowsNorWritesWithoutAPassingProof(@ForAll @Size(max = 300) byte[] body) {
    String token = tokens.mint("alice@example.org", "bob@example.com");
    ChallengePage hard =
        ChallengePage.builder()
            .tokens(tokens)
            .passCodes(passCodes)
            .store(store)
            .clock(clock)
            .powDifficultyBits(ChallengePage.MAX_POW_DIFFICULTY_BITS)
            .build();
    PageResponse r =
        hard.post("/c/" + token, ChallengePageTest.FORM, body, ChallengePageTest.CLIENT);
    assertTrue(r.status() == 400 || r.status() == 403, "status " + r.status());
    assertEquals(0, store.adds().size());
  }

  @Property(tries = 300)
  void formParser_anyText_isBoundedAndNeverThrows(@ForAll("formText") String text) {
    byte[] body = text.getBytes(UTF_8);
    FormBody.parse(body)
        .ifPresent(
            f -> {
              assertTrue(body.length <= FormBody.MAX_BYTES);
              assertTrue(text.split("&", -1).length <= FormBody.MAX_FIELDS);
            });
  }

  @Property(tries = 300)
  void htmlEscape_anyText_leavesNoMarkupCharacter(@ForAll String s) {
    String e = Html.escape(s);
    for (char c : new char[] {'<', '>', '"', '\''}) {
      assertFalse(e.indexOf(c) >= 0, "unescaped " + c + " in " + e);
    }
    assertFalse(Pattern.compile("&(?!(amp|lt|gt|quot|#39);)").matcher(e).find(), e);
  }

  @Provide
  Arbitrary<String> addresses() {
    Arbitrary<String> hostile =
        Arbitraries.strings()
            .withChars("<>&\"'/=` ;:()[]{}\\")
            .withCharRange('a', 'z')
            .withChars('\u202e', '\u00e9', '\u4e2d', '\u200b')
            .ofMinLength(1)
            .ofMaxLength(40);
    Arbitrary<String> any =
        Arbitraries.strings()
            .ofMinLength(1)
            .ofMaxLength(60)
            .filter(s -> s.chars().allMatch(c -> c >= 0x20 && c != 0x7f))
            .filter(
                s -> s.codePoints().noneMatch(cp -> Character.getType(cp) == Character.SURROGATE));
    Arbitrary<String> quoted =
        hostile.map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"@example.com");
    Arbitrary<String> plain = Combinators.combine(hostile, hostile).as((l, d) -> l + "@" + d);
    return Arbitraries.oneOf(quoted, plain, any).filter(s -> s.getBytes(UTF_8).length <= 120);
  }

  @Provide
  Arbitrary<String> canonicalAddresses() {
    Arbitrary<String> content =
        Arbitraries.strings()
            .withChars("<>&\"'/=` ;:()[]{}\\")
            .withCharRange('a', 'z')
            .withChars('\u00e9', '\u4e2d')
            .ofMinLength(1)
            .ofMaxLength(40);
    Arbitrary<String> quoted =
        content.map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"@example.com");
    Arbitrary<String> atext =
        Arbitraries.strings()
            .withChars("&'/=`{}|~!#$%*+?^_-")
            .withCharRange('a', 'z')
            .ofMinLength(1)
            .ofMaxLength(30)
            .map(s -> s + "@example.org");
    return Arbitraries.oneOf(quoted, atext).filter(ChallengePagePropertiesTest::isCanonical);
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> tail =
        Arbitraries.strings().withChars("<>&\"'%/.?#c").withCharRange('a', 'z').ofMaxLength(80);
    return Arbitraries.oneOf(
        tail.map(t -> "/" + t), tail.map(t -> "/c/" + t), tail.map(t -> "/static/" + t));
  }

  @Provide
  Arbitrary<String> formText() {
    return Arbitraries.strings()
        .withChars("&=%+")
        .withCharRange('0', '9')
        .withCharRange('a', 'f')
        .withChars('\u00e9', '\u0000')
        .ofMaxLength(FormBody.MAX_BYTES + 100);
  }

  private static boolean isCanonical(String address) {
    try {
      return CanonicalAddress.parseCanonical(address).value().equals(address);
    } catch (InvalidAddressException e) {
      return false;
    }
  }

  private static void assertNoForeignMarkup(String html) {
    String stripped = OWN_MARKUP.matcher(html).replaceAll("");
    assertFalse(stripped.contains("<"), () -> "unescaped '<' in: " + html);
    assertFalse(stripped.contains(">"), () -> "unescaped '>' in: " + html);
  }
}
