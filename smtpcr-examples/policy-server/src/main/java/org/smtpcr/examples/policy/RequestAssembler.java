package org.smtpcr.examples.policy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects the lines of one connection into {@link PolicyRequest}s: {@code name=value} lines up to
 * an empty line. Bounded: a line of at most {@link PolicyServer#MAX_LINE_BYTES}, at most {@link
 * PolicyServer#MAX_ATTRIBUTES} attributes and {@link PolicyServer#MAX_REQUEST_BYTES} per request;
 * whatever breaks a bound or the syntax makes it {@link Step.Malformed}, after which it takes
 * nothing more. Not thread-safe: one per connection, fed in order.
 */
final class RequestAssembler {
  private static final int MAX_NAME_LENGTH = 64;

  /** Room for the attributes Postfix 3.x sends (about 30) without the map growing. */
  private static final int INITIAL_CAPACITY = 64;

  /** What one line did. */
  sealed interface Step {
    /** The request goes on. */
    record Incomplete() implements Step {}

    /** The empty line ended a request. */
    record Complete(PolicyRequest request, int bytes) implements Step {}

    /**
     * The input broke the protocol or a bound; the connection is to be closed without a reply.
     *
     * @param reason what was wrong, safe to log (no peer bytes beyond {@code excerpt})
     * @param excerpt a sanitized, truncated excerpt of the offending line, or empty
     */
    record Malformed(String reason, String excerpt) implements Step {}
  }

  private static final Step.Incomplete INCOMPLETE = new Step.Incomplete();

  /**
   * The attribute names Postfix 3.x sends: a line that has one of them takes the shared string
   * instead of a new one (about 30 fewer strings per request).
   */
  private static final String[] KNOWN_NAMES = {
    "request",
    "protocol_state",
    "protocol_name",
    "helo_name",
    "queue_id",
    "sender",
    "recipient",
    "recipient_count",
    "client_address",
    "client_name",
    "client_port",
    "reverse_client_name",
    "server_address",
    "server_port",
    "instance",
    "sasl_method",
    "sasl_username",
    "sasl_sender",
    "size",
    "ccert_subject",
    "ccert_issuer",
    "ccert_fingerprint",
    "ccert_pubkey_fingerprint",
    "encryption_protocol",
    "encryption_cipher",
    "encryption_keysize",
    "etrn_domain",
    "stress",
    "policy_context",
    "compatibility_level",
    "mail_version"
  };

  private static final byte[][] KNOWN_NAME_BYTES = new byte[KNOWN_NAMES.length][];

  static {
    for (int i = 0; i < KNOWN_NAMES.length; i++) {
      KNOWN_NAME_BYTES[i] = KNOWN_NAMES[i].getBytes(StandardCharsets.US_ASCII);
    }
  }

  private final int maxLine;
  private final int maxAttributes;
  private final int maxRequest;
  private Map<String, String> attributes = newAttributes();
  private int lines;
  private int bytes;
  private boolean failed;

  RequestAssembler() {
    this(PolicyServer.MAX_LINE_BYTES, PolicyServer.MAX_ATTRIBUTES, PolicyServer.MAX_REQUEST_BYTES);
  }

  RequestAssembler(int maxLine, int maxAttributes, int maxRequest) {
    this.maxLine = maxLine;
    this.maxAttributes = maxAttributes;
    this.maxRequest = maxRequest;
  }

  /**
   * Takes one line, its line feed removed (a carriage return before it is tolerated and dropped).
   *
   * @param line the line's bytes
   * @return what the line did
   * @throws IllegalStateException after a {@link Step.Malformed}
   */
  Step line(byte[] line) {
    if (failed) {
      throw new IllegalStateException("the request was malformed; close the connection");
    }
    int length = line.length;
    if (length > maxLine) {
      return fail("line of " + length + " bytes, limit " + maxLine, line);
    }
    if (length > 0 && line[length - 1] == '\r') {
      length--;
    }
    bytes += line.length + 1;
    if (bytes > maxRequest) {
      return fail("request larger than " + maxRequest + " bytes", new byte[0]);
    }
    if (length == 0) {
      // the map is handed over whole: this assembler starts a new one and never touches it again
      PolicyRequest request = PolicyRequest.parsed(attributes);
      int size = bytes;
      attributes = newAttributes();
      lines = 0;
      bytes = 0;
      return new Step.Complete(request, size);
    }
    if (++lines > maxAttributes) {
      return fail("more than " + maxAttributes + " attributes", new byte[0]);
    }
    int eq = -1;
    for (int i = 0; i < length && i <= MAX_NAME_LENGTH; i++) {
      byte b = line[i];
      if (b == '=') {
        eq = i;
        break;
      }
      if (!isNameByte(b)) {
        return fail("attribute name with a byte outside [A-Za-z0-9_.:-]", line);
      }
    }
    if (eq < 0) {
      return fail("line without '=' in its first " + (MAX_NAME_LENGTH + 1) + " bytes", line);
    }
    if (eq == 0) {
      return fail("attribute without a name", line);
    }
    for (int i = eq + 1; i < length; i++) {
      if (line[i] == '\n') {
        // the line decoder splits at line feeds, so only a caller feeding lines by hand gets here
        return fail("line feed inside a line", line);
      }
    }
    String name = name(line, eq);
    String value = new String(line, eq + 1, length - eq - 1, StandardCharsets.UTF_8);
    attributes.put(name, value);
    return INCOMPLETE;
  }

  /** The name in {@code line}'s first {@code length} bytes: a shared string when Postfix's. */
  private static String name(byte[] line, int length) {
    for (int i = 0; i < KNOWN_NAME_BYTES.length; i++) {
      byte[] known = KNOWN_NAME_BYTES[i];
      if (known.length == length
          && known[0] == line[0]
          && Arrays.equals(known, 0, length, line, 0, length)) {
        return KNOWN_NAMES[i];
      }
    }
    return new String(line, 0, length, StandardCharsets.US_ASCII);
  }

  /** Bytes of the request in progress; never more than the request bound. */
  int bufferedBytes() {
    return bytes;
  }

  /** Whether a request is in progress (some line of it was read). */
  boolean inProgress() {
    return bytes > 0;
  }

  private Step fail(String reason, byte[] line) {
    failed = true;
    attributes = newAttributes();
    bytes = 0;
    lines = 0;
    return new Step.Malformed(reason, Excerpt.of(line));
  }

  private static Map<String, String> newAttributes() {
    return new LinkedHashMap<>(INITIAL_CAPACITY);
  }

  private static boolean isNameByte(byte b) {
    return (b >= 'a' && b <= 'z')
        || (b >= 'A' && b <= 'Z')
        || (b >= '0' && b <= '9')
        || b == '_'
        || b == '.'
        || b == ':'
        || b == '-';
  }
}
