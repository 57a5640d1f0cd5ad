/**
 * SMTP replies: the validated {@link org.smtpcr.core.reply.SmtpReply} value, the template-based
 * {@link org.smtpcr.core.reply.ReplyFormatter} that builds challenge, reject, defer and pending-mix
 * replies from sanitized peer data, and target formats for Postfix policy servers
 * ({@link org.smtpcr.core.reply.PostfixReplies}) and milters
 * ({@link org.smtpcr.core.reply.MilterReplies}). Multi-line RFC 5321 text is
 * {@link org.smtpcr.core.reply.SmtpReply#toWire()}.
 *
 * <p>Guarantees for every reply: printable US-ASCII only, at most 512 octets per line with CRLF, the
 * same enhanced status on every line, its class matching the reply code; nothing a peer sends can add
 * a line.
 *
 * <p>Thread-safety: replies and formatters are immutable and safe to share; builders are for one
 * thread. Nullness: no method accepts or returns null.
 *
 * @since 0.1.0
 */
package org.smtpcr.core.reply;
