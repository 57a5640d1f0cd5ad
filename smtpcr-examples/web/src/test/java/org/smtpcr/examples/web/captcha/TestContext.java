package org.smtpcr.examples.web.captcha;

import java.net.InetAddress;
import java.text.MessageFormat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.ResourceBundle;
import org.smtpcr.examples.web.check.CheckContext;
import org.smtpcr.examples.web.check.CheckStamps;

/** A {@link CheckContext} for one token, with the page's English texts and a test clock. */
record TestContext(
    String token, Optional<InetAddress> client, Clock clock, Duration validity, CheckStamps stamps)
    implements CheckContext {
  private static final ResourceBundle TEXTS =
      ResourceBundle.getBundle(
          "org.smtpcr.examples.web.messages",
          Locale.ROOT,
          ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));

  @Override
  public Instant now() {
    return clock.instant();
  }

  @Override
  public String text(String key, Object... args) {
    String pattern = TEXTS.getString(key);
    return args.length == 0 ? pattern : new MessageFormat(pattern, Locale.ROOT).format(args);
  }

  @Override
  public String languageTag() {
    return "en";
  }

  @Override
  public String root() {
    return "../";
  }
}
