package org.smtpcr.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.smtpcr.core.auth.AuthenticationResults;

/**
 * What the MTA knows about an SMTP transaction at one {@link Stage}: the client's address, its HELO
 * name, the reverse-path, one forward-path, the authenticated user, whether TLS is on, and at the
 * end of DATA the message headers. Paths are passed as received (with or without angle brackets);
 * the engine canonicalizes them.
 *
 * <pre>{@code
 * Transaction tx = Transaction.builder()
 *     .stage(Stage.RCPT)
 *     .clientAddress(InetAddress.getByName("192.0.2.1"))
 *     .helo("mail.example.org")
 *     .reversePath("<alice@example.org>")
 *     .forwardPath("<bob@example.com>")
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe. The {@code with…} methods return changed copies.
 *
 * @since 0.1.0
 */
public final class Transaction {
  /**
   * The most recipients {@link #acceptedRecipients()} holds (RFC 5321 §4.5.3.1.8 asks servers to
   * take at least 100 per transaction).
   *
   * @since 0.3.0
   */
  public static final int MAX_ACCEPTED_RECIPIENTS = 1000;

  private static final Pattern SESSION_ID = Pattern.compile("[!-~]{1,64}");

  private final String sessionId;
  private final Stage stage;
  private final InetAddress clientAddress;
  private final Optional<String> clientName;
  private final Optional<String> helo;
  private final Optional<String> queueId;
  private final Optional<String> reversePath;
  private final Optional<String> forwardPath;
  private final Optional<String> authenticatedUser;
  private final boolean tls;
  private final List<Header> headers;
  private final AuthenticationResults authentication;
  private final List<String> acceptedRecipients;

  private Transaction(
      String sessionId,
      Stage stage,
      InetAddress clientAddress,
      Optional<String> clientName,
      Optional<String> helo,
      Optional<String> queueId,
      Optional<String> reversePath,
      Optional<String> forwardPath,
      Optional<String> authenticatedUser,
      boolean tls,
      List<Header> headers,
      AuthenticationResults authentication,
      List<String> acceptedRecipients) {
    this.sessionId = sessionId;
    this.stage = stage;
    this.clientAddress = clientAddress;
    this.clientName = clientName;
    this.helo = helo;
    this.queueId = queueId;
    this.reversePath = reversePath;
    this.forwardPath = forwardPath;
    this.authenticatedUser = authenticatedUser;
    this.tls = tls;
    this.headers = headers;
    this.authentication = authentication;
    this.acceptedRecipients = acceptedRecipients;
    checkArgument(
        stage.compareTo(Stage.MAIL) < 0 || reversePath.isPresent(),
        "a transaction at stage %s needs a reverse-path",
        stage);
    checkArgument(
        stage.compareTo(Stage.RCPT) < 0 || forwardPath.isPresent(),
        "a transaction at stage %s needs a forward-path",
        stage);
  }

  /**
   * Starts a builder; the stage and the client address are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * An identifier of the SMTP session for logs and decision listeners: the one given to the
   * builder, or a random one.
   *
   * @return 1 to 64 printable US-ASCII characters
   */
  public String sessionId() {
    return sessionId;
  }

  /**
   * The stage the transaction is in.
   *
   * @return the stage
   */
  public Stage stage() {
    return stage;
  }

  /**
   * The address of the SMTP client.
   *
   * @return the client address
   */
  public InetAddress clientAddress() {
    return clientAddress;
  }

  /**
   * The name the client gave in HELO or EHLO, as received.
   *
   * @return the HELO name, or empty before HELO
   */
  public Optional<String> helo() {
    return helo;
  }

  /**
   * The client's host name as the MTA resolved and verified it (Postfix's {@code client_name}), for
   * logs and for rules that trust clients by name (the runtime's trusted-clients file); the
   * built-in rules do not read it.
   *
   * @return the name as the MTA gave it, or empty when the MTA gave none (or {@code unknown})
   * @since 0.3.0
   */
  public Optional<String> clientName() {
    return clientName;
  }

  /**
   * The MTA's identifier of the message being received, such as Postfix's {@code queue_id}, for
   * logs that must be matched with the MTA's own; rules do not read it.
   *
   * @return the queue id as the MTA gave it, or empty when it gave none yet
   * @since 0.3.0
   */
  public Optional<String> queueId() {
    return queueId;
  }

