/**
 * The challenge page: where a sender whose mail was refused with a challenge link confirms that a
 * person is writing, so that the (sender, recipient) pair is whitelisted.
 *
 * <p>{@link org.smtpcr.examples.web.ChallengePage} holds the page logic and speaks only in paths,
 * bytes and {@link org.smtpcr.examples.web.PageResponse}s, so any Java web framework can host it;
 * {@link org.smtpcr.examples.web.ChallengeWebServer} hosts it on Jetty with deadlines for slow
 * clients, connection caps, a bounded pool, rate limits per client, network and link, and trusted
 * reverse proxies.
 *
 * <p>Both are thread-safe once built. No method accepts or returns {@code null}; absent values are
 * {@link java.util.Optional}.
 *
 * @since 0.1.0
 */
package org.smtpcr.examples.web;
