package org.smtpcr.examples.runtime.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.DkimSignature;
import org.smtpcr.core.auth.SenderAuthenticator;

/**
 * A {@link SenderAuthenticator} that counts the results of another one, then returns them (or
 * throws) unchanged:
 *
 * <ul>
 *   <li>{@code smtpcr.auth.spf} (counter; tag {@code result}: none, neutral, pass, fail, softfail,
 *       temperror, permerror, or not-checked): one per sender check (MAIL FROM's SPF);
 *   <li>{@code smtpcr.auth.dkim} (counter; tag {@code result}, the signature's result in lower case
 *       with dashes): one per DKIM signature checked;
 *   <li>{@code smtpcr.auth.dmarc} (counter; tag {@code result}): one per message whose DMARC was
 *       evaluated;
 *   <li>{@code smtpcr.auth.errors} (counter; tag {@code check}: sender, message): checks that
 *       threw.
 * </ul>
 *
 * <p>Give {@link #wrapping(MeterRegistry)} to {@link
 * org.smtpcr.examples.runtime.StandardEngine#builder(org.smtpcr.examples.runtime.Settings,
 * org.smtpcr.tokens.KeyRing, org.smtpcr.core.store.WhitelistStore, UnaryOperator)}.
 *
 * @since 0.3.0
 */
public final class MicrometerAuthenticator implements SenderAuthenticator {
  private final SenderAuthenticator authenticator;
  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

  private MicrometerAuthenticator(SenderAuthenticator authenticator, MeterRegistry registry) {
    this.authenticator = authenticator;
    this.registry = registry;
  }

  /**
   * Counts the results of {@code authenticator} in {@code registry}.
   *
   * @param authenticator the authenticator that checks
   * @param registry where the meters are registered
   * @return the counting authenticator
   */
  public static MicrometerAuthenticator of(
      SenderAuthenticator authenticator, MeterRegistry registry) {
    return new MicrometerAuthenticator(
        requireNonNull(authenticator, "authenticator"), requireNonNull(registry, "registry"));
  }

  /**
   * {@link #of} as a function, for the runtime's engine builder.
   *
   * @param registry where the meters are registered
   * @return a function that wraps an authenticator
   */
  public static UnaryOperator<SenderAuthenticator> wrapping(MeterRegistry registry) {
    requireNonNull(registry, "registry");
    return a -> of(a, registry);
  }

  @Override
  public AuthenticationResults checkSender(InetAddress client, String helo, String mailFrom) {
    AuthenticationResults r;
    try {
      r = authenticator.checkSender(client, helo, mailFrom);
    } catch (RuntimeException e) {
      count("smtpcr.auth.errors", "check", "sender");
      throw e;
    }
    count("smtpcr.auth.spf", "result", r.spfMailFrom().map(Enum::name).orElse("not-checked"));
    return r;
  }

  @Override
  public AuthenticationResults checkMessage(
      AuthenticationResults atRcpt, String mailFrom, InputStream message) throws IOException {
    AuthenticationResults r;
    try {
      r = authenticator.checkMessage(atRcpt, mailFrom, message);
    } catch (IOException | RuntimeException e) {
      count("smtpcr.auth.errors", "check", "message");
      throw e;
    }
    for (DkimSignature s : r.dkim()) {
      count("smtpcr.auth.dkim", "result", s.result().name());
    }
    r.dmarc().ifPresent(d -> count("smtpcr.auth.dmarc", "result", d.result().name()));
    return r;
  }

  private void count(String name, String tag, String value) {
    String v = value.toLowerCase(Locale.ROOT).replace('_', '-');
    counters
        .computeIfAbsent(name + '\0' + v, k -> Counter.builder(name).tag(tag, v).register(registry))
        .increment();
  }

  @Override
  public String toString() {
    return "MicrometerAuthenticator[" + authenticator + "]";
  }
}
