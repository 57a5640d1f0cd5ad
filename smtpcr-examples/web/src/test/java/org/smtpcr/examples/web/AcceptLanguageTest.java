package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class AcceptLanguageTest {
  private static final Set<String> AVAILABLE = Set.of("en", "de", "fr", "pt", "pt-br", "ar");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "de|de",
        "DE-ch|de",
        "de-CH-1996|de",
        "de-x-private|de",
        "fr;q=0.5, de;q=0.8|de",
        "fr;q=0.8, de;q=0.8|fr",
        "pt-BR|pt-br",
        "pt-PT, en;q=0.1|pt",
        "sv, nl;q=0.9, fr;q=0.2|fr",
        "ar-EG,ar;q=0.9,en-US;q=0.8,en;q=0.7|ar",
        "fr;q=0, de;q=0.1|de",
        "de;q=1.000|de",
        "de;Q=1|de",
        "fr;q=1.5, de;q=0.5|de",
        "fr;q=0.1234, de;q=0.5|de",
        "de-, fr|fr",
        "1de, fr|fr",
        "de-abcdefghi, fr|fr",
        "  fr  ;  q=0.3  ,de;q=0.2|fr",
      })
  void choose_picksByWeightAndShortensTheTag(String header, String expected) {
    assertEquals(Optional.of(expected), AcceptLanguage.choose(header, AVAILABLE), header);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"''", "*", "sv", "sv, *;q=0.5, de;q=0.1", "de;q=0, fr;q=0", "de;q=abc", ",,,"})
  void choose_nothingAvailableOrStar_isEmpty(String header) {
    assertEquals(Optional.empty(), AcceptLanguage.choose(header, AVAILABLE), header);
  }

  @Test
  void parse_headerOverTheLengthBound_isAbsent() {
    String header = "de," + "x".repeat(AcceptLanguage.MAX_LENGTH);
    assertEquals(List.of(), AcceptLanguage.parse(header));
    assertEquals(Optional.empty(), AcceptLanguage.choose(header, AVAILABLE));
  }

  @Test
  void parse_tooManyRanges_isAbsent() {
    String ok = "de" + ", sv".repeat(AcceptLanguage.MAX_RANGES - 1);
    assertEquals(Optional.of("de"), AcceptLanguage.choose(ok, AVAILABLE));
    String over = ok + ", sv";
    assertEquals(Optional.empty(), AcceptLanguage.choose(over, AVAILABLE));
  }

  @Test
  void parse_sortsByWeight_keepingTheHeadersOrderForEqualWeights() {
    assertEquals(
        List.of(
            new AcceptLanguage.Range("a", 1000),
            new AcceptLanguage.Range("c", 1000),
            new AcceptLanguage.Range("b", 500),
            new AcceptLanguage.Range("*", 1)),
        AcceptLanguage.parse("b;q=0.5, a, *;q=0.001, c"));
  }

  @Property(tries = 2000)
  void anyHeader_neverThrows_andChoosesAnAvailableLanguageOrNothing(
      @ForAll("hostile") String header) {
    Optional<String> chosen = AcceptLanguage.choose(header, AVAILABLE);
    assertTrue(chosen.isEmpty() || AVAILABLE.contains(chosen.get()), chosen::toString);
    List<AcceptLanguage.Range> ranges = AcceptLanguage.parse(header);
    assertTrue(ranges.size() <= AcceptLanguage.MAX_RANGES);
    for (AcceptLanguage.Range r : ranges) {
      assertTrue(r.weight() >= 0 && r.weight() <= 1000, r::toString);
      assertTrue(r.range().length() <= 128, r::toString);
    }
  }

  @Property(tries = 300)
  void anyHeader_atAnyLength_selectsALanguageOfTheCatalogue(@ForAll("hostile") String header) {
    PageTexts texts = PageTexts.builtIn();
    PageText t = texts.select(header);
    assertTrue(texts.languages().contains(t.languageTag().toLowerCase(java.util.Locale.ROOT)));
  }

  @Provide
  Arbitrary<String> hostile() {
    Arbitrary<String> element =
        Arbitraries.oneOf(
            Arbitraries.of("de", "DE-at", "pt-BR", "ar", "*", "en-US", "x-klingon", "zh-Hant-TW"),
            Arbitraries.strings().withChars("abcdeDE-;q=.,01 *\t\u00e9\u0000").ofMaxLength(20));
    Arbitrary<String> weight =
        Arbitraries.oneOf(
            Arbitraries.just(""),
            Arbitraries.of(";q=0", ";q=1", ";q=0.5", ";q=1.001", ";q=-1", ";q=", ";q=0.0001"));
    Arbitrary<String> list =
        element
            .flatMap(e -> weight.map(w -> e + w))
            .list()
            .ofMaxSize(60)
            .map(l -> String.join(",", l));
    return Arbitraries.oneOf(
        list,
        Arbitraries.strings().ofMaxLength(200),
        Arbitraries.strings().withChars("de,;q=0.5 ").ofMinLength(4000).ofMaxLength(5000));
  }
}
