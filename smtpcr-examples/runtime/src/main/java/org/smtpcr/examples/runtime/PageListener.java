package org.smtpcr.examples.runtime;

import org.smtpcr.core.store.Confirmation;

/**
 * Hears what the challenge page did: for metrics, as {@link
 * org.smtpcr.core.engine.DecisionListener} hears the engine. Called on the request's thread after
 * the page decided; keep it quick. A listener that throws is logged by the page and otherwise
 * ignored. Nothing it receives names a sender, a recipient or a client.
 *
 * @since 0.3.0
 */
public interface PageListener {
  /**
   * A person opened a challenge link ({@code GET /c/<token>}).
   *
   * @param link {@code valid}, {@code expired} or {@code invalid}
   */
  default void onView(String link) {}

  /**
   * A confirmation passed every check and the store recorded it.
   *
   * @param outcome what the store did
   */
  default void onConfirmation(Confirmation outcome) {}

  /**
   * A confirmation ({@code POST /c/<token>}) was refused; nothing was recorded.
   *
   * @param reason one of {@code expired-token}, {@code bad-token}, {@code bad-request}, {@code
   *     bad-check}, {@code check-unavailable} (a human check could not decide, such as a hosted
   *     CAPTCHA whose provider did not answer), {@code denied}, {@code limit} and {@code
   *     store-failure}
   */
  default void onRefusal(String reason) {}

  /**
   * A listener that does nothing.
   *
   * @return the silent listener
   */
  static PageListener none() {
    return new PageListener() {};
  }
}
