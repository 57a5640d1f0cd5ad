package org.smtpcr.examples.web.check;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a {@link HumanCheck} knows about the request it renders a form for or verifies an answer of.
 * The page makes one per request; a test may implement it itself. New methods are added with
 * defaults only.
 *
 * @since 0.4.0
 */
public interface CheckContext {
  /**
   * The link's token, verified, in lowercase (its canonical form): what a check binds its signed
   * fields to.
   *
   * @return the token
   */
  String token();

  /**
   * The form's {@code action}, already escaped for an attribute: the token, relative to the page.
   *
   * @return the action
   */
  default String formAction() {
    return CheckHtml.escape(token());
  }

  /**
   * The client's address as the host resolved it through trusted proxies: present on a POST (hosted
   * CAPTCHAs pass it on as {@code remoteip}), empty on a GET.
   *
   * @return the client's address, or empty
   */
  Optional<InetAddress> client();

  /**
   * Now, by the page's clock (tests inject one).
   *
   * @return the current instant
   */
  Instant now();

  /**
   * How long a rendered check may be answered: a check refuses answers issued longer ago than this
   * (the page's {@code powValidity}, default 10 minutes).
   *
   * @return the validity
   */
  Duration validity();

  /**
   * The page's text for {@code key} in the page's language, with {@code args} formatted in (a
   * {@link java.text.MessageFormat} pattern from {@code messages.properties}). Plain text: escape
   * it with {@link CheckHtml#escape} before putting it in HTML.
   *
   * @param key a key such as {@code check.wait.button}
   * @param args the arguments
   * @return the text
   * @throws IllegalStateException if the catalogue has no such key
   */
  String text(String key, Object... args);

  /**
   * The language of the page's texts as a BCP 47 tag, such as {@code en} (for a provider's widget
   * language parameter).
   *
   * @return the language tag
   */
  String languageTag();

  /**
   * The relative way from the page to the site root, such as {@code ../}: prefix it to {@code
   * static/…} in links the check writes itself (script URLs in {@link CheckFragment} are prefixed
   * by the page).
   *
   * @return the root, empty or a run of {@code ../}
   */
  String root();

  /**
   * The site's stamps for the values a check hands out and must get back unchanged.
   *
   * @return the stamps
   */
  CheckStamps stamps();
}
