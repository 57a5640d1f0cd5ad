package org.smtpcr.examples.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.smtpcr.core.address.AddressCanonicalizer;

final class PostfixAddressesTest {
  @Test
  void external_dotAtomAndNullSender_unchanged() {
    assertEquals("", PostfixAddresses.external(""));
    assertEquals("alice@example.org", PostfixAddresses.external("alice@example.org"));
    assertEquals("a.b+c@example.org", PostfixAddresses.external("a.b+c@example.org"));
    assertEquals("jörg@bücher.example", PostfixAddresses.external("jörg@bücher.example"));
  }

  @Test
  void external_spaceInLocalPart_quoted() {
    assertEquals("\"john doe\"@example.org", PostfixAddresses.external("john doe@example.org"));
  }

  @Test
  void external_specialsAndDots_quotedAndEscaped() {
    assertEquals("\"a..b\"@example.org", PostfixAddresses.external("a..b@example.org"));
    assertEquals("\".a\"@example.org", PostfixAddresses.external(".a@example.org"));
    assertEquals("\"a@b\"@example.org", PostfixAddresses.external("a@b@example.org"));
    assertEquals(
        "\"say \\\"hi\\\" \\\\o/\"@example.org",
        PostfixAddresses.external("say \"hi\" \\o/@example.org"));
    assertEquals("\"\"@example.org", PostfixAddresses.external("@example.org"));
  }

  @Test
  void external_quotedForms_parseToTheQuotedAddress() {
    AddressCanonicalizer c = AddressCanonicalizer.standard();
    assertEquals(
        c.canonicalize("\"john doe\"@example.org"),
        c.canonicalize(PostfixAddresses.external("john doe@example.org")));
    assertEquals(
        c.canonicalize("\"a@b\"@example.org"),
        c.canonicalize(PostfixAddresses.external("a@b@example.org")));
  }
}
