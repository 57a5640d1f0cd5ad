package org.smtpcr.examples.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.DkimSignature;
import org.smtpcr.core.auth.SenderAuthenticator;
import org.smtpcr.core.auth.SpfResult;

/** SPF, DKIM and DMARC results are counted and passed on unchanged; failures are counted. */
final class MicrometerAuthenticatorTest {
  private final MeterRegistry registry = new SimpleMeterRegistry();

  private double count(String name, String tag, String value) {
    return registry.get(name).tag(tag, value).counter().count();
  }

  @Test
  void results_countedAndReturnedUnchanged() throws Exception {
    AuthenticationResults atRcpt =
        AuthenticationResults.builder().spfMailFrom(SpfResult.SOFTFAIL).build();
    AuthenticationResults message =
        atRcpt.toBuilder()
            .dkim(new DkimSignature("sender.example", DkimSignature.Result.PASS))
            .dkim(new DkimSignature("esp.example", DkimSignature.Result.FAIL))
            .messageChecked(true)
            .build();
    SenderAuthenticator fixed =
        new SenderAuthenticator() {
          @Override
          public AuthenticationResults checkSender(
              InetAddress client, String helo, String mailFrom) {
            return atRcpt;
          }

          @Override
          public AuthenticationResults checkMessage(
              AuthenticationResults at, String mailFrom, InputStream m) {
            return message;
          }
        };
    SenderAuthenticator counted = MicrometerAuthenticator.wrapping(registry).apply(fixed);

    assertSame(
        atRcpt,
        counted.checkSender(InetAddress.getLoopbackAddress(), "h.example", "a@sender.example"));
    assertSame(
        message,
        counted.checkMessage(atRcpt, "a@sender.example", new ByteArrayInputStream(new byte[0])));

    assertEquals(1, count("smtpcr.auth.spf", "result", "softfail"));
    assertEquals(1, count("smtpcr.auth.dkim", "result", "pass"));
    assertEquals(1, count("smtpcr.auth.dkim", "result", "fail"));
  }

  @Test
  void failures_countedAndRethrown() {
    SenderAuthenticator broken =
        new SenderAuthenticator() {
          @Override
          public AuthenticationResults checkSender(
              InetAddress client, String helo, String mailFrom) {
            throw new IllegalStateException("resolver closed");
          }

          @Override
          public AuthenticationResults checkMessage(
              AuthenticationResults at, String mailFrom, InputStream m) throws IOException {
            throw new IOException("message truncated");
          }
        };
    SenderAuthenticator counted = MicrometerAuthenticator.of(broken, registry);
    assertThrows(
        IllegalStateException.class,
        () -> counted.checkSender(InetAddress.getLoopbackAddress(), "h", "a@sender.example"));
    assertThrows(
        IOException.class,
        () ->
            counted.checkMessage(
                AuthenticationResults.notChecked(),
                "a@sender.example",
                new ByteArrayInputStream(new byte[0])));
    assertEquals(1, count("smtpcr.auth.errors", "check", "sender"));
    assertEquals(1, count("smtpcr.auth.errors", "check", "message"));
  }
}