  /**
   * The reverse-path of {@code MAIL FROM} as received; {@code <>} or the empty string for the null
   * sender.
   *
   * @return the reverse-path, or empty before MAIL
   */
  public Optional<String> reversePath() {
    return reversePath;
  }

  /**
   * The forward-path of the {@code RCPT TO} being decided, as received.
   *
   * @return the forward-path, or empty before RCPT
   */
  public Optional<String> forwardPath() {
    return forwardPath;
  }

  /**
   * The user the client authenticated as (SMTP AUTH), if it did.
   *
   * @return the user name, or empty for an unauthenticated session
   */
  public Optional<String> authenticatedUser() {
    return authenticatedUser;
  }

  /**
   * Whether the session runs over TLS.
   *
   * @return true after STARTTLS or on an implicit-TLS port
   */
  public boolean isTls() {
    return tls;
  }

  /**
   * The message headers, known at the end of DATA.
   *
   * @return the headers in message order; empty before DATA
   */
  public List<Header> headers() {
    return headers;
  }

  /**
   * What is known about the sender's authentication (SPF, DKIM, DMARC); {@link
   * AuthenticationResults#notChecked()} when the route handed in nothing.
   *
   * @since 0.2.0
   */
  public AuthenticationResults authentication() {
    return authentication;
  }

  /**
   * This transaction with these authentication results (at the same stage).
   *
   * @since 0.2.0
   */
  public Transaction withAuthentication(AuthenticationResults authentication) {
    requireNonNull(authentication, "authentication");
    return new Transaction(
        sessionId,
        stage,
        clientAddress,
        clientName,
        helo,
        queueId,
        reversePath,
        forwardPath,
        authenticatedUser,
        tls,
        headers,
        authentication,
        acceptedRecipients);
  }

  /**
   * The forward-paths already accepted in this mail transaction before the one being decided (as
   * received), for rules that count recipients per transaction, such as the null-sender rule (a
   * bounce has one recipient). {@link org.smtpcr.core.engine.TransactionState} fills it in itself;
   * a route that decides each RCPT on its own (a Postfix policy server) hands in the recipients it
   * accepted earlier in the same transaction (Postfix's {@code instance} attribute tells them
   * apart). Empty when the route keeps no such state.
   *
   * @return the forward-paths accepted earlier in the transaction, in order
   * @since 0.3.0
   */
  public List<String> acceptedRecipients() {
    return acceptedRecipients;
  }

  /**
   * A copy that knows the recipients accepted earlier in the same transaction.
   *
   * @param acceptedRecipients forward-paths as received, at most {@value #MAX_ACCEPTED_RECIPIENTS}
   * @return the copy
   * @throws IllegalArgumentException if there are more than {@value #MAX_ACCEPTED_RECIPIENTS}
   * @since 0.3.0
   */
  public Transaction withAcceptedRecipients(List<String> acceptedRecipients) {
    return new Transaction(
        sessionId,
        stage,
        clientAddress,
        clientName,
        helo,
        queueId,
        reversePath,
        forwardPath,
        authenticatedUser,
        tls,
        headers,
        authentication,
        checkRecipients(acceptedRecipients));
  }

  private static List<String> checkRecipients(List<String> recipients) {
    List<String> copy = List.copyOf(recipients);
    checkArgument(
        copy.size() <= MAX_ACCEPTED_RECIPIENTS,
        "at most %s accepted recipients, got %s",
        MAX_ACCEPTED_RECIPIENTS,
        copy.size());
    return copy;
  }

