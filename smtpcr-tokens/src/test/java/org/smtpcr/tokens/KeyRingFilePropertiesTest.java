package org.smtpcr.tokens;

import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Whatever text a key file holds, parsing gives a ring or a {@link KeyFileException}, nothing else.
 */
final class KeyRingFilePropertiesTest {
  private static final String HEX = HexFormat.of().formatHex(TokenVectorGenerator.key("k0"));

  @Property
  void parse_anyText_throwsOnlyKeyFileException(@ForAll("keyFileText") String text) {
    try {
      KeyRingFile.parse(text);
    } catch (KeyFileException expected) {
      // the one exception parsing may throw
    }
  }

  @Provide
  Arbitrary<String> keyFileText() {
    Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(2_000);
    Arbitrary<String> kid =
        Arbitraries.oneOf(
            Arbitraries.integers().between(-2, 20).map(String::valueOf),
            Arbitraries.of("", "00", "015", "1e1", "\u0661", "+1", "99999999999"));
    Arbitrary<String> secret =
        Arbitraries.oneOf(
            Arbitraries.just(HEX),
            Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofMaxLength(2_100),
            Arbitraries.strings().all().ofMaxLength(80),
            Arbitraries.of(HEX.substring(1), HEX + "0", "0x" + HEX, HEX.replace('a', '\u0430')));
    Arbitrary<String> line =
        Arbitraries.oneOf(
            Arbitraries.of(
                "smtpcr-keyring 1",
                "smtpcr-keyring 2",
                "smtpcr-keyring",
                "# comment",
                "",
                "   ",
                "\t",
                "\u00a0",
                "\u2028",
                "\r"),
            kid.map(k -> "active " + k),
            kid.flatMap(k -> secret.map(s -> "key " + k + " " + s)),
            Arbitraries.strings().all().ofMaxLength(40));
    Arbitrary<String> lines =
        line.list()
            .ofMaxSize(12)
            .flatMap(ls -> Arbitraries.of("\n", "\r\n", "\r").map(sep -> String.join(sep, ls)));
    Arbitrary<String> headed = lines.map(l -> "smtpcr-keyring 1\n" + l);
    Arbitrary<String> huge =
        Arbitraries.integers()
            .between(KeyRingFile.MAX_SIZE - 2, KeyRingFile.MAX_SIZE + 2)
            .map(
                n ->
                    ("smtpcr-keyring 1\nactive 0\nkey 0 " + HEX + "\n#" + "x".repeat(n))
                        .substring(0, n));
    return Arbitraries.frequencyOf(
        Tuple.of(2, any), Tuple.of(3, lines), Tuple.of(4, headed), Tuple.of(1, huge));
  }

  @Property(tries = 200)
  void parse_validFileWithOneLineReplaced_throwsOnlyKeyFileException(
      @ForAll("mutatedFiles") String text) {
    parse_anyText_throwsOnlyKeyFileException(text);
  }

  @Provide
  Arbitrary<String> mutatedFiles() {
    List<String> valid = List.of("smtpcr-keyring 1", "active 0", "key 0 " + HEX, "key 1 " + HEX);
    return Arbitraries.integers()
        .between(0, valid.size() - 1)
        .flatMap(
            i ->
                Arbitraries.strings()
                    .all()
                    .ofMaxLength(100)
                    .map(
                        junk -> {
                          String[] copy = valid.toArray(new String[0]);
                          copy[i] = junk;
                          return String.join("\n", copy);
                        }));
  }
}
