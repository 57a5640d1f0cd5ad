/**
 * Human checks: the part of the challenge page that tells a person from a bot. A {@link
 * org.smtpcr.examples.web.check.HumanCheck} renders its form, verifies what that form posts, and
 * declares the extra Content-Security-Policy sources it needs; the page ({@code ChallengePage})
 * does everything else (the token, the deny list, the limits, the store).
 *
 * <p>Built in: {@code pow} (the proof-of-work, the default main check) and {@code wait} (the signed
 * "wait a few seconds, then confirm" form that works without JavaScript). A site lists the checks
 * it offers, in order ({@code page-checks}, default {@code pow,wait}); other checks are registered
 * by name in {@link org.smtpcr.examples.web.check.HumanCheckRegistry}.
 *
 * <p>No method accepts or returns {@code null}; absent values are {@link java.util.Optional}.
 *
 * @since 0.4.0
 */
package org.smtpcr.examples.web.check;
