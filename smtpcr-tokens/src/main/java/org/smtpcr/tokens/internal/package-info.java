/**
 * Implementation details of {@code smtpcr-tokens}: base32, HKDF and HMAC helpers. Nothing here is
 * public API; it may change in any release.
 */
package org.smtpcr.tokens.internal;
