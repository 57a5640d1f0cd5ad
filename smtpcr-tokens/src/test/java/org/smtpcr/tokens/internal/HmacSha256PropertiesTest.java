package org.smtpcr.tokens.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.smtpcr.tokens.ReferenceTokenV1;

/** {@link HmacSha256} against the JDK's Mac used directly, on random keys and data. */
final class HmacSha256PropertiesTest {
  /** The offset/length and the parts forms agree with each other and with the JDK used directly. */
  @Property
  void mac_anySplitOfTheData_givesTheSameMac(
      @ForAll @Size(min = 1, max = 200) byte[] key,
      @ForAll @Size(max = 300) byte[] data,
      @ForAll @IntRange(max = 300) int cut,
      @ForAll @IntRange(max = 300) int off) {
    HmacSha256 mac = new HmacSha256(key);
    int c = Math.min(cut, data.length);
    int o = Math.min(off, data.length);
    byte[] expected = ReferenceTokenV1.hmac(key, data);
    assertArrayEquals(expected, mac.mac(data));
    assertArrayEquals(
        expected, mac.mac(Arrays.copyOf(data, c), Arrays.copyOfRange(data, c, data.length)));
    assertArrayEquals(
        ReferenceTokenV1.hmac(key, Arrays.copyOfRange(data, o, data.length)),
        mac.mac(data, o, data.length - o));
    assertArrayEquals(expected, mac.mac(data), "reusable after each call");
  }
}
