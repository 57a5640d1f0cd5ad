/**
 * SMTP replies, modelled and then rendered: the validated {@link org.smtpcr.core.reply.SmtpReply}
 * value (code, enhanced status, prose and an optional link), the template-based {@link
 * org.smtpcr.core.reply.ReplyFormatter} that builds challenge, reject, defer and pending-mix
 * replies from sanitized peer data ({@link org.smtpcr.core.reply.ReplyValues}), and renderers for
 * each target: multi-line RFC 5321 text ({@link org.smtpcr.core.reply.SmtpReply#toWire()}), the
 * one-line action of Postfix policy servers ({@link org.smtpcr.core.reply.PostfixReplies}) and
 * milters ({@link org.smtpcr.core.reply.MilterReplies}). A renderer that shortens a reply takes the
 * link from the model and keeps it whole; nothing searches rendered text for it.
 *
 * <p>Guarantees for every reply: printable US-ASCII only, at most 512 octets per line with CRLF,
 * the same enhanced status on every line, its class matching the reply code; nothing a peer sends
 * can add a line.
 *
 * <p>Thread-safety: replies and formatters are immutable and safe to share; builders are for one
 * thread. Nullness: no method accepts or returns null.
 *
 * @since 0.1.0
 */
package org.smtpcr.core.reply;
