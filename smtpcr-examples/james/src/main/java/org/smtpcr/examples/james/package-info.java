/**
 * SMTPCR for Apache James 3.8: SMTP hooks that decide each {@code RCPT TO} and the end of DATA with
 * the {@link org.smtpcr.core.engine.DecisionEngine}, a result handler that sends the challenge as a
 * multi-line reply, a mailet that learns the correspondents of local users from their outbound
 * mail, and a matcher for mail from whitelisted senders.
 *
 * <p>James creates these classes itself, through their public no-argument constructors, and
 * configures them from {@code smtpserver.xml} ({@link org.smtpcr.examples.james.SmtpcrRcptHook},
 * {@link org.smtpcr.examples.james.SmtpcrMessageHook}, {@link
 * org.smtpcr.examples.james.SmtpcrReplyHandler}) and {@code mailetcontainer.xml} ({@link
 * org.smtpcr.examples.james.SmtpcrLearnRecipients}, {@link
 * org.smtpcr.examples.james.SenderIsWhitelisted}); see {@code docs/james.md}. James's own jars
 * (protocols, mailet API, javax.mail, commons-configuration2) are provided by James at run time.
 *
 * <p>Every class is thread-safe once initialized: James calls the hooks from its I/O threads and
 * the mailets from its spooler threads. No method accepts or returns {@code null} unless a James
 * interface requires it (a result handler may be handed a {@code null} response and hands it back).
 *
 * @since 0.1.0
 */
package org.smtpcr.examples.james;
