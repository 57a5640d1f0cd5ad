package org.smtpcr.examples.web.captcha;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.Optional;
import java.util.UUID;

/**
 * What the page hands {@link SiteVerifier#verify}: the response token the browser posted, the
 * client's address (which goes along as the remote IP), and, for Turnstile, the {@code cdata} and
 * {@code action} the widget was rendered with, which the answer must repeat.
 *
 * @param responseToken the posted token, as posted (may be empty: the verdict is then {@code
 *     MISSING_RESPONSE})
 * @param remoteIp the client's address
 * @param expectedCdata Turnstile's {@code cdata} the page rendered (for example a digest of the
 *     challenge link), so that a token solved for one challenge cannot confirm another
 * @param expectedAction Turnstile's {@code action} the page rendered
 * @param idempotencyKey Turnstile's {@code idempotency_key}: the same key with the same token gets
 *     the same answer again instead of {@code timeout-or-duplicate} (for a retry after a timeout)
 * @since 0.1.0
 */
public record CaptchaSubmission(
    String responseToken,
    InetAddress remoteIp,
    Optional<String> expectedCdata,
    Optional<String> expectedAction,
    Optional<UUID> idempotencyKey) {

  /** Longest {@code cdata} Turnstile accepts. */
  public static final int MAX_CDATA_LENGTH = 255;

  /** Longest {@code action} Turnstile accepts. */
  public static final int MAX_ACTION_LENGTH = 32;

  /** Checks the components: cdata and action in Turnstile's alphabet ({@code [A-Za-z0-9_-]}). */
  public CaptchaSubmission {
    requireNonNull(responseToken, "responseToken");
    requireNonNull(remoteIp, "remoteIp");
    requireNonNull(expectedCdata, "expectedCdata");
    requireNonNull(expectedAction, "expectedAction");
    requireNonNull(idempotencyKey, "idempotencyKey");
    expectedCdata.ifPresent(c -> checkWidgetValue("cdata", c, MAX_CDATA_LENGTH));
    expectedAction.ifPresent(a -> checkWidgetValue("action", a, MAX_ACTION_LENGTH));
  }

  /** A submission with no binding: the token and the client's address. */
  public static CaptchaSubmission of(String responseToken, InetAddress remoteIp) {
    return new CaptchaSubmission(
        responseToken, remoteIp, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** This submission, bound to Turnstile's {@code cdata}. */
  public CaptchaSubmission withCdata(String cdata) {
    return new CaptchaSubmission(
        responseToken, remoteIp, Optional.of(cdata), expectedAction, idempotencyKey);
  }

  /** This submission, bound to Turnstile's {@code action}. */
  public CaptchaSubmission withAction(String action) {
    return new CaptchaSubmission(
        responseToken, remoteIp, expectedCdata, Optional.of(action), idempotencyKey);
  }

  /** This submission with Turnstile's {@code idempotency_key}. */
  public CaptchaSubmission withIdempotencyKey(UUID key) {
    return new CaptchaSubmission(
        responseToken, remoteIp, expectedCdata, expectedAction, Optional.of(key));
  }

  /** Redacted: the token is a bearer credential for a few minutes. */
  @Override
  public String toString() {
    return "CaptchaSubmission[token "
        + responseToken.length()
        + " characters, remoteIp="
        + remoteIp.getHostAddress()
        + ", cdata="
        + expectedCdata.isPresent()
        + ", action="
        + expectedAction.orElse("-")
        + "]";
  }

  private static void checkWidgetValue(String what, String value, int max) {
    checkArgument(
        !value.isEmpty() && value.length() <= max,
        "Turnstile's %s has 1 to %s characters, this one %s",
        what,
        max,
        value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      checkArgument(
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-',
          "Turnstile's %s is made of A-Z, a-z, 0-9, '_' and '-'; character %s is not",
          what,
          i + 1);
    }
  }
}
