/**
 * The challenge page: where a sender whose mail was refused with a challenge link confirms that a
 * person is writing, so that the (sender, recipient) pair is whitelisted.
 *
 * <p>{@link org.smtpcr.examples.web.ChallengePage} holds the page logic and speaks only in paths,
 * bytes and {@link org.smtpcr.examples.web.PageResponse}s, so any Java web framework can host it;
 * {@link org.smtpcr.examples.web.PageGate} is what every host puts in front of it (rate limits per
 * client, network and link, trusted reverse proxies, methods, sizes); {@link
 * org.smtpcr.examples.web.ChallengeWebServer} hosts both on Jetty with deadlines for slow clients,
 * connection caps and a bounded pool, and {@code smtpcr-examples-servlet} in a Jakarta Servlet
 * container.
 *
 * <p>Both are thread-safe once built. No method accepts or returns {@code null}; absent values are
 * {@link java.util.Optional}.
 *
 * @since 0.1.0
 */
package org.smtpcr.examples.web;
