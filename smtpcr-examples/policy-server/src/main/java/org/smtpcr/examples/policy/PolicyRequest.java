package org.smtpcr.examples.policy;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One SMTPD access policy request: the {@code name=value} attributes Postfix sent, in order
 * (SMTPD_POLICY_README). Every attribute is kept; the server uses those it knows and ignores the
 * rest. Values are as received (decoded as UTF-8) and may contain anything but a line feed: they
 * come from the SMTP client, so sanitize before logging or echoing them.
 *
 * <pre>{@code
 * PolicyRequest r = PolicyRequest.from(Map.of("request", "smtpd_access_policy",
 *     "protocol_state", "RCPT", "sender", "alice@example.org", "recipient", "bob@example.com"));
 * r.protocolState();   // "RCPT"
 * }</pre>
 *
 * @since 0.1.0
 */
public final class PolicyRequest {
  private final Map<String, String> attributes;

  private PolicyRequest(Map<String, String> attributes) {
    this.attributes = attributes;
  }

  /**
   * A request with these attributes, in the map's iteration order.
   *
   * @param attributes attribute names and values; names are non-empty and hold no {@code =} or line
   *     feed, values hold no line feed
   * @return the request
   * @throws IllegalArgumentException if a name or value breaks the rules above
   */
  public static PolicyRequest from(Map<String, String> attributes) {
    requireNonNull(attributes, "attributes");
    Map<String, String> copy = new LinkedHashMap<>();
    attributes.forEach(
        (name, value) -> {
          requireNonNull(name, "attribute name");
          requireNonNull(value, "attribute value");
          checkArgument(
              !name.isEmpty() && name.indexOf('=') < 0 && name.indexOf('\n') < 0,
              "an attribute name is non-empty and holds no '=' or line feed");
          checkArgument(value.indexOf('\n') < 0, "an attribute value holds no line feed");
          copy.put(name, value);
        });
    return new PolicyRequest(Collections.unmodifiableMap(copy));
  }

  /**
   * A request over {@code attributes} as they are, without a copy: for the server's own parser,
   * whose names and values already obey {@link #from}'s rules (asserted) and which hands the map
   * over, never to touch it again.
   */
  static PolicyRequest parsed(Map<String, String> attributes) {
    assert attributes.entrySet().stream()
            .allMatch(
                e ->
                    !e.getKey().isEmpty()
                        && e.getKey().indexOf('=') < 0
                        && e.getKey().indexOf('\n') < 0
                        && e.getValue().indexOf('\n') < 0)
        : "attributes the parser should refuse";
    return new PolicyRequest(Collections.unmodifiableMap(attributes));
  }

  /**
   * The value of attribute {@code name}.
   *
   * @param name the attribute name, such as {@code sender}
   * @return the value (possibly empty: Postfix sends {@code sasl_username=} when there is none), or
   *     empty when the attribute was not sent
   */
  public Optional<String> attribute(String name) {
    requireNonNull(name, "name");
    return Optional.ofNullable(attributes.get(name));
  }

  /**
   * The value of attribute {@code name}, or the empty string when it was not sent.
   *
   * @param name the attribute name
   * @return the value or {@code ""}
   */
  public String value(String name) {
    requireNonNull(name, "name");
    return attributes.getOrDefault(name, "");
  }

  /**
   * Every attribute, in the order received.
   *
   * @return an unmodifiable map
   */
  public Map<String, String> attributes() {
    return attributes;
  }

  /**
   * The {@code request} attribute; Postfix sends {@code smtpd_access_policy}.
   *
   * @return the request type, or {@code ""}
   */
  public String requestType() {
    return value("request");
  }

  /**
   * The {@code protocol_state} attribute: {@code CONNECT}, {@code EHLO}, {@code HELO}, {@code
   * MAIL}, {@code RCPT}, {@code DATA}, {@code END-OF-MESSAGE}, {@code VRFY} or {@code ETRN}.
   *
   * @return the state, or {@code ""}
   */
  public String protocolState() {
    return value("protocol_state");
  }

  /** Counts the attributes and names the state; no values (they hold addresses). */
  @Override
  public String toString() {
    String state = protocolState();
    return "PolicyRequest["
        + (state.matches("[A-Z-]{1,20}") ? state : "?")
        + ", "
        + attributes.size()
        + " attributes]";
  }
}
