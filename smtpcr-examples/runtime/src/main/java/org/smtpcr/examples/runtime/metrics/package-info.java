/**
 * Metrics and health for the shipped servers, through Micrometer: {@link
 * org.smtpcr.examples.runtime.metrics.MicrometerDecisionListener} (the engine's decisions), {@link
 * org.smtpcr.examples.runtime.metrics.MicrometerPageListener} (the page's outcomes), {@link
 * org.smtpcr.examples.runtime.metrics.TimedWhitelistStore} (store latency and failures) and {@link
 * org.smtpcr.examples.runtime.metrics.MetricsServer} ({@code /metrics} and {@code /healthz}).
 * Micrometer is an optional dependency of the runtime: a user of this package adds {@code
 * io.micrometer:micrometer-core} (and {@code micrometer-registry-prometheus} for the server). The
 * meters are named {@code smtpcr.*}; Prometheus spells them {@code smtpcr_*} (docs/operations.md
 * lists them). No meter is tagged with an address.
 *
 * <p>Every type here is thread-safe. No method accepts or returns null.
 */
package org.smtpcr.examples.runtime.metrics;
