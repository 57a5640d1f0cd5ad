package org.smtpcr.examples.web;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link ChallengePage} answers: an HTTP status, the response headers and the body. A host
 * (the JDK server, a servlet, a Netty handler) copies the three onto its own response unchanged.
 *
 * <p>Header names are written in their usual capitalization ({@code Content-Type}); values never
 * contain CR or LF. The body is copied in and out, so an instance is immutable.
 *
 * @param status the HTTP status code, 100 to 599
 * @param headers the response headers, in the order to send them
 * @param body the response body (empty for none)
 * @since 0.1.0
 */
@SuppressWarnings(
    "ArrayRecordComponent") // body is copied in and out; equals/hashCode/toString overridden
public record PageResponse(int status, Map<String, String> headers, byte[] body) {
  /**
   * Checks and copies the parts.
   *
   * @throws IllegalArgumentException if the status is out of range, or a header name or value is
   *     empty (name) or holds a control character
   */
  public PageResponse {
    checkArgument(status >= 100 && status <= 599, "status must be 100..599, got %s", status);
    requireNonNull(headers, "headers");
    requireNonNull(body, "body");
    Map<String, String> copy = new LinkedHashMap<>();
    headers.forEach(
        (name, value) -> {
          requireNonNull(name, "header name");
          requireNonNull(value, "header value");
          checkArgument(!name.isEmpty() && isToken(name), "header name is not an HTTP token");
          checkArgument(
              value.chars().noneMatch(c -> c < 0x20 || c == 0x7f),
              "header %s contains a control character",
              name);
          copy.put(name, value);
        });
    headers = Collections.unmodifiableMap(copy);
    body = body.clone();
  }

  /**
   * A copy of the body.
   *
   * @return the body bytes
   */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /**
   * The body decoded as UTF-8 (every text this page sends is UTF-8).
   *
   * @return the body as text
   */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * The value of header {@code name}, matched ignoring case.
   *
   * @param name a header name such as {@code content-type}
   * @return the value, or empty when the header is absent
   */
  public Optional<String> header(String name) {
    requireNonNull(name, "name");
    return headers.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  /** Compares status, headers and body contents. */
  @Override
  public boolean equals(Object o) {
    return o instanceof PageResponse r
        && r.status == status
        && r.headers.equals(headers)
        && Arrays.equals(r.body, body);
  }

  /** Hashes status, headers and body contents. */
  @Override
  public int hashCode() {
    return (31 * status + headers.hashCode()) * 31 + Arrays.hashCode(body);
  }

  /**
   * The status, the headers and the body length; the body itself is left out (it may hold a pass
   * code).
   */
  @Override
  public String toString() {
    return "PageResponse[status="
        + status
        + ", headers="
        + headers
        + ", body="
        + body.length
        + " bytes]";
  }

  private static boolean isToken(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
