package org.smtpcr.core.reply;

import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

/**
 * The values a {@link ReplyFormatter} template can name: {@code {recipient}}, {@code {sender}},
 * {@code {client}} and {@code {helo}}, and (since 0.3.0) {@code {recipientDomain}}, the part of the
 * recipient after its last {@code @}. Every value is treated as peer-supplied: the formatter
 * sanitizes it, so it may hold any text. A value left unset is the empty string, and a placeholder
 * for it is replaced by nothing.
 *
 * <pre>{@code
 * ReplyValues values = ReplyValues.builder()
 *     .recipient("bob@example.com")
 *     .sender("alice@example.org")
 *     .build();
 * SmtpReply reply = ReplyFormatter.english().reject(values);
 * }</pre>
 *
 * <p>Immutable and thread-safe; the builder is for one thread. {@link #toString()} leaves the
 * values out: they name people.
 *
 * @since 0.1.0
 */
public final class ReplyValues {

  private static final ReplyValues NONE = new ReplyValues("", "", "", "");

  private final String recipient;
  private final String sender;
  private final String client;
  private final String helo;

  private ReplyValues(String recipient, String sender, String client, String helo) {
    this.recipient = recipient;
    this.sender = sender;
    this.client = client;
    this.helo = helo;
  }

  /**
   * Returns the values with nothing set: every placeholder is replaced by nothing.
   *
   * @return the shared empty values
   */
  public static ReplyValues none() {
    return NONE;
  }

  /**
   * Starts a builder; values left unset are the empty string.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the recipient, for {@code {recipient}}: the address without angle brackets.
   *
   * @return the recipient as given, not yet sanitized; empty when unset
   */
  public String recipient() {
    return recipient;
  }

  /**
   * Returns the sender, for {@code {sender}}: the address without angle brackets.
   *
   * @return the sender as given, not yet sanitized; empty when unset
   */
  public String sender() {
    return sender;
  }

  /**
   * Returns the client's IP address, for {@code {client}}.
   *
   * @return the client address as text, not yet sanitized; empty when unset
   */
  public String client() {
    return client;
  }

  /**
   * Returns the name the client gave in {@code HELO} or {@code EHLO}, for {@code {helo}}.
   *
   * @return the HELO name as given, not yet sanitized; empty when unset
   */
  public String helo() {
    return helo;
  }

  /** The value of a template placeholder, or null for a name that is not one of them. */
  String placeholder(String name) {
    return switch (name) {
      case "recipient" -> recipient;
      case "sender" -> sender;
      case "client" -> client;
      case "helo" -> helo;
      case "recipientDomain" -> recipient.substring(recipient.lastIndexOf('@') + 1);
      default -> null;
    };
  }

  /** Compares the four values. */
  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof ReplyValues other
            && recipient.equals(other.recipient)
            && sender.equals(other.sender)
            && client.equals(other.client)
            && helo.equals(other.helo));
  }

  /** Hashes the four values. */
  @Override
  public int hashCode() {
    return ((recipient.hashCode() * 31 + sender.hashCode()) * 31 + client.hashCode()) * 31
        + helo.hashCode();
  }

  /** Names the values that are set, not what they hold: addresses name people. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ReplyValues[");
    String sep = "";
    if (!recipient.isEmpty()) {
      sb.append("recipient");
      sep = ", ";
    }
    if (!sender.isEmpty()) {
      sb.append(sep).append("sender");
      sep = ", ";
    }
    if (!client.isEmpty()) {
      sb.append(sep).append("client");
      sep = ", ";
    }
    if (!helo.isEmpty()) {
      sb.append(sep).append("helo");
    }
    return sb.append(']').toString();
  }

  /**
   * Collects {@link ReplyValues}. Each value may be set once. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private String recipient;
    private String sender;
    private String client;
    private String helo;

    private Builder() {}

    /**
     * Sets the recipient.
     *
     * @param recipient the recipient address without angle brackets; any text (it is sanitized)
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder recipient(String recipient) {
      checkState(this.recipient == null, "recipient already set");
      this.recipient = requireNonNull(recipient, "recipient");
      return this;
    }

    /**
     * Sets the sender.
     *
     * @param sender the sender address without angle brackets; any text (it is sanitized)
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder sender(String sender) {
      checkState(this.sender == null, "sender already set");
      this.sender = requireNonNull(sender, "sender");
      return this;
    }

    /**
     * Sets the client address.
     *
     * @param client the client's IP address as text; any text (it is sanitized)
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder client(String client) {
      checkState(this.client == null, "client already set");
      this.client = requireNonNull(client, "client");
      return this;
    }

    /**
     * Sets the HELO name.
     *
     * @param helo the name from {@code HELO} or {@code EHLO}; any text (it is sanitized)
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder helo(String helo) {
      checkState(this.helo == null, "helo already set");
      this.helo = requireNonNull(helo, "helo");
      return this;
    }

    /**
     * Builds the values.
     *
     * @return new immutable values; those left unset are empty
     */
    public ReplyValues build() {
      return new ReplyValues(orEmpty(recipient), orEmpty(sender), orEmpty(client), orEmpty(helo));
    }

    private static String orEmpty(String s) {
      return s == null ? "" : s;
    }
  }
}
