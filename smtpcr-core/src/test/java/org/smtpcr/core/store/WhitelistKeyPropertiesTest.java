package org.smtpcr.core.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * A {@link WhitelistKey} from any two strings is refused with IllegalArgumentException, or bounded
 * and clean.
 */
final class WhitelistKeyPropertiesTest {
  @Property
  void constructor_anyStrings_acceptsOrThrowsIllegalArgumentOnly(
      @ForAll String sender, @ForAll String recipient) {
    try {
      WhitelistKey k = new WhitelistKey(sender, recipient);
      assertTrue(k.sender().length() <= WhitelistKey.MAX_LENGTH);
      assertTrue(k.sender().chars().noneMatch(Character::isISOControl));
    } catch (IllegalArgumentException expected) {
      // refused, as documented
    }
  }
}
