/**
 * What every shipped route shares: the {@linkplain org.smtpcr.examples.runtime.Settings settings}
 * and their {@linkplain org.smtpcr.examples.runtime.SettingGrammar grammar}, store specs and
 * key-ring loading, the {@linkplain org.smtpcr.examples.runtime.StandardEngine standard engine},
 * {@linkplain org.smtpcr.examples.runtime.OutboundLearning learning from outbound mail}, header
 * parsing, session ids and the shared {@linkplain org.smtpcr.examples.runtime.Replies reply texts}.
 * The command line, the policy server, the SMTP server, the page and James map their inputs onto
 * these and their outputs onto their protocol.
 *
 * <p>No method accepts or returns null. Every type is immutable and thread-safe unless its
 * documentation says otherwise.
 */
package org.smtpcr.examples.runtime;
