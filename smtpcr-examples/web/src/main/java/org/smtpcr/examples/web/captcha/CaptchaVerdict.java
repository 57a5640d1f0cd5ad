package org.smtpcr.examples.web.captcha;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@link SiteVerifier#verify} found: the check {@link Passed passed}, {@link Failed failed}
 * (the token is not good for this site: ask the person to solve the check again), or the provider
 * was {@link Unavailable unavailable} (no usable answer: "try again later", or another check; it
 * never whitelists).
 *
 * <p>Every string in a verdict is safe to log: printable US-ASCII, bounded.
 *
 * @since 0.1.0
 */
public sealed interface CaptchaVerdict {
  /** The provider asked. */
  CaptchaProvider provider();

  /** Whether the check passed; only then may the page confirm. */
  default boolean isPassed() {
    return this instanceof Passed;
  }

  /**
   * The provider said yes, for one of our hostnames, and for the expected {@code cdata} and {@code
   * action} if the submission named them.
   *
   * @param hostname the hostname the provider says the check was solved on
   * @param challengeTs when the check was solved, if the provider said so readably
   */
  record Passed(CaptchaProvider provider, String hostname, Optional<Instant> challengeTs)
      implements CaptchaVerdict {
    /** Checks that no component is null. */
    public Passed {
      requireNonNull(provider, "provider");
      requireNonNull(hostname, "hostname");
      requireNonNull(challengeTs, "challengeTs");
    }
  }

  /**
   * The check did not pass.
   *
   * @param reason why
   * @param errorCodes the provider's {@code error-codes}, made safe to log (empty when the provider
   *     was not asked or gave none)
   */
  record Failed(CaptchaProvider provider, FailureReason reason, List<String> errorCodes)
      implements CaptchaVerdict {
    /** Checks that no component is null, and copies the codes. */
    public Failed {
      requireNonNull(provider, "provider");
      requireNonNull(reason, "reason");
      errorCodes = List.copyOf(errorCodes);
    }
  }

  /**
   * The provider gave no usable answer. The person did nothing wrong; the page says "try again
   * later" (or offers another check) and writes nothing.
   *
   * @param reason why
   * @param detail a short, log-safe description (an HTTP status, an exception type, error codes)
   */
  record Unavailable(CaptchaProvider provider, UnavailableReason reason, String detail)
      implements CaptchaVerdict {
    /** Checks that no component is null. */
    public Unavailable {
      requireNonNull(provider, "provider");
      requireNonNull(reason, "reason");
      requireNonNull(detail, "detail");
    }
  }

  /** Why a check failed. */
  enum FailureReason {
    /** The form carried no response token: the widget was not solved. */
    MISSING_RESPONSE,
    /** The response token is longer than any provider's or not printable ASCII; not sent. */
    MALFORMED_RESPONSE,
    /**
     * The provider said no ({@code success: false}): {@code invalid-input-response}, {@code
     * timeout-or-duplicate} and the like, in the verdict's error codes.
     */
    REJECTED,
    /** The provider said yes, but for a hostname that is not ours (or none). */
    WRONG_HOSTNAME,
    /** Turnstile said yes, but for another {@code cdata}: a token solved for another challenge. */
    CDATA_MISMATCH,
    /** Turnstile said yes, but for another {@code action}. */
    ACTION_MISMATCH
  }

  /** Why the provider was unavailable. */
  enum UnavailableReason {
    /** No answer within the connect or request timeout. */
    TIMEOUT,
    /** The connection failed (refused, reset, TLS, DNS). */
    CONNECTION,
    /** An HTTP status other than 200 (a 5xx, a redirect, a 4xx). */
    HTTP_STATUS,
    /** The answer is not the JSON object the API documents. */
    MALFORMED_ANSWER,
    /** The answer is larger than {@link SiteVerifier#MAX_ANSWER_BYTES}. */
    OVERSIZED_ANSWER,
    /** The provider reported an error of its own ({@code internal-error}). */
    PROVIDER_ERROR,
    /**
     * The provider refused our request itself ({@code invalid-input-secret}, {@code
     * missing-input-secret}, {@code sitekey-secret-mismatch}, {@code bad-request}, ...): a
     * configuration error, logged as such.
     */
    MISCONFIGURED,
    /** The thread waiting for the answer was interrupted. */
    INTERRUPTED
  }
}
