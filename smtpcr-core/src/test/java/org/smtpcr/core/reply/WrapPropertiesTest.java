package org.smtpcr.core.reply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link ReplyFormatter#wrap} against a plain reference written from its contract: greedy filling
 * with a {@code StringBuilder}, and the narrowest width found by trying every width in turn. The
 * production code searches the width by bisection and cuts lines straight out of the text; this
 * checks both shortcuts give the same lines.
 */
final class WrapPropertiesTest {

  @Property(tries = 3000)
  void wrap_anyText_sameLinesAsReference(
      @ForAll("texts") String text,
      @ForAll @IntRange(min = 1, max = 100) int width,
      @ForAll @IntRange(min = 1, max = 120) int hardMax) {
    assertEquals(reference(text, width, hardMax), ReplyFormatter.wrap(text, width, hardMax));
  }

  @Property(tries = 1000)
  void wrap_replyLikeText_sameLinesAsReference(
      @ForAll("sentences") String text, @ForAll @IntRange(min = 30, max = 500) int width) {
    assertEquals(reference(text, width, 500), ReplyFormatter.wrap(text, width, 500));
  }

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> words = Arbitraries.strings().withChars("ab").ofMinLength(1).ofMaxLength(30);
    Arbitrary<String> longWords =
        Arbitraries.strings().withChars("xy").ofMinLength(80).ofMaxLength(300);
    Arbitrary<String> spaces = Arbitraries.strings().withChars(' ').ofMinLength(1).ofMaxLength(3);
    Arbitrary<String> piece =
        Arbitraries.frequencyOf(Tuple.of(10, words), Tuple.of(1, longWords), Tuple.of(3, spaces));
    return piece.list().ofMaxSize(40).map(ps -> String.join(" ", ps));
  }

  @Provide
  Arbitrary<String> sentences() {
    Arbitrary<String> word = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12);
    Arbitrary<String> address =
        Arbitraries.strings()
            .alpha()
            .numeric()
            .withChars(".-")
            .ofMinLength(1)
            .ofMaxLength(60)
            .map(s -> "<" + s + "@example.com>");
    return Arbitraries.frequencyOf(Tuple.of(8, word), Tuple.of(1, address))
        .list()
        .ofMaxSize(60)
        .map(ws -> String.join(" ", ws));
  }

  // ---------------------------------------------------------------------------------------------
  // the reference

  private static List<String> reference(String text, int width, int hardMax) {
    List<String> words = Arrays.stream(text.split(" ")).filter(w -> !w.isEmpty()).toList();
    int greedy = greedy(words, width, hardMax).size();
    if (greedy < 2) {
      return greedy(words, width, hardMax);
    }
    for (int w = 1; ; w++) {
      List<String> lines = greedy(words, w, hardMax);
      if (lines.size() <= greedy) {
        return lines;
      }
    }
  }

  private static List<String> greedy(List<String> words, int width, int hardMax) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : words) {
      String w = word;
      while (w.length() > hardMax) {
        if (line.length() > 0) {
          lines.add(line.toString());
          line.setLength(0);
        }
        lines.add(w.substring(0, hardMax));
        w = w.substring(hardMax);
      }
      if (line.length() > 0 && line.length() + 1 + w.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(w);
    }
    if (line.length() > 0 || lines.isEmpty()) {
      lines.add(line.toString());
    }
    return lines;
  }
}
