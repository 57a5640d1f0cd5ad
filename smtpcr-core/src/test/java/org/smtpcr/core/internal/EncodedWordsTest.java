package org.smtpcr.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

final class EncodedWordsTest {
  @Test
  void decode_plainText_isUnchanged() {
    assertEquals("Hello world", EncodedWords.decode("Hello world"));
  }

  @Test
  void decode_bAndQWords_areDecodedWithTheirCharset() {
    assertEquals("Grüße", EncodedWords.decode("=?UTF-8?B?R3LDvMOfZQ==?="));
    assertEquals("Grüße aus Köln", EncodedWords.decode("=?iso-8859-1?q?Gr=FC=DFe_aus_K=F6ln?="));
    assertEquals("Re: Grüße", EncodedWords.decode("Re: =?utf-8*de?B?R3LDvMOfZQ==?="));
  }

  @Test
  void decode_whitespaceBetweenAdjacentWords_isDropped_otherwiseKept() {
    assertEquals("ab", EncodedWords.decode("=?utf-8?q?a?= =?utf-8?q?b?="));
    assertEquals("a x b", EncodedWords.decode("=?utf-8?q?a?= x =?utf-8?q?b?="));
  }

  @Test
  void decode_foldedValue_isUnfolded() {
    assertEquals("Hello  world", EncodedWords.decode("Hello\r\n  world"));
    assertEquals("ab", EncodedWords.decode("=?utf-8?q?a?=\r\n =?utf-8?q?b?="));
  }

  @Test
  void decode_unknownCharsetOrBadEncoding_keepsTheWord() {
    assertEquals("=?x-nope?B?QUJD?=", EncodedWords.decode("=?x-nope?B?QUJD?="));
    assertEquals("=?utf-8?B?!!!?=", EncodedWords.decode("=?utf-8?B?!!!?="));
    assertEquals("=?utf-8?Q?a=Z1?=", EncodedWords.decode("=?utf-8?Q?a=Z1?="));
    assertEquals("=?utf-8?Q?a=٣٣?=", EncodedWords.decode("=?utf-8?Q?a=٣٣?="));
  }

  @Test
  void decode_longInput_onlyTheBoundIsRead() {
    String s = EncodedWords.decode("x".repeat(100_000));
    assertEquals(EncodedWords.MAX_INPUT_LENGTH, s.length());
  }
}
