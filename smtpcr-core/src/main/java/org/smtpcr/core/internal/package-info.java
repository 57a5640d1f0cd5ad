/**
 * Helpers of the decision engine and its built-in rules: RFC 2047 decoding of header values, IP
 * literal parsing without DNS, text made safe for log lines. Not API: this package may change in
 * any release.
 *
 * <p>Stateless and thread-safe. No method accepts or returns {@code null}.
 */
package org.smtpcr.core.internal;
