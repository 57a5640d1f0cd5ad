/**
 * The {@code smtpcr} command: key rings, challenge tokens, pass codes, the whitelist, the challenge
 * page, the SMTP server and the all-in-one demo. {@link org.smtpcr.examples.cli.Main} is the entry
 * point; {@link org.smtpcr.examples.cli.DataDirectory} is the directory that the commands share
 * (key file, H2 whitelist, Maildir, configuration), so that separate processes work on one state.
 *
 * <p>Exit codes: 0 success, 1 failure (including a token or whitelist check that fails), 2 usage
 * error. No method accepts or returns {@code null}.
 *
 * @since 0.1.0
 */
package org.smtpcr.examples.cli;
