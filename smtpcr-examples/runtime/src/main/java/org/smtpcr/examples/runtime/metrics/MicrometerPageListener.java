package org.smtpcr.examples.runtime.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.smtpcr.core.store.Confirmation;
import org.smtpcr.examples.runtime.PageListener;

/**
 * A {@link PageListener} that counts the challenge page's outcomes in a Micrometer {@link
 * MeterRegistry}:
 *
 * <ul>
 *   <li>{@code smtpcr.page.views} (counter; tag {@code link}: valid, expired, invalid);
 *   <li>{@code smtpcr.page.confirmations} (counter; tag {@code outcome}: created, renewed, kept);
 *   <li>{@code smtpcr.page.refusals} (counter; tag {@code reason}, as {@link
 *       PageListener#onRefusal} lists them).
 * </ul>
 *
 * @since 0.3.0
 */
public final class MicrometerPageListener implements PageListener {
  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

  private MicrometerPageListener(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * A listener that counts in {@code registry}.
   *
   * @param registry where the meters are registered
   * @return the listener
   */
  public static MicrometerPageListener of(MeterRegistry registry) {
    return new MicrometerPageListener(requireNonNull(registry, "registry"));
  }

  @Override
  public void onView(String link) {
    count("smtpcr.page.views", "Challenge links opened", "link", link);
  }

  @Override
  public void onConfirmation(Confirmation outcome) {
    count(
        "smtpcr.page.confirmations",
        "Confirmations the page recorded",
        "outcome",
        outcome.name().toLowerCase(Locale.ROOT));
  }

  @Override
  public void onRefusal(String reason) {
    count("smtpcr.page.refusals", "Confirmations the page refused", "reason", reason);
  }

  private void count(String name, String description, String tag, String value) {
    counters
        .computeIfAbsent(
            name + '\0' + value,
            k -> Counter.builder(name).description(description).tag(tag, value).register(registry))
        .increment();
  }

  @Override
  public String toString() {
    return "MicrometerPageListener[" + registry.getClass().getSimpleName() + "]";
  }
}