  /**
   * The raw value of the first header named {@code name} (case-insensitively).
   *
   * @param name a header name such as {@code Subject}
   * @return the raw value, or empty when there is no such header
   */
  public Optional<String> header(String name) {
    requireNonNull(name, "name");
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        return Optional.of(h.value());
      }
    }
    return Optional.empty();
  }

  /**
   * A copy at another stage.
   *
   * @param stage the new stage
   * @return the copy
   * @throws IllegalArgumentException if the stage needs a path this transaction does not have
   */
  public Transaction withStage(Stage stage) {
    requireNonNull(stage, "stage");
    return new Transaction(
        sessionId,
        stage,
        clientAddress,
        clientName,
        helo,
        queueId,
        reversePath,
        forwardPath,
        authenticatedUser,
        tls,
        headers,
        authentication,
        acceptedRecipients);
  }

  /**
   * A copy at stage {@link Stage#RCPT} for another recipient, without headers.
   *
   * @param forwardPath the forward-path as received
   * @return the copy
   * @throws IllegalArgumentException if this transaction has no reverse-path
   */
  public Transaction withForwardPath(String forwardPath) {
    requireNonNull(forwardPath, "forwardPath");
    return new Transaction(
        sessionId,
        Stage.RCPT,
        clientAddress,
        clientName,
        helo,
        queueId,
        reversePath,
        Optional.of(forwardPath),
        authenticatedUser,
        tls,
        List.of(),
        authentication,
        acceptedRecipients);
  }

  /**
   * A copy at stage {@link Stage#DATA} with the message headers.
   *
   * @param headers the headers in message order
   * @return the copy
   * @throws IllegalArgumentException if this transaction has no forward-path
   */
  public Transaction withHeaders(List<Header> headers) {
    return new Transaction(
        sessionId,
        Stage.DATA,
        clientAddress,
        clientName,
        helo,
        queueId,
        reversePath,
        forwardPath,
        authenticatedUser,
        tls,
        List.copyOf(headers),
        authentication,
        acceptedRecipients);
  }

  /**
   * Describes the stage, session and client; paths and headers are left out (they are personal data
   * and appear only in DEBUG logs).
   */
  @Override
  public String toString() {
    return "Transaction["
        + stage
        + ", session="
        + sessionId
        + ", client="
        + clientAddress.getHostAddress()
        + (authenticatedUser.isPresent() ? ", authenticated" : "")
        + (tls ? ", tls" : "")
        + "]";
  }

  private static String randomSessionId() {
    return "s"
        + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16).toLowerCase(Locale.ROOT);
  }

  /**
   * Builds a {@link Transaction}. Each option may be set once. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private String sessionId;
    private Stage stage;
    private InetAddress clientAddress;
    private String clientName;
    private String helo;
    private String queueId;
    private String reversePath;
    private String forwardPath;
    private String authenticatedUser;
    private Boolean tls;
    private List<Header> headers;
    private AuthenticationResults authentication;
    private List<String> acceptedRecipients;

    private Builder() {}

    /**
     * The forward-paths already accepted earlier in the same mail transaction; see {@link
     * Transaction#acceptedRecipients()}.
     *
     * @param recipients forward-paths as received, at most {@value
     *     Transaction#MAX_ACCEPTED_RECIPIENTS}
     * @return this builder
     * @throws IllegalArgumentException if there are more
     * @since 0.3.0
     */
    public Builder acceptedRecipients(List<String> recipients) {
      checkState(this.acceptedRecipients == null, "acceptedRecipients were already set");
      this.acceptedRecipients = checkRecipients(requireNonNull(recipients, "recipients"));
      return this;
    }

    /**
     * The session identifier for logs (default: random), such as the MTA's own session or queue id.
     *
     * @param sessionId 1 to 64 printable US-ASCII characters, no spaces
     * @return this builder
     */
    public Builder sessionId(String sessionId) {
      checkState(this.sessionId == null, "sessionId was already set");
      requireNonNull(sessionId, "sessionId");
      checkArgument(
          SESSION_ID.matcher(sessionId).matches(),
          "sessionId must be 1..64 printable US-ASCII characters without spaces");
      this.sessionId = sessionId;
      return this;
    }

    /**
     * The stage (required).
     *
     * @param stage the stage
     * @return this builder
     */
    public Builder stage(Stage stage) {
      checkState(this.stage == null, "stage was already set");
      this.stage = requireNonNull(stage, "stage");
      return this;
    }

    /**
     * The client's address (required).
     *
     * @param clientAddress the address
     * @return this builder
     */
    public Builder clientAddress(InetAddress clientAddress) {
      checkState(this.clientAddress == null, "clientAddress was already set");
      this.clientAddress = requireNonNull(clientAddress, "clientAddress");
      return this;
    }

    /**
     * The client's host name as the MTA resolved it; see {@link Transaction#clientName()}.
     * Postfix's {@code unknown} (no verified name) is the same as none.
     *
     * @param clientName the name
     * @return this builder
     * @since 0.3.0
     */
    public Builder clientName(String clientName) {
      checkState(this.clientName == null, "clientName was already set");
      requireNonNull(clientName, "clientName");
      this.clientName = clientName.isEmpty() || clientName.equals("unknown") ? null : clientName;
      return this;
    }

    /**
     * The MTA's queue id for the message; see {@link Transaction#queueId()}. The empty string is
     * the same as none.
     *
     * @param queueId the queue id
     * @return this builder
     * @since 0.3.0
     */
    public Builder queueId(String queueId) {
      checkState(this.queueId == null, "queueId was already set");
      requireNonNull(queueId, "queueId");
      this.queueId = queueId.isEmpty() ? null : queueId;
      return this;
    }

    /**
     * The HELO or EHLO name as received.
     *
     * @param helo the name
     * @return this builder
     */
    public Builder helo(String helo) {
      checkState(this.helo == null, "helo was already set");
      this.helo = requireNonNull(helo, "helo");
      return this;
    }

    /**
     * The reverse-path as received ({@code <>} or the empty string for the null sender); required
     * from stage {@link Stage#MAIL} on.
     *
     * @param reversePath the path
     * @return this builder
     */
    public Builder reversePath(String reversePath) {
      checkState(this.reversePath == null, "reversePath was already set");
      this.reversePath = requireNonNull(reversePath, "reversePath");
      return this;
    }

    /**
     * The forward-path as received; required from stage {@link Stage#RCPT} on.
     *
     * @param forwardPath the path
     * @return this builder
     */
    public Builder forwardPath(String forwardPath) {
      checkState(this.forwardPath == null, "forwardPath was already set");
      this.forwardPath = requireNonNull(forwardPath, "forwardPath");
      return this;
    }

    /**
     * The user the client authenticated as.
     *
     * @param user the user name
     * @return this builder
     */
    public Builder authenticatedUser(String user) {
      checkState(this.authenticatedUser == null, "authenticatedUser was already set");
      this.authenticatedUser = requireNonNull(user, "user");
      return this;
    }

    /**
     * Whether the session runs over TLS (default false).
     *
     * @param tls true with TLS
     * @return this builder
     */
    public Builder tls(boolean tls) {
      checkState(this.tls == null, "tls was already set");
      this.tls = tls;
      return this;
    }

    /**
     * The message headers, at stage {@link Stage#DATA}.
     *
     * @param headers the headers in message order
     * @return this builder
     */
    public Builder headers(List<Header> headers) {
      checkState(this.headers == null, "headers were already set");
      this.headers = List.copyOf(headers);
      return this;
    }

    /**
     * What the route already knows about the sender's authentication (an MTA's SPF result, a
     * trusted {@code Authentication-Results} header).
     *
     * @since 0.2.0
     */
    public Builder authentication(AuthenticationResults authentication) {
      checkState(this.authentication == null, "authentication was already set");
      this.authentication = requireNonNull(authentication, "authentication");
      return this;
    }

    /**
     * Builds the transaction.
     *
     * @return the transaction
     * @throws IllegalStateException if the stage or client address is missing
     * @throws IllegalArgumentException if the stage needs a path that is missing (a reverse-path
     *     from MAIL on, a forward-path from RCPT on)
     */
    public Transaction build() {
      checkState(stage != null, "stage is required");
      checkState(clientAddress != null, "clientAddress is required");
      return new Transaction(
          sessionId == null ? randomSessionId() : sessionId,
          stage,
          clientAddress,
          Optional.ofNullable(clientName),
          Optional.ofNullable(helo),
          Optional.ofNullable(queueId),
          Optional.ofNullable(reversePath),
          Optional.ofNullable(forwardPath),
          Optional.ofNullable(authenticatedUser),
          tls != null && tls,
          headers == null ? List.of() : headers,
          authentication == null ? AuthenticationResults.notChecked() : authentication,
          acceptedRecipients == null ? List.of() : acceptedRecipients);
    }
  }
}
