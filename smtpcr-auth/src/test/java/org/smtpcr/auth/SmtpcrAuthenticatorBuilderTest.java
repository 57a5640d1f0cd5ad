package org.smtpcr.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

final class SmtpcrAuthenticatorBuilderTest {
  @Test
  void build_defaults_describedInToString() {
    SmtpcrAuthenticator a =
        SmtpcrAuthenticator.builder()
            .dnsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 5353))
            .build();
    assertEquals(
        "SmtpcrAuthenticator[dns=127.0.0.1:5353, queryTimeout=PT2S, deadline=PT8S, cache=true,"
            + " maxMessageBytes=67108864, maxSignatures=5]",
        a.toString());
  }

  @Test
  void options_setTwice_throw() {
    SmtpcrAuthenticator.Builder b =
        SmtpcrAuthenticator.builder().queryTimeout(Duration.ofSeconds(1));
    assertThrows(IllegalStateException.class, () -> b.queryTimeout(Duration.ofSeconds(1)));
    b.cache(false);
    assertThrows(IllegalStateException.class, () -> b.cache(true));
  }

  @Test
  void options_outOfRange_throw() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SmtpcrAuthenticator.builder().deadline(Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class, () -> SmtpcrAuthenticator.builder().maxSignatures(0));
    assertThrows(
        IllegalArgumentException.class, () -> SmtpcrAuthenticator.builder().maxSignatures(17));
    assertThrows(
        IllegalArgumentException.class, () -> SmtpcrAuthenticator.builder().maxMessageBytes(0));
    assertThrows(
        IllegalArgumentException.class,
        () -> SmtpcrAuthenticator.builder().dnsServer(InetSocketAddress.createUnresolved("x", 53)));
  }

  @Test
  void build_systemResolvers_work() {
    assertTrue(SmtpcrAuthenticator.builder().build().toString().contains("dns=system"));
  }
}
