package org.smtpcr.core.internal;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * {@link IpLiterals#parse} refuses any text it cannot take with IllegalArgumentException and
 * nothing else.
 */
final class IpLiteralsPropertiesTest {
  @Property
  void parse_anyText_returnsOrThrowsIllegalArgumentOnly(@ForAll @Size(max = 60) String s) {
    try {
      IpLiterals.parse(s);
    } catch (IllegalArgumentException expected) {
      // refused, as documented
    }
  }
}
